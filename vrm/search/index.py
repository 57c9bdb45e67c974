"""The only module that talks to Whoosh: where the index lives, writing, and searching.

Layout of the search directory::

    search/
      current             the name of the live index directory (replaced atomically)
      index-<stamp>/      the live index (and at most one previous one, for open readers)
      rebuilding          present while `flask search reindex` runs (see outbox.drain)

Writers take Whoosh's lock with a short timeout and report False when they could not;
callers keep the work in the outbox, so nobody ever sees a lock error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import math
import os
import secrets
import shutil
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import highlight, index, query
from whoosh.qparser import MultifieldParser, PhrasePlugin, QueryParser

from vrm.search import searchers
from vrm.search.schema import FACETS, TEXT_FIELDS, build_schema

log = logging.getLogger(__name__)

POINTER = "current"
REBUILD_MARKER = "rebuilding"
REINDEX_COMMAND = "flask --app app search reindex"
WRITE_TIMEOUT = 2.0
PER_PAGE = 20
SORTS = ("relevance", "reputation", "newest")

Segments = list[tuple[str, bool]]
"""A snippet as (text, matched) pieces: escaped by whoever renders it, never by Whoosh."""


class SearchUnavailable(Exception):
    """The index is missing or unreadable. Search says it is being rebuilt."""


# -- where the index lives ---------------------------------------------------------------


def live_path(base: Path) -> Path:
    """The live index directory named by the pointer file."""
    try:
        name = (base / POINTER).read_text().strip()
    except OSError as exc:
        raise SearchUnavailable(f"no search index in {base}") from exc
    if not name or "/" in name or name.startswith("."):
        raise SearchUnavailable(f"the pointer in {base} is not an index name")
    return base / name


def open_index(base: Path) -> index.Index:
    path = live_path(base)
    opened = _try(lambda: index.open_dir(str(path)))
    if isinstance(opened, str):  # any unreadable index is "being rebuilt", never a 500
        raise SearchUnavailable(f"the search index in {path} cannot be read: {opened}")
    return opened  # type: ignore[no-any-return]


def _try(action: Callable[[], Any]) -> Any:
    """The action's result, or the repr of its error.

    Whoosh leaves a file open when it fails on a damaged file; the error's traceback is
    dropped and the file collected here, quietly, rather than let a ResourceWarning
    surface later somewhere unrelated.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        failure = _attempt(action)
        if isinstance(failure, _Failure):
            gc.collect()
            return failure.detail
        return failure


@dataclass(frozen=True)
class _Failure:
    detail: str


def _attempt(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except Exception as exc:
        return _Failure(f"{exc!r}")


def create_fresh(base: Path) -> tuple[str, index.Index]:
    """A new, empty index beside the live one; swap() makes it live."""
    base.mkdir(parents=True, exist_ok=True)
    name = f"index-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    (base / name).mkdir()
    return name, index.create_in(str(base / name), build_schema())


def swap(base: Path, name: str) -> None:
    """Point `current` at NAME atomically; keep one previous index for open readers."""
    previous = None
    with contextlib.suppress(OSError):
        previous = (base / POINTER).read_text().strip()
    temporary = base / f".{POINTER}.{secrets.token_hex(4)}"
    temporary.write_text(name)
    os.replace(temporary, base / POINTER)
    for old in base.glob("index-*"):
        if old.name not in (name, previous):
            shutil.rmtree(old, ignore_errors=True)


# -- writing --------------------------------------------------------------------------


def _whoosh_values(document: dict[str, Any]) -> dict[str, Any]:
    values = dict(document)
    created = values.get("created_at")
    if isinstance(created, dt.datetime) and created.tzinfo is not None:
        # Whoosh stores naive datetimes; ours are all UTC.
        values["created_at"] = created.astimezone(dt.UTC).replace(tzinfo=None)
    return values


def open_writer(ix: index.Index, *, timeout: float = WRITE_TIMEOUT) -> Any | None:
    """Whoosh's single writer, or None if another process holds it past TIMEOUT."""
    try:
        return ix.writer(timeout=timeout, delay=0.05)
    except index.LockError:
        return None


def write(writer: Any, upserts: Iterable[dict[str, Any]], delete_keys: Iterable[str]) -> None:
    """Apply and commit (or cancel, releasing the lock, on any error)."""
    try:
        for key in delete_keys:
            writer.delete_by_term("key", key)
        for document in upserts:
            writer.update_document(**_whoosh_values(document))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def bulk_load(ix: index.Index, documents: Iterable[dict[str, Any]], *, procs: int = 1) -> int:
    """Fill a fresh index (no one else writes to it yet); returns the count.

    With PROCS > 1 the analysing is spread over that many processes, each writing its
    own segment; the segments are left unmerged (merging would cost as much again, and
    a search over a few segments costs about the same as over one).
    """
    if procs > 1:
        writer = ix.writer(procs=procs, limitmb=128, multisegment=True)
    else:
        writer = ix.writer(limitmb=256)
    count = 0
    try:
        for document in documents:
            writer.add_document(**_whoosh_values(document))
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


def bulk_procs(documents: int) -> int:
    """How many processes a bulk load of this many documents is worth (one for few)."""
    if documents < 20_000:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))


