"""PostgreSQL full-text search: the index is rows in the database (see backend.py)."""
