"""The one place that reads numbers from outside Parley: form fields, query strings,
the JSON API and the answers of identity providers.

Python's own readers are too generous for text a stranger sends: ``str.isdigit`` passes
"²" and "③", which ``int()`` then refuses (a 500); ``int()`` reads "٣" as 3 and refuses
strings of more than 4,300 digits; ``json`` reads ``1e300``, ``NaN`` and ``Infinity``,
which ``datetime.fromtimestamp`` and ``int()`` refuse. Here a number is ASCII digits
within stated bounds, or nothing (None), and each caller says what nothing means.
"""

from __future__ import annotations

import math
import re
from typing import Any

_WHOLE = re.compile(r"-?[0-9]+")

TIMESTAMP_MAX = 253_402_300_799
"""The last second of the year 9999: the latest moment ``datetime`` can hold."""


def whole_number(raw: Any, *, minimum: int, maximum: int) -> int | None:
    """The integer that RAW (text, or an int from JSON) holds, if it lies from MINIMUM to
    MAXIMUM; None for anything else (other digits, signs, fractions, overlong text)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        # The length bound comes first: int() of thousands of digits raises.
        if not _WHOLE.fullmatch(text) or len(text) > len(str(max(abs(minimum), abs(maximum)))) + 1:
            return None
        value = int(text)
    else:
        return None
    return value if minimum <= value <= maximum else None


def finite_number(raw: Any, *, minimum: float, maximum: float) -> float | None:
    """A JSON number (int or float, never a bool) that is finite and from MINIMUM to
    MAXIMUM; None for NaN, infinities, strings and anything out of range."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    if isinstance(raw, float) and not math.isfinite(raw):
        return None
    return float(raw) if minimum <= raw <= maximum else None


def timestamp(raw: Any) -> float | None:
    """A provider's NumericDate (seconds since 1970) that a datetime can hold, or None."""
    return finite_number(raw, minimum=0, maximum=TIMESTAMP_MAX)
