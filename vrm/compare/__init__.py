"""Side by side: two to four suppliers' figures and trends, from stored aggregates."""
