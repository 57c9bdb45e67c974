"""The append-only event log: the source for feeds, notifications and audit."""
