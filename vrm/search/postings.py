"""Posting lists, field lengths and facet columns of a segment, as numpy arrays.

A Whoosh segment never changes once written (an update is a deletion plus a new
document in a new segment), so what is read from one is cached by segment id and
shared by every searcher and thread of the process; only deletions are per
generation, and those are applied by the caller. The cache is bounded by bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import columns
from whoosh.matching import wrappers
from whoosh.util.numeric import byte_to_length

from vrm.search.schema import PackedPositions

CACHE_BYTES = 256 * 1024 * 1024
"""What the process keeps of decoded postings and columns; least recently used go first."""

_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

ENTRY_OVERHEAD = 700
"""Bytes an entry costs besides its arrays' data (the objects and the key), measured."""


@dataclass(frozen=True)
class Postings:
    docnums: NDArray[np.int32]
    weights: NDArray[np.float32]


@dataclass(frozen=True)
class Codes:
    """A facet column: each document's value as an index into VALUES ("" for none)."""

    codes: NDArray[np.int32]
    values: list[str]


CacheKey = tuple[str | bytes, ...]


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


_NO_POSTINGS = Postings(np.empty(0, np.int32), np.empty(0, np.float32))


def postings(reader: Any, key: str, field: str, text: bytes) -> Postings:
    """Every posting of TEXT in FIELD in this segment, deleted documents included."""
    if (field, text) not in reader:  # not cached: the lexicon answers this cheaply
        return _NO_POSTINGS
    cache_key = ("p", key, field, text)
    found = _cache.get(cache_key)
    if found is None:
        found = _read_postings(reader, field, text)
        _cache.put(cache_key, found, found.docnums, found.weights)
    return found


def _read_postings(reader: Any, field: str, text: bytes) -> Postings:
    # Deleted documents are read too: the caller applies the deletions.
    ids, weights = _read_blocks(_leaf(reader.postings(field, text)))
    return Postings(np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32))


def _read_blocks(matcher: Any) -> tuple[list[int], list[float]]:
    ids: list[int] = []
    weights: list[float] = []
    for block_ids, block_weights in _blocks(matcher, "weight"):
        ids.extend(block_ids)
        weights.extend(block_weights)
    return ids, weights


def _blocks(matcher: Any, part: str) -> Iterator[tuple[Sequence[int], Sequence[Any]]]:
    """(ids, weights or values) a block at a time where the matcher allows it.

    Whoosh's public matcher API yields one posting per Python call; its leaf matcher
    decodes a whole block at once, so reading blocks is several times faster.
    """
    reader_names = ("_read_ids", f"_read_{part}s", "_next_block")
    if not all(hasattr(matcher, name) for name in reader_names):
        read_one = matcher.weight if part == "weight" else matcher.value
        while matcher.is_active():
            yield [matcher.id()], [read_one()]
            matcher.next()
        return
    while matcher.is_active():
        matcher._read_ids()
        getattr(matcher, f"_read_{part}s")()
        start = matcher._i
        yield matcher._ids[start:], getattr(matcher, f"_{part}s")[start:]
        matcher._next_block()


def positions(reader: Any, key: str, field: str, text: bytes) -> NDArray[np.int64]:
    """Where TEXT occurs in FIELD: sorted ``docnum << 32 | position`` keys.

    One number per occurrence, so "the next word of a phrase" is ``key + 1`` and a
    phrase is found with array intersections (see executor.Phrase).
    """
    if (field, text) not in reader:
        return np.empty(0, np.int64)
    cache_key = ("w", key, field, text)
    found = _cache.get(cache_key)
    if found is None:
        found = _read_positions(reader, field, text)
        _cache.put(cache_key, found, found)
    return found


def _read_positions(reader: Any, field: str, text: bytes) -> NDArray[np.int64]:
    matcher = _leaf(reader.postings(field, text))
    format_ = reader.schema[field].format
    docnums: list[NDArray[np.int64]] = []
    places: list[NDArray[np.int64]] = []
    for block_ids, values in _blocks(matcher, "value"):
        ids = np.asarray(block_ids, dtype=np.int64)
        if isinstance(format_, PackedPositions):
            block_docnums, block_places = _unpack_block(ids, values)
        else:  # Whoosh's own (pickled) positions: one posting at a time
            decoded = [format_.decode_positions(value) for value in values]
            counts = np.fromiter(map(len, decoded), dtype=np.int64, count=len(decoded))
            block_docnums = np.repeat(ids, counts)
            block_places = np.fromiter(
                (p for where in decoded for p in where), dtype=np.int64, count=int(counts.sum())
            )
        docnums.append(block_docnums)
        places.append(block_places)
    if not docnums:
        return np.empty(0, np.int64)
    return (np.concatenate(docnums) << 32) | np.concatenate(places)


