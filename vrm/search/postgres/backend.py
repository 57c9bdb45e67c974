"""Searching ``search_document`` with PostgreSQL's full-text search.

The same request and results as the Whoosh backend: every word (or phrase) must be
found in some field, stemmed; when no document has them all, those with some are shown.
Sorted by reputation or date as Whoosh sorts, highlights (ts_headline) made for the
page's hits only.

No search reads every match: a broad word matches most rows, and ranking, counting and
faceting them all took 120-290 ms at 100,000 reviews. Counting stops past COUNT_LIMIT
("more than 1,000"), and the facets count the first 1,000 in the page's order. By
relevance, ts_rank_cd (the fields' weights, tables.py) orders candidates: every match
when there are at most COUNT_LIMIT, so a specific query is ranked exactly; past that,
the matches with a word in a heavy field (name, aliases, domain or title: the small
``head`` index) up to HEAVY_CANDIDATES, and the first COUNT_LIMIT + 1 others the index
yields. A phrase is looked up through the ``pairs`` index of adjacent words, so word
positions are checked only in rows that have all its pairs. See the README.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from vrm.search.postgres import spelling
from vrm.search.postgres.tables import (
    PAIRS_QUERY,
    RANK_WEIGHTS,
    TEXT_CONFIG,
    UNACCENT,
    search_document,
)
from vrm.search.postgres.terms import Term, terms
from vrm.search.schema import FACETS
from vrm.search.searching import Hit, SearchRequest, SearchResults
from vrm.search.snippets import BODY_CHARS, Segments

COUNT_LIMIT = 1_000
"""Matches counted exactly; past it the total is "more than COUNT_LIMIT" (50 pages)."""
HEAVY_CANDIDATES = 2 * COUNT_LIMIT
"""Matches with a word in a heavy field ranked at most, beside COUNT_LIMIT + 1 others."""

_START, _STOP, _FRAGMENT = "\x02", "\x03", "\x04"
_HIDDEN = {"<": "\ue000", "&": "\ue001"}
"""ts_headline drops what its parser reads as tags and entities; hidden, they stay text."""
_HEADLINE = (
    f"StartSel={_START}, StopSel={_STOP}, FragmentDelimiter={_FRAGMENT}, "
    "MaxFragments=2, MaxWords=30, MinWords=12"
)
_WHOLE = f"StartSel={_START}, StopSel={_STOP}, HighlightAll=true"

d = search_document.c

_CUSTOM_PLANS = sa.text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")
"""For this transaction: psycopg prepares a statement run five times, and PostgreSQL may
then plan it once for every word, but a common word and a rare one need opposite plans
(one plan for every word took 120-190 ms for phrases and sorts that take 2-35 ms)."""


def tsquery(found: list[Term], *, any_word: bool = False) -> sa.ColumnElement[Any] | None:
    """The terms as one tsquery: each word through plainto_tsquery, each phrase through
    phraseto_tsquery, all of them required (&&) or, with ANY_WORD, any (||)."""
    parts = [
        (sa.func.phraseto_tsquery if term.phrase else sa.func.plainto_tsquery)(
            sa.literal_column(f"'{TEXT_CONFIG}'::regconfig"),
            getattr(sa.func, UNACCENT)(sa.literal(term.text, sa.Text)),
        )
        for term in found
    ]
    if not parts:
        return None
    combined: sa.ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        combined = combined.op("||" if any_word else "&&")(part)
    return combined


@dataclass(frozen=True)
class Query:
    terms: sa.ColumnElement[Any]
    """Every term (or, for the "some of the words" fallback, any)."""
    heavy: sa.ColumnElement[Any]
    """Any term, looked for in the heavy fields (``head``)."""
    pairs: sa.ColumnElement[Any] | None
    """Adjacent word pairs every match of the phrases has (``pairs``), if they have any."""


def _query(session: Session, found: list[Term]) -> Query | None:
    terms_query, heavy = tsquery(found), tsquery(found, any_word=True)
    if terms_query is None or heavy is None:
        return None
    return Query(terms_query, heavy, _phrase_pairs(session, found))


def _phrase_pairs(session: Session, found: list[Term]) -> sa.ColumnElement[Any] | None:
    """The pairs of adjacent words in the phrases, as one tsquery. Asked first: a phrase
    of stop words and one other word has no pair, and then no pair filter applies."""
    pairs: list[sa.ColumnElement[Any]] = [
        getattr(sa.func, PAIRS_QUERY)(sa.literal(term.text, sa.Text))
        for term in found
        if term.phrase
    ]
    if not pairs:
        return None
    present = session.execute(sa.select(*(p.is_not(None) for p in pairs))).one()
    kept = [p for p, has_pairs in zip(pairs, present, strict=True) if has_pairs]
    if not kept:
        return None
    combined = kept[0]
    for part in kept[1:]:
        combined = combined.op("&&")(part)
    return combined


def _restriction(request: SearchRequest) -> list[sa.ColumnElement[bool]]:
    conditions = [
        sa.func.lower(d[name]) == value.lower() for name, value in sorted(request.filters.items())
    ]
    if request.doc_type:
        conditions.append(d.doc_type == request.doc_type)
    return conditions


def _order(request: SearchRequest) -> list[Any]:
    # Ties as Whoosh breaks them: the earlier document by relevance, the later by a sort.
    if request.sort == "reputation":
        return [d.reputation.desc(), d.doc_id.desc()]
    if request.sort == "newest":
        return [d.created_at.desc(), d.doc_id.desc()]
    return [d.doc_type.desc(), d.doc_id]


def _matches(session: Session, request: SearchRequest, query: Query | None) -> list[Any]:
    """Up to COUNT_LIMIT + 1 matches in the page's order, with their facet values."""
    conditions = _restriction(request)
    keys = [d.doc_type, d.doc_id, *(d[name] for name in FACETS)]
    if query is not None:
        conditions.append(d.document.op("@@")(query.terms))
        if query.pairs is not None:
            conditions.append(d.pairs.op("@@")(query.pairs))
    if query is None or request.sort != "relevance":
        ordered = sa.select(*keys).where(*conditions).order_by(*_order(request))
        return list(session.execute(ordered.limit(COUNT_LIMIT + 1)))
    weights: sa.ColumnElement[Any] = sa.literal_column(f"'{RANK_WEIGHTS}'::float4[]")
    ranked = [*keys, sa.func.ts_rank_cd(weights, d.document, query.terms).label("rank")]
    # ts_match_vq is @@ that no index serves: the heavy matches are read through the
    # small head index, not intersected with a common word's long list in the big one.
    in_heavy = sa.select(*ranked).where(
        *_restriction(request),
        d.head.op("@@")(query.heavy),
        sa.func.ts_match_vq(d.document, query.terms),
    )
    # In the order the index or the table yields them: all of them when they are few.
    first = sa.select(*ranked).where(*conditions)
    candidates = sa.union(in_heavy.limit(HEAVY_CANDIDATES), first.limit(COUNT_LIMIT + 1))
    c = candidates.subquery().c
    statement = (
        sa.select(*(c[key.name] for key in keys))
        .order_by(c.rank.desc(), c.doc_type.desc(), c.doc_id)
        .limit(COUNT_LIMIT + 1)
    )
    return list(session.execute(statement))


