"""Fixtures borrowed from the features compare reads: a frozen clock, a search index."""

from tests.reputation.conftest import frozen_clock  # noqa: F401
from tests.search.conftest import commit, search_dir  # noqa: F401
