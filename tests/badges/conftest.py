"""Badge tests freeze the clock (tests/reputation/conftest.py)."""

from tests.reputation.conftest import frozen_clock  # noqa: F401
