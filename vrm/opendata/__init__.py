"""Open data: every dataset Parley publishes, described as a Frictionless Data Package."""
