"""Reviews, their revisions, and the public conversation with the supplier."""
