"""Signal handlers of this feature, connected once by the factory."""

from __future__ import annotations


def connect() -> None:
    """Connect this feature's handlers to the domain signals."""
