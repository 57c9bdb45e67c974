"""Reading search parameters from a query string, for the page and the API alike.

The page is lenient (an unknown value is dropped and the rest still searches); the API
reports the same problems as a 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vrm.reviews.assurance import GRADES
from vrm.search.documents import DOC_TYPES, RATING_BANDS, clean_query
from vrm.search.searching import PER_PAGE, SORTS, SearchRequest
from vrm.suppliers.sectors import KINDS, SECTORS

MAX_PAGE = 500
FACET_PARAMS = ("kind", "sector", "area", "rating_band", "assurance")
_ALLOWED: dict[str, Mapping[str, object] | None] = {
    "kind": KINDS,
    "sector": SECTORS,
    "area": None,  # free text, checked for length only
    "rating_band": RATING_BANDS,
    "assurance": GRADES,
}


@dataclass(frozen=True)
class Parsed:
    request: SearchRequest
    raw_text: str
    truncated: bool
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.request.text and not self.request.filters and not self.request.doc_type


def parse(args: Mapping[str, str]) -> Parsed:
    problems: dict[str, str] = {}
    raw = args.get("q", "") or ""
    cleaned = clean_query(raw)
    doc_type = args.get("type") or None
    if doc_type not in (None, *DOC_TYPES):
        problems["type"] = "type must be supplier or review."
        doc_type = None
    filters: dict[str, str] = {}
    for name in FACET_PARAMS:
        value = (args.get(name) or "").strip()
        if not value:
            continue
        allowed = _ALLOWED[name]
        if (allowed is not None and value not in allowed) or len(value) > 200:
            problems[name] = f"{value[:40]!r} is not a known {name.replace('_', ' ')}."
            continue
        filters[name] = value
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        problems["sort"] = f"sort must be one of {', '.join(SORTS)}."
        sort = "relevance"
    page = 1
    if args.get("page"):
        try:
            page = int(args["page"])
        except ValueError:
            page = 0
        if not 1 <= page <= MAX_PAGE:
            problems["page"] = f"page must be a whole number from 1 to {MAX_PAGE}."
            page = 1
    request = SearchRequest(
        text=cleaned.text,
        doc_type=doc_type,
        filters=filters,
        sort=sort,
        page=page,
        per_page=PER_PAGE,
    )
    return Parsed(request, raw, cleaned.truncated, problems)
