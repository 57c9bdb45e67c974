"""How every open file is written: the licence, numbers, booleans and safe CSV cells.

Shared by open data, compare and the reputation download, so each file says the same
about its licence and a spreadsheet reads them all alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

LICENCE_NAME = "CC-BY-4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE = f"CC BY 4.0 ({LICENCE_URL}), attribution: Parley"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rounded(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def safe_cell(text: str) -> str:
    """A cell starting with = + - @ would run as a formula when the file is opened in a
    spreadsheet (CSV injection); a leading apostrophe keeps it text."""
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


def cell(value: Any) -> Any:
    """Booleans as true/false (as in JSON, and as Table Schema reads them by default);
    None as an empty cell; text made safe."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return safe_cell(value)
    return value


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: cell(row.get(key)) for key in columns})
    return out.getvalue()
