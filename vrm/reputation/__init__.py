"""Reputation: honest aggregated scores from reviews, answers and kept terms."""
