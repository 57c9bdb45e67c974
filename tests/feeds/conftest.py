"""The search feed needs a fresh search index (tests/search/conftest.py)."""

from tests.search.conftest import commit, search_dir  # noqa: F401
