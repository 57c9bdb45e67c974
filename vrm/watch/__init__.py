"""Watching suppliers, sectors, areas and saved searches, and the change points that
decide when a supplier's ratings have really shifted."""
