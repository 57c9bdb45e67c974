"""now() — the one seam tests freeze. Every timestamp in Parley comes from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

_source: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # noqa: E731


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return _source()


def set_source(source: Callable[[], dt.datetime] | None) -> None:
    """Replace the time source (tests); None restores the real clock."""
    global _source
    _source = source or (lambda: dt.datetime.now(dt.UTC))