def _unpack_block(
    ids: NDArray[np.int64], values: Sequence[bytes]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """A block of PackedPositions values (each a count, then that many positions)."""
    numbers = np.frombuffer(b"".join(values), dtype=">u4").astype(np.int64)
    sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // 4
    counts_at = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    keep = np.ones(len(numbers), dtype=bool)
    keep[counts_at] = False
    return np.repeat(ids, sizes - 1), numbers[keep]


def lengths(reader: Any, key: str, field: str) -> NDArray[np.float64]:
    """Each document's length of FIELD, as Whoosh stores it (a one-byte approximation)."""
    cache_key = ("l", key, field)
    found = _cache.get(cache_key)
    if found is None:
        count = reader.doc_count_all()
        column = _length_column(reader, field)
        raw = _fixed_width(column, count) if column is not None else None
        if raw is not None:
            found = _LENGTHS[raw]
        else:
            found = np.array(
                [reader.doc_field_length(n, field, 0) or 0 for n in range(count)], dtype=np.float64
            )
        _cache.put(cache_key, found, found)
    return found


def _length_column(reader: Any, field: str) -> Any | None:
    from whoosh.codec import whoosh3

    try:
        return reader._perdoc._cached_reader(whoosh3._lenfield(field), whoosh3.LENGTHS_COLUMN)
    except AttributeError:  # another codec: the per-document path
        return None


# Whoosh's struct codes whose numpy meaning is the same size and kind.
_NUMPY_CODES = {
    "B": ">u1",
    "H": ">u2",
    "I": ">u4",
    "Q": ">u8",
    "b": ">i1",
    "h": ">i2",
    "i": ">i4",
    "q": ">i8",
    "f": ">f4",
    "d": ">f8",
}


def _fixed_width(column: Any, count: int) -> NDArray[Any] | None:
    """A numeric column's values in one read, or None if it is not one we can read so.

    Whoosh's own reader unpacks one value per Python call; the column is a plain run of
    big-endian numbers, shorter than COUNT when the last documents have the default.
    """
    if not isinstance(column, columns.NumericColumn.Reader):
        return None
    code = _NUMPY_CODES.get(column._typecode)
    if code is None:
        return None
    stored = min(column._count, count)
    raw = column._dbfile.get(column._basepos, stored * column._fixedlen)
    values = np.frombuffer(raw, dtype=np.dtype(code)).astype(np.dtype(code).newbyteorder("="))
    if stored < count:
        values = np.concatenate([values, np.full(count - stored, column._default, values.dtype)])
    return values


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
    count = reader.doc_count_all()
    raw = column._dbfile.get(column._basepos, count * column._itemsize)
    refs = np.frombuffer(raw, dtype=np.dtype(_NUMPY_CODES[column._typecode]))
    values = [u.decode("utf-8") if isinstance(u, bytes) else str(u) for u in column._uniques]
    return Codes(refs.astype(np.int32), values)


def _codes_from_terms(reader: Any, field: str) -> Codes:
    column = np.zeros(reader.doc_count_all(), dtype=np.int32)
    values = [""]
    for term in reader.lexicon(field):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        values.append(text)
        ids, _ = _read_blocks(_leaf(reader.postings(field, term)))
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
        fixed = _fixed_width(column, count)
        if fixed is not None:
            found = fixed.astype(np.uint64)
        else:
            found = np.fromiter(iter(column), dtype=np.uint64, count=count)
        _cache.put(cache_key, found, found)
    return found


def _leaf(matcher: Any) -> Any:
    return matcher.child if isinstance(matcher, wrappers.FilterMatcher) else matcher


def clear() -> None:
    """Forget everything (tests)."""
    _cache.clear()


def cache_stats() -> CacheStats:
    return _cache.stats()
