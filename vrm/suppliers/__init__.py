"""Suppliers and public services: the directory, areas, and who may speak for each."""
