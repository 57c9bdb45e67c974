"""Does a new review (or a supplier's shift) belong to a saved search? Pure: a search's
canonical query string and a search document (vrm/search/documents.py) in, a boolean out.

An approximation of the search engine, on purpose: asking Whoosh per review and per saved
search would put index reads inside the review's transaction. The filters (kind, sector,
area, rating band, type) must be equal; every word of the text must begin a word of the
document (so "bill" finds "billing"). Quotes and the words AND, OR and NOT are ignored:
a saved search with them notifies a little more often than the page would list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl

WORD = re.compile(r"\w+")
OPERATORS = {"and", "or", "not"}
TEXT_FIELDS = (
    "title",
    "body",
    "supplier_text",
    "name",
    "aliases",
    "description",
    "sector_text",
    "area_text",
)
FILTERS = ("kind", "sector", "area", "rating_band")


def words(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(text)]


def matches(canonical: str, document: Mapping[str, object], *, check_type: bool = True) -> bool:
    """Whether DOCUMENT is among the results of the search CANONICAL names."""
    args = dict(parse_qsl(canonical))
    if check_type and args.get("type") and args["type"] != document.get("doc_type"):
        return False
    for name in FILTERS:
        if args.get(name) and args[name] != document.get(name):
            return False
    wanted = [w for w in words(args.get("q", "")) if w not in OPERATORS]
    if not wanted:
        return True
    present = set()
    for name in TEXT_FIELDS:
        present.update(words(str(document.get(name) or "")))
    return all(any(word.startswith(w) for word in present) for w in wanted)
