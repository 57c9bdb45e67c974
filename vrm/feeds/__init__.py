"""Atom feeds: a supplier's activity, new reviews by sector, area or member, any search."""