class PostgresBackend:
    name = "postgres"

    def __init__(self, app: Flask | None = None) -> None:
        self._app = app  # for purge_erased's own session; searches use the caller's

    def search(self, session: Session, request: SearchRequest) -> SearchResults:
        session.execute(_CUSTOM_PLANS)
        found = terms(request.text)
        query = _query(session, found)
        rows = []
        if query is not None or not request.text:
            rows = _matches(session, request, query)
        any_word = False
        if not rows and query is not None and len(found) > 1:
            query = Query(query.heavy, query.heavy, None)
            rows = _matches(session, request, query)
            any_word = bool(rows)
        capped = len(rows) > COUNT_LIMIT
        rows = rows[:COUNT_LIMIT]
        page = max(1, request.page)
        start = (page - 1) * request.per_page
        on_page = rows[start : start + request.per_page]
        keys = [(r.doc_type, r.doc_id) for r in on_page]
        hits = _hits(session, keys, query.terms if query else None)
        counted = {name: Counter(getattr(r, name) for r in rows) for name in FACETS}
        facets = {
            name: sorted(
                ((v, c) for v, c in counted[name].items() if v), key=lambda vc: (-vc[1], vc[0])
            )
            for name in FACETS
        }
        total = len(rows)
        pages = max(1, math.ceil(total / request.per_page))
        did_you_mean = spelling.did_you_mean(session, request.text) if request.text else None
        return SearchResults(hits, total, page, pages, facets, did_you_mean, any_word, capped)

    def suggest(self, session: Session, prefix: str) -> list[str]:
        return spelling.suggest(session, prefix)

    def purge_erased(self) -> bool:
        """The erased rows went with the erasure's commit (cascades and handlers); the
        word list forgets the words no document has any more."""
        from vrm.db import get_db
        from vrm.search.postgres.indexing import prune_words

        with get_db(self._app).session_factory() as session:
            prune_words(session)
            session.commit()
        return True


