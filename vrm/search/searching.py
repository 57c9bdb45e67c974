"""Searching the index: what a search asks, what it finds, and suggestions.

Whoosh parses the words (stemming them per field) and highlights the page's hits;
executor.py finds every match, so the total, the facet counts and the ranking cover
all of them. Any failure reading the index is SearchUnavailable, never an error page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import query
from whoosh.qparser import MultifieldParser, OrGroup, PhrasePlugin

from vrm.pagination import PageLinks
from vrm.search import executor, searchers, snippets, spelling
from vrm.search.index import SearchUnavailable, live_path, open_dir, result_or_error
from vrm.search.schema import FACETS, TEXT_FIELDS
from vrm.search.snippets import Segments

PER_PAGE = 20
SORTS = ("relevance", "reputation", "newest")
SORT_FIELDS = {"reputation": "reputation", "newest": "created_at"}


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    doc_type: str | None = None
    filters: dict[str, str] = field(default_factory=dict)  # facet name -> value
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class Hit:
    doc_type: str
    doc_id: int
    title: str
    title_segments: Segments
    snippets: list[Segments]
    supplier_id: int
    supplier_slug: str
    supplier_name: str
    kind: str
    sector: str
    area: str
    rating: float | None
    created_at: dt.datetime | None


@dataclass(frozen=True)
class SearchResults(PageLinks):
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]]
    did_you_mean: str | None
    any_word: bool = False  # no result had every word; these have some of them
    capped: bool = False  # counting stopped: there are more than total (postgres backend)


def search(base: Path, request: SearchRequest) -> SearchResults:
    """Run one search; raises SearchUnavailable when the index cannot be used."""
    found = _with_searcher(base, lambda searcher: _search(searcher, request))
    return found  # type: ignore[no-any-return]


def suggest(base: Path, prefix: str, limit: int = 8) -> list[str]:
    """Supplier names with every typed word, the last one perhaps half typed."""

    def names(searcher: Any) -> list[str]:
        # The words as the names were indexed: "Sainsbury's" is "sainsbury" and "s".
        analyzer = searcher.schema["suggest"].analyzer
        words = [token.text for token in analyzer(prefix, mode="query")][:6]
        if not words or (len(words) == 1 and len(words[0]) < 2):
            return []
        parts: list[query.Query] = [query.Term("suggest", w) for w in words[:-1]]
        parts.append(query.Prefix("suggest", words[-1]))
        only_suppliers = query.Term("doc_type", "supplier")
        results = searcher.search(query.And(parts), filter=only_suppliers, limit=limit)
        return [hit["name"] for hit in results]

    return _with_searcher(base, names)  # type: ignore[no-any-return]


def keys(base: Path) -> set[str]:
    """Every document key in the live index (tests and the sync report use it)."""
    found = _with_searcher(
        base, lambda searcher: {fields["key"] for fields in searcher.all_stored_fields()}
    )
    return found  # type: ignore[no-any-return]


def _with_searcher(base: Path, action: Callable[[Any], Any]) -> Any:
    """ACTION's result with this thread's open searcher over the live index."""
    path = live_path(base)
    opened = result_or_error(lambda: searchers.searcher_for(base, path, lambda: open_dir(path)))
    if isinstance(opened, str):  # any unreadable index is "being rebuilt", never a 500
        searchers.forget(base)
        raise SearchUnavailable(f"the search index in {path} cannot be read: {opened}")
    found = result_or_error(lambda: action(opened), logged_as=f"searching {base}")
    if isinstance(found, str):  # a damaged segment shows up only when it is read
        searchers.forget(base)
        raise SearchUnavailable(f"the search index in {base} failed: {found}")
    return found


# -- one search ---------------------------------------------------------------------------


def parser(schema: Any, *, any_word: bool = False) -> MultifieldParser:
    # Only words and "phrases": no field names, wildcards, ranges, boosts or operators.
    return MultifieldParser(
        list(TEXT_FIELDS),
        schema,
        fieldboosts=TEXT_FIELDS,
        plugins=[PhrasePlugin()],
        **({"group": OrGroup} if any_word else {}),
    )


def restriction(request: SearchRequest) -> query.Query | None:
    terms: list[query.Query] = [query.Term(n, v) for n, v in sorted(request.filters.items())]
    if request.doc_type:
        terms.append(query.Term("doc_type", request.doc_type))
    return query.And(terms) if terms else None


def build_query(searcher: Any, request: SearchRequest, *, any_word: bool = False) -> query.Query:
    """The words as a query (every document when there are none); filters are separate.

    Every word must be found, unless ANY_WORD (the fallback when none has them all).
    """
    if not request.text:
        return query.Every()
    return parser(searcher.schema, any_word=any_word).parse(request.text)


def _search(searcher: Any, request: SearchRequest) -> SearchResults:
    page = max(1, request.page)
    limit = page * request.per_page
    q = build_query(searcher, request)
    restrict = restriction(_as_indexed(searcher, request))
    matches = executor.run(searcher, q, restrict)
    any_word = False
    if not matches.total and isinstance(q, query.And):
        # No document has every word: show those with some, best first, and say so.
        q = build_query(searcher, request, any_word=True)
        matches = executor.run(searcher, q, restrict)
        any_word = matches.total > 0
    sort_field = SORT_FIELDS.get(request.sort)
    if sort_field:
        top_n = executor.top_by(matches, sort_field, limit)
    else:
        top_n = executor.top(matches, limit)
    results = snippets.Results(searcher, q, top_n)
    snippets.prepare(results)
    start = (page - 1) * request.per_page
    # Highlighting is the dearest step per hit: only this page's hits are highlighted.
    hits = [_hit(results[i]) for i in range(start, len(top_n))]
    # An index from an older Parley may lack a newer facet until it is rebuilt.
    present = tuple(name for name in FACETS if name in searcher.schema)
    counted = executor.facet_counts(matches, present)
    facets = {
        name: sorted(
            ((v, c) for v, c in counted.get(name, {}).items() if v),
            key=lambda vc: (-vc[1], vc[0]),
        )
        for name in FACETS
    }
    total = matches.total
    pages = max(1, math.ceil(total / request.per_page))
    # Correcting costs a walk of the word list: only when a word is unknown.
    did_you_mean = spelling.did_you_mean(searcher, request.text) if request.text else None
    return SearchResults(hits, total, page, pages, facets, did_you_mean, any_word)


def _as_indexed(searcher: Any, request: SearchRequest) -> SearchRequest:
    """The filters spelt as the index has them, so area=leeds finds Leeds."""
    reader = searcher.reader()
    filters = {}
    for name, value in request.filters.items():
        if (name, value) not in reader:
            folded = value.casefold()
            same = (t for t in reader.field_terms(name) if t.casefold() == folded)
            value = next(same, value)
        filters[name] = value
    return dataclasses.replace(request, filters=filters)


def _hit(hit: Any) -> Hit:
    title_segments, body_snippets = snippets.of_hit(hit)
    rating = hit.get("rating")
    return Hit(
        doc_type=hit["doc_type"],
        doc_id=int(hit["doc_id"]),
        title=hit.get("name") or hit.get("title") or "",
        title_segments=title_segments,
        snippets=body_snippets,
        supplier_id=int(hit["supplier_id"]),
        supplier_slug=hit["supplier_slug"],
        supplier_name=hit["supplier_name"],
        kind=hit.get("kind", ""),
        sector=hit.get("sector", ""),
        area=hit.get("area", ""),
        rating=float(rating) if rating else None,
        created_at=hit.get("created_at"),
    )
