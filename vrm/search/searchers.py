"""Open searchers kept per thread, and facet counts read from cached per-segment columns.

Opening a Whoosh index costs more than a typical query, so each thread keeps the
searcher of each index directory it used and only reopens it when the index has a
new generation (one directory listing), or reopens it when ``current`` names another
directory (one small read). Per thread because Whoosh readers seek shared file handles.

Facet counts: Whoosh's ``groupedby`` asks a column reader for every facet of every match
(~3 µs each). Here each segment's facet values are read once into a plain list (segments
never change; deletions are already excluded from the matches), so counting is a C-speed
``Counter(map(values.__getitem__, docnums))``.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Any

from whoosh import collectors

MAX_OPEN = 4
"""Index directories a thread keeps open (tests use many; a deployment uses one)."""

MAX_SEGMENTS = 32
"""Segments whose facet columns are kept, per process."""

_local = threading.local()
_columns: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
_columns_lock = threading.Lock()


def _cache() -> OrderedDict[str, tuple[Path, Any]]:
    cache = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = OrderedDict()
    return cache


def searcher_for(base: Path, path: Path, open_index: Any) -> Any:
    """The thread's searcher over the index at PATH, reopened if the index changed."""
    cache = _cache()
    key = str(base)
    entry = cache.get(key)
    searcher = None
    if entry is not None and entry[0] == path:
        searcher = _still_current(entry[1])
    if searcher is None:
        forget(base)
        searcher = open_index().searcher()
    cache[key] = (path, searcher)
    cache.move_to_end(key)
    while len(cache) > MAX_OPEN:
        _, (_, oldest) = cache.popitem(last=False)
        _close(oldest)
    return searcher


def _still_current(searcher: Any) -> Any | None:
    """SEARCHER itself while the index has no newer generation, else None.

    Not ``Searcher.refresh()``: it reuses segment readers by segment id, and a commit
    that only deletes keeps the ids, so a withdrawn review would still be found.
    """
    try:
        return searcher if searcher.up_to_date() else None
    except Exception:  # the directory went away or is damaged: reopen (and report) instead
        return None


def forget(base: Path) -> None:
    """Close and drop the thread's searcher for BASE (after a failure, say)."""
    entry = _cache().pop(str(base), None)
    if entry is not None:
        _close(entry[1])


def forget_all() -> None:
    cache = _cache()
    while cache:
        _, (_, searcher) = cache.popitem()
        _close(searcher)


def _close(searcher: Any) -> None:
    with contextlib.suppress(Exception):  # a damaged or deleted index closes as it can
        searcher.close()


# -- facet counts ------------------------------------------------------------------------


class _Recording:
    """Remembers every match's (segment offset, docnum) for facet counts."""

    matched: dict[int, list[int]]
    _segment_matches: list[int]

    def set_subsearcher(self, subsearcher: Any, offset: int) -> None:
        super().set_subsearcher(subsearcher, offset)  # type: ignore[misc]
        self._segment_matches = self.matched.setdefault(offset, [])

    def collect(self, sub_docnum: int) -> Any:
        self._segment_matches.append(sub_docnum)
        return super().collect(sub_docnum)  # type: ignore[misc]


class RecordingTopCollector(_Recording, collectors.TopCollector):
    """The top N by score; every match recorded."""

    def __init__(self, limit: int) -> None:
        # Every match is counted, so no block-quality skipping.
        super().__init__(limit=limit, usequality=False)
        self.matched = {}

    def _collect(self, global_docnum: int, score: float) -> Any:
        found = super()._collect(global_docnum, score)
        # Whoosh "replaces" the matcher every few matches with a simpler one (exhausted
        # branches dropped), and given a minimum score also with one that skips documents
        # which cannot reach the top N: those would be missing from the counts.
        self.minscore = 0
        return found


class RecordingSortingCollector(_Recording, collectors.SortingCollector):
    """The top N by a sort key; every match recorded."""

    def __init__(self, sortedby: Any, limit: int, reverse: bool) -> None:
        super().__init__(sortedby, limit=limit, reverse=reverse)
        self.matched = {}


def _segment_key(reader: Any, offset: int) -> str:
    # Segment ids are random and a segment never changes once written.
    try:
        return str(reader.segment().segment_id())
    except Exception:  # not a plain segment reader: fall back to this searcher's view
        return f"{id(reader)}:{offset}"


def _column(reader: Any, segment_key: str, field: str) -> list[str]:
    """The value of FIELD for every document of one segment, read from its postings."""
    key = (segment_key, field)
    with _columns_lock:
        values = _columns.get(key)
        if values is not None:
            _columns.move_to_end(key)
            return values
    values = [""] * reader.doc_count_all()
    for term in reader.lexicon(field):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        for docnum in reader.postings(field, term).all_ids():
            values[docnum] = text
    with _columns_lock:
        _columns[key] = values
        while len(_columns) > MAX_SEGMENTS * 4:
            _columns.popitem(last=False)
    return values


def facet_counts(
    searcher: Any, matched: dict[int, list[int]], fields: tuple[str, ...]
) -> dict[str, Counter[str]]:
    """Counts of each value of each facet field over the matched documents."""
    counts: dict[str, Counter[str]] = {field: Counter() for field in fields}
    readers = dict((offset, reader) for reader, offset in searcher.reader().leaf_readers())
    for offset, docnums in matched.items():
        if not docnums:
            continue
        reader = readers[offset]
        segment_key = _segment_key(reader, offset)
        for field in fields:
            counts[field].update(map(_column(reader, segment_key, field).__getitem__, docnums))
    return counts


__all__ = [
    "RecordingSortingCollector",
    "RecordingTopCollector",
    "facet_counts",
    "forget",
    "forget_all",
    "searcher_for",
]