# -- searching ------------------------------------------------------------------------


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
class SearchResults:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]]
    did_you_mean: str | None

    # The pagination macro's interface.
    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


class _SegmentFormatter(highlight.Formatter):
    """Snippets as (text, matched) pieces, so HTML is built from escaped text only."""

    def format_fragment(self, fragment: Any, replace: bool = False) -> Segments:  # type: ignore[override]
        pieces: Segments = []
        position, text = fragment.startchar, fragment.text
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, t.startchar - t.endchar)):
            if token.startchar is None or token.startchar < position:
                continue
            if token.startchar > position:
                pieces.append((text[position : token.startchar], False))
            pieces.append((text[token.startchar : token.endchar], True))
            position = token.endchar
        pieces.append((text[position : fragment.endchar], False))
        return [(t, m) for t, m in pieces if t]

    def format(self, fragments: Any, replace: bool = False) -> list[Segments]:  # type: ignore[override]
        return [self.format_fragment(f) for f in fragments]


def _parser(schema: Any) -> MultifieldParser:
    # Only words and "phrases": no field names, wildcards, ranges, boosts or operators.
    return MultifieldParser(
        list(TEXT_FIELDS), schema, fieldboosts=TEXT_FIELDS, plugins=[PhrasePlugin()]
    )


def _filter(request: SearchRequest) -> query.Query | None:
    terms: list[query.Query] = [query.Term(n, v) for n, v in sorted(request.filters.items())]
    if request.doc_type:
        terms.append(query.Term("doc_type", request.doc_type))
    return query.And(terms) if terms else None


def _did_you_mean(searcher: Any, text: str) -> str | None:
    parser = QueryParser("spell", searcher.schema, plugins=[PhrasePlugin()])
    parsed = parser.parse(text)
    reader = searcher.reader()
    unknown = [
        ("spell", word)
        for fieldname, word in parsed.iter_all_terms()
        if fieldname == "spell" and len(word) >= 4 and (fieldname, word) not in reader
    ]
    if not unknown:
        return None
    correction = searcher.correct_query(parsed, text, terms=unknown, prefix=1, maxdist=2)
    corrected = (correction.string or "").strip()
    return corrected if corrected and corrected.lower() != text.lower() else None


def _snippets(hit: Any) -> tuple[Segments, list[Segments]]:
    title_field = "name" if hit["doc_type"] == "supplier" else "title"
    title = hit.get(title_field) or ""
    whole = highlight.Highlighter(
        fragmenter=highlight.WholeFragmenter(), formatter=_SegmentFormatter()
    )
    title_segments = whole.highlight_hit(hit, title_field, top=1, minscore=0) or [[(title, False)]]
    body_field = "description" if hit["doc_type"] == "supplier" else "body"
    snippets = hit.highlights(body_field, top=2) if hit.get(body_field) else []
    if not snippets and hit.get(body_field):
        body = hit[body_field]
        snippets = [[(body[:200] + ("…" if len(body) > 200 else ""), False)]]
    return title_segments[0], snippets