def _headline(text: Any, query: Any, options: str) -> Any:
    # Hidden characters first (each has its stand-in); the markers have none: deleted.
    hidden = "".join(_HIDDEN)
    cleaned = sa.func.translate(
        text, hidden + _START + _STOP + _FRAGMENT, "".join(_HIDDEN.values())
    )
    return sa.func.ts_headline(
        sa.literal_column(f"'{TEXT_CONFIG}'::regconfig"), cleaned, query, sa.literal(options)
    )


def _hits(session: Session, keys: list[tuple[str, int]], query: Any) -> list[Hit]:
    """The page's hits in order, highlighted (ts_headline for these rows only)."""
    if not keys:
        return []
    title = sa.case((d.doc_type == "supplier", d.name), else_=d.title)
    body = sa.case((d.doc_type == "supplier", d.description), else_=d.body)
    columns: list[Any] = [d.doc_type, d.doc_id, title.label("title"), body.label("body")]
    if query is not None:
        columns += [
            _headline(title, query, _WHOLE).label("title_marked"),
            _headline(body, query, _HEADLINE).label("body_marked"),
        ]
    columns += [d.supplier_id, d.supplier_slug, d.supplier_name, d.kind, d.sector, d.area]
    columns += [d.rating, d.created_at]
    wanted = sa.tuple_(d.doc_type, d.doc_id).in_(keys)
    rows = {(r.doc_type, r.doc_id): r for r in session.execute(sa.select(*columns).where(wanted))}
    return [_hit(rows[key], query is not None) for key in keys if key in rows]


def _segments(marked: str) -> Segments:
    for shown, hidden in _HIDDEN.items():
        marked = marked.replace(hidden, shown)
    pieces: Segments = []
    for i, part in enumerate(marked.split(_START)):
        if i == 0:
            pieces.append((part, False))
            continue
        matched, _, rest = part.partition(_STOP)
        pieces += [(matched, True), (rest, False)]
    return [(text, flag) for text, flag in pieces if text]


def _hit(row: Any, highlighted: bool) -> Hit:
    title_segments: Segments = [(row.title, False)] if row.title else []
    snippets: list[Segments] = []
    if highlighted:
        title_segments = _segments(row.title_marked or "") or title_segments
        if _START in (row.body_marked or ""):
            snippets = [_segments(part) for part in row.body_marked.split(_FRAGMENT)]
    if not snippets and row.body:
        shown = row.body[:BODY_CHARS] + ("…" if len(row.body) > BODY_CHARS else "")
        snippets = [[(shown, False)]]
    return Hit(
        doc_type=row.doc_type,
        doc_id=row.doc_id,
        title=row.title or "",
        title_segments=title_segments,
        snippets=snippets,
        supplier_id=row.supplier_id,
        supplier_slug=row.supplier_slug,
        supplier_name=row.supplier_name,
        kind=row.kind,
        sector=row.sector,
        area=row.area,
        rating=float(row.rating) if row.rating else None,
        created_at=row.created_at,
    )
