"""Posting lists, field lengths and facet columns of a segment, as numpy arrays.

A Whoosh segment never changes once written (an update is a deletion plus a new
document in a new segment), so what is read from one is cached by segment id and
shared by every searcher and thread of the process; only deletions are per
generation, and those are applied by the caller. The cache is bounded by bytes.
What Whoosh keeps private (posting blocks, length and column files) is read through
whoosh_internals.py; everything else here is Whoosh's public API.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import columns
from whoosh.util.numeric import byte_to_length

from vrm.search import whoosh_internals
from vrm.search.schema import PackedPositions

CACHE_BYTES = 256 * 1024 * 1024
"""What the process keeps of decoded postings and columns; least recently used go first."""

_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

ENTRY_OVERHEAD = 700
"""Bytes an entry costs besides its arrays' data (the objects and the key), measured."""


@dataclass(frozen=True)
class Postings:
    # Kept as numpy's own index type: indexing with int32 converts the whole array to
    # it on every use, which made each scatter and gather of a search 2-3x slower than
    # the four bytes a posting saves.
    docnums: NDArray[np.intp]
    weights: NDArray[np.float32]


@dataclass(frozen=True)
class Codes:
    """A facet column: each document's value as an index into VALUES ("" for none)."""

    codes: NDArray[np.int32]
    values: list[str]


CacheKey = tuple[str | bytes | float, ...]


class _Cache:
    def __init__(self, limit: int) -> None:
        self._entries: OrderedDict[CacheKey, Any] = OrderedDict()
        self._sizes: dict[CacheKey, int] = {}
        self._total = 0
        self._limit = limit
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return found

    def put(self, key: CacheKey, value: Any, *arrays: NDArray[Any], extra: int = 0) -> None:
        """Keep VALUE, made of ARRAYS (frozen: every searcher of the process shares them)
        and EXTRA bytes of other objects."""
        for array in arrays:
            array.flags.writeable = False
        size = ENTRY_OVERHEAD + extra + sum(array.nbytes for array in arrays)
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._sizes[key] = size
            self._total += size
            while self._total > self._limit and len(self._entries) > 1:
                old, _ = self._entries.popitem(last=False)
                self._total -= self._sizes.pop(old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self._total = 0
            self.hits = self.misses = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self.hits, self.misses, self._total, self._limit)


@dataclass(frozen=True)
class CacheStats:
    """What the benchmark reports: how often a lookup was served from memory, and how
    much memory that took against the bound."""

    hits: int
    misses: int
    bytes: int
    limit: int

    @property
    def hit_rate(self) -> float:
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0


_cache = _Cache(CACHE_BYTES)


def segment_key(reader: Any) -> str:
    """A key that names the segment's immutable contents.

    Whoosh names segments with the process's shared random generator, which anything
    may seed (a test framework does), so the id alone could name a segment of another
    index: the index directory and the document count go into the key too.
    """
    storage = reader.storage()
    folder = getattr(storage, "folder", None) or f"storage-{id(storage)}"
    return f"{folder}:{reader.segment().segment_id()}:{reader.doc_count_all()}"


_NO_POSTINGS = Postings(np.empty(0, np.intp), np.empty(0, np.float32))
_NO_PLACES: NDArray[np.int64] = np.empty(0, np.int64)


def postings(reader: Any, key: str, field: str, text: bytes) -> Postings:
    """Every posting of TEXT in FIELD in this segment, deleted documents included."""
    cache_key = ("p", key, field, text)
    found = _cache.get(cache_key)
    if found is None:
        # A word a field lacks is kept as such: a search asks every field for each word,
        # and the lexicon's answer (a hash-file read) cost more than the postings' lookup.
        found = _read_postings(reader, field, text) if (field, text) in reader else _NO_POSTINGS
        _cache.put(cache_key, found, found.docnums, found.weights)
    return found


def _read_postings(reader: Any, field: str, text: bytes) -> Postings:
    # Deleted documents are read too: the caller applies the deletions.
    ids, weights = whoosh_internals.posting_list(reader, field, text, "weight")
    return Postings(np.asarray(ids, dtype=np.intp), np.asarray(weights, dtype=np.float32))


def positions(reader: Any, key: str, field: str, text: bytes) -> NDArray[np.int64]:
    """Where TEXT occurs in FIELD: sorted ``docnum << 32 | position`` keys.

    One number per occurrence, so "the next word of a phrase" is ``key + 1`` and a
    phrase is found with array intersections (see executor.Phrase).
    """
    cache_key = ("w", key, field, text)
    found = _cache.get(cache_key)
    if found is None:
        found = _read_positions(reader, field, text) if (field, text) in reader else _NO_PLACES
        _cache.put(cache_key, found, found)
    return found