def _hit(hit: Any) -> Hit:
    title_segments, snippets = _snippets(hit)
    rating = hit.get("rating")
    return Hit(
        doc_type=hit["doc_type"],
        doc_id=int(hit["doc_id"]),
        title=hit.get("name") or hit.get("title") or "",
        title_segments=title_segments,
        snippets=snippets,
        supplier_id=int(hit["supplier_id"]),
        supplier_slug=hit["supplier_slug"],
        supplier_name=hit["supplier_name"],
        kind=hit.get("kind", ""),
        sector=hit.get("sector", ""),
        area=hit.get("area", ""),
        rating=float(rating) if rating else None,
        created_at=hit.get("created_at"),
    )


def search(base: Path, request: SearchRequest) -> SearchResults:
    """Run one search; raises SearchUnavailable when the index cannot be used."""
    found = _with_searcher(base, lambda searcher: _search(searcher, request))
    return found  # type: ignore[no-any-return]


def _with_searcher(base: Path, action: Callable[[Any], Any]) -> Any:
    """ACTION's result with this thread's open searcher over the live index."""
    path = live_path(base)
    opened = _try(lambda: searchers.searcher_for(base, path, lambda: index.open_dir(str(path))))
    if isinstance(opened, str):  # any unreadable index is "being rebuilt", never a 500
        searchers.forget(base)
        raise SearchUnavailable(f"the search index in {path} cannot be read: {opened}")
    found = _try(lambda: action(opened))
    if isinstance(found, str):  # a damaged segment shows up only when it is read
        searchers.forget(base)
        raise SearchUnavailable(f"the search index in {base} failed: {found}")
    return found


def _query(searcher: Any, request: SearchRequest) -> query.Query:
    restrict = _filter(request)
    if not request.text:
        return query.Every() if restrict is None else query.ConstantScoreQuery(restrict)
    parsed = _parser(searcher.schema).parse(request.text)
    if restrict is None:
        return parsed
    # Inside the query the filter's postings lead the intersection (skipping what the
    # words alone would visit); a constant score of 0 leaves the ranking as it was.
    return query.And([parsed, query.ConstantScoreQuery(restrict, 0.0)])


def _search(searcher: Any, request: SearchRequest) -> SearchResults:
    page = max(1, request.page)
    limit = page * request.per_page
    collector: Any
    if request.sort == "reputation":
        collector = searchers.RecordingSortingCollector("reputation", limit, reverse=True)
    elif request.sort == "newest":
        collector = searchers.RecordingSortingCollector("created_at", limit, reverse=True)
    else:
        collector = searchers.RecordingTopCollector(limit)
    searcher.search_with_collector(_query(searcher, request), collector)
    results = collector.results()
    results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
    results.formatter = _SegmentFormatter()
    total = sum(len(docnums) for docnums in collector.matched.values())
    pages = max(1, math.ceil(total / request.per_page))
    start = (page - 1) * request.per_page
    # Highlighting is the dearest step per hit: only this page's hits are highlighted.
    shown = min(start + request.per_page, results.scored_length())
    hits = [_hit(results[i]) for i in range(start, shown)]
    counted = searchers.facet_counts(searcher, collector.matched, FACETS)
    facets = {
        name: sorted(
            ((v, c) for v, c in counted[name].items() if v), key=lambda vc: (-vc[1], vc[0])
        )
        for name in FACETS
    }
    # Correcting costs a walk of the word list: only when a word is unknown.
    did_you_mean = _did_you_mean(searcher, request.text) if request.text else None
    return SearchResults(hits, total, page, pages, facets, did_you_mean)


def suggest(base: Path, prefix: str, limit: int = 8) -> list[str]:
    """Supplier names whose words start with what was typed."""
    words = prefix.lower().split()[:6]
    if not words or len(words[-1]) < 2:
        return []
    parts: list[query.Query] = [query.Term("suggest", w) for w in words[:-1]]
    parts.append(query.Prefix("suggest", words[-1]))
    only_suppliers = query.Term("doc_type", "supplier")

    def names(searcher: Any) -> list[str]:
        results = searcher.search(query.And(parts), filter=only_suppliers, limit=limit)
        return [hit["name"] for hit in results]

    return _with_searcher(base, names)  # type: ignore[no-any-return]


def keys(base: Path) -> set[str]:
    """Every document key in the live index (tests and the sync report use it)."""
    found = _with_searcher(
        base, lambda searcher: {fields["key"] for fields in searcher.all_stored_fields()}
    )
    return found  # type: ignore[no-any-return]
