"""Moderation in the open: reports on reviews, the published rules, each decision and
its public record (a review's tombstone and log, the transparency page)."""
