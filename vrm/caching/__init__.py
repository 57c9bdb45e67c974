"""Whole-page caching for anonymous visitors, keyed on a content version that every
committed write to public data advances (see versions.py and pages.py)."""