def _read_positions(reader: Any, field: str, text: bytes) -> NDArray[np.int64]:
    found, values = whoosh_internals.posting_list(reader, field, text, "value")
    if not found:
        return np.empty(0, np.int64)
    ids = np.asarray(found, dtype=np.int64)
    format_ = reader.schema[field].format
    if isinstance(format_, PackedPositions):
        docnums, places = _unpack_block(ids, values)
    else:  # Whoosh's own (pickled) positions: one posting at a time
        decoded = [format_.decode_positions(value) for value in values]
        counts = np.fromiter(map(len, decoded), dtype=np.int64, count=len(decoded))
        docnums = np.repeat(ids, counts)
        places = np.fromiter(
            (p for where in decoded for p in where), dtype=np.int64, count=int(counts.sum())
        )
    return (docnums << 32) | places


def _unpack_block(
    ids: NDArray[np.int64], values: Sequence[bytes]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The PackedPositions values of postings IDS (each a count, then that many positions)."""
    numbers = np.frombuffer(b"".join(values), dtype=">u4").astype(np.int64)
    sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // 4
    counts_at = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    keep = np.ones(len(numbers), dtype=bool)
    keep[counts_at] = False
    return np.repeat(ids, sizes - 1), numbers[keep]


def lengths(reader: Any, key: str, field: str) -> NDArray[np.float64]:
    """Each document's length of FIELD, as Whoosh stores it (a one-byte approximation)."""
    cache_key = ("l", key, field)
    found: NDArray[np.float64] | None = _cache.get(cache_key)
    if found is None:
        found = _LENGTHS[whoosh_internals.length_bytes(reader, field)]
        _cache.put(cache_key, found, found)
    return found


def bm25_norms(
    reader: Any, key: str, field: str, k1: float, b: float, average: float
) -> NDArray[np.float64]:
    """BM25's length part of the denominator, k1·(1 − b + b·length/average), for every
    document: the same for every term of the field, so worked out once per segment."""
    cache_key = ("n", key, field, k1, b, average)
    found: NDArray[np.float64] | None = _cache.get(cache_key)
    if found is None:
        found = k1 * ((1 - b) + b * lengths(reader, key, field) / average)
        _cache.put(cache_key, found, found)
    return found


def codes(reader: Any, key: str, field: str) -> Codes:
    """The value of an ID field for every document of the segment."""
    cache_key = ("c", key, field)
    found = _cache.get(cache_key)
    if found is None:
        found = _reference_codes(reader, field) or _codes_from_terms(reader, field)
        _cache.put(cache_key, found, found.codes, extra=64 * len(found.values))
    return found


def _reference_codes(reader: Any, field: str) -> Codes | None:
    """The codes as a RefBytesColumn stores them: one small number per document."""
    column = reader.column_reader(field, translate=False) if reader.has_column(field) else None
    if not isinstance(column, columns.RefBytesColumn.Reader):
        return None
    refs, uniques = whoosh_internals.reference_column(column, reader.doc_count_all())
    values = [u.decode("utf-8") if isinstance(u, bytes) else str(u) for u in uniques]
    return Codes(refs.astype(np.int32), values)


def _codes_from_terms(reader: Any, field: str) -> Codes:
    column = np.zeros(reader.doc_count_all(), dtype=np.int32)
    values = [""]
    for term in reader.lexicon(field):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        values.append(text)
        ids, _ = whoosh_internals.posting_list(reader, field, term, "weight")
        column[np.asarray(ids, dtype=np.int64)] = len(values) - 1
    return Codes(column, values)


def numbers(reader: Any, key: str, field: str) -> NDArray[np.uint64]:
    """A sortable column's stored value for every document of the segment.

    The raw values (not translated to ints or datetimes): Whoosh encodes them
    unsigned in the same order, which is all a sort needs.
    """
    cache_key = ("n", key, field)
    found = _cache.get(cache_key)
    if found is None:
        count = reader.doc_count_all()
        column = reader.column_reader(field, translate=False)
        if isinstance(column, columns.NumericColumn.Reader):
            found = whoosh_internals.numeric_column(column, count).astype(np.uint64)
        else:  # no document of the segment has FIELD: an EmptyColumnReader of the default
            found = np.fromiter(iter(column), dtype=np.uint64, count=count)
        _cache.put(cache_key, found, found)
    return found


def clear() -> None:
    """Forget everything (tests)."""
    _cache.clear()


def cache_stats() -> CacheStats:
    return _cache.stats()
