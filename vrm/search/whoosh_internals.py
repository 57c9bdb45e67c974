"""Whoosh-Reloaded's private internals: the one module in vrm/ that reads them.

Why: speed. Whoosh's public API hands out one posting, one field length or one column
value per Python call, and a search page needs whole posting lists (every match counts
towards the total and the facets), so postings.py reads them as numpy arrays, a block or
a column at a time. That takes names Whoosh keeps private; each is read here, in a small
function saying which class it comes from, and nowhere else.

Every name was read from Whoosh-Reloaded 2.7.5 (PINNED_VERSION), which is unmaintained,
so only a change of the pin in requirements.txt can change them. The methods and helpers
in ON_CLASSES are checked when this module is imported; the attributes in ON_INSTANCES
exist only once Whoosh's constructors have run, so a missing one is reported where it is
read, and tests/search/test_whoosh_internals.py checks all of them on a real index and
compares each function with Whoosh's public API. Either way the error names the
attribute and the pinned version: WhooshInternalsChanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal, ParamSpec, TypeVar

import numpy as np
import whoosh
from numpy.typing import NDArray
from whoosh import columns, scoring
from whoosh.codec import whoosh3
from whoosh.matching import wrappers
from whoosh.reading import SegmentReader

PINNED_VERSION = "2.7.5"
"""The Whoosh-Reloaded release the names below were read from (requirements.txt pins it)."""

ON_CLASSES: dict[Any, tuple[str, ...]] = {
    whoosh3.W3LeafMatcher: ("_read_ids", "_read_weights", "_read_values", "_next_block"),
    whoosh3.W3PerDocReader: ("_cached_reader",),
    whoosh3: ("_lenfield", "LENGTHS_COLUMN"),
}
"""Methods and module helpers relied on: checked at import."""

ON_INSTANCES: dict[Any, tuple[str, ...]] = {
    SegmentReader: ("_perdoc",),
    whoosh3.W3LeafMatcher: ("_i", "_ids", "_weights", "_values"),
    columns.NumericColumn.Reader: (
        "_typecode",
        "_count",
        "_dbfile",
        "_basepos",
        "_fixedlen",
        "_default",
    ),
    columns.RefBytesColumn.Reader: ("_typecode", "_dbfile", "_basepos", "_itemsize", "_uniques"),
    scoring.BM25F: ("_field_B",),
}
"""Attributes Whoosh's constructors set: checked where read, and by the test."""


class WhooshInternalsChanged(RuntimeError):
    """Whoosh lacks something this module reads: it is not the version it was written for."""


def changed(what: str) -> WhooshInternalsChanged:
    """The error for WHAT no longer being as PINNED_VERSION had it."""
    return WhooshInternalsChanged(
        f"Whoosh internals changed: {what}. vrm/search/whoosh_internals.py relies on it as "
        f"in the pinned version Whoosh-Reloaded=={PINNED_VERSION} (installed: "
        f"{whoosh.versionstring()}); pin that version again in requirements.txt, or adapt "
        "the module and run tests/search/test_whoosh_internals.py."
    )


def owner_name(owner: Any) -> str:
    """How an error names a class (NumericColumn.Reader) or module (whoosh.codec.whoosh3)."""
    return str(getattr(owner, "__qualname__", None) or owner.__name__)


def check_classes() -> None:
    """Raise WhooshInternalsChanged for the first name of ON_CLASSES that is missing."""
    for owner, names in ON_CLASSES.items():
        for name in names:
            if not hasattr(owner, name):
                raise changed(f"{owner_name(owner)}.{name} is missing")


check_classes()

P = ParamSpec("P")
R = TypeVar("R")


def _reads_internals(function: Callable[P, R]) -> Callable[P, R]:
    """FUNCTION, with a missing private attribute reported as WhooshInternalsChanged."""

    @functools.wraps(function)
    def reading(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except AttributeError as exc:
            if not (exc.name or "").startswith("_"):
                raise
            raise changed(f"{owner_name(type(exc.obj))}.{exc.name} is missing") from exc

    return reading


@_reads_internals
def posting_list(
    reader: Any, field: str, text: bytes, part: Literal["weight", "value"]
) -> tuple[list[int], list[Any]]:
    """Every posting of TEXT in FIELD of a segment: its document numbers and their weights
    (or encoded values, for PART "value"), deleted documents included.

    W3LeafMatcher decodes a block of postings with one unpickle, then its public id(),
    weight() and next() cost three Python calls a posting. Here each block is taken whole:
    _read_ids and _read_weights/_read_values fill _ids and _weights/_values, _i is where
    the matcher stands in the block and _next_block moves to the next one.
    """
    matcher = reader.postings(field, text)
    if isinstance(matcher, wrappers.FilterMatcher):  # how the reader hides deleted documents
        matcher = matcher.child
    if not isinstance(matcher, whoosh3.W3LeafMatcher):  # e.g. another codec, or inlined
        raise changed(f"postings are read by {owner_name(type(matcher))}, not W3LeafMatcher")
    read_part = matcher._read_weights if part == "weight" else matcher._read_values
    ids: list[int] = []
    found: list[Any] = []
    while matcher.is_active():
        matcher._read_ids()
        read_part()
        start = matcher._i
        ids.extend(matcher._ids[start:])
        found.extend((matcher._weights if part == "weight" else matcher._values)[start:])
        matcher._next_block()
    return ids, found


@_reads_internals
def length_bytes(reader: Any, field: str) -> NDArray[np.uint8]:
    """Each document's length of FIELD as one byte (whoosh.util.numeric.byte_to_length
    reads it); 0 where a document lacks the field, as in a segment where none has it.

    The public reader.doc_field_length() reads one document a call. W3Codec keeps the
    lengths in a per-document column named by whoosh3._lenfield, which the segment's
    W3PerDocReader (SegmentReader._perdoc) opens and keeps in _cached_reader.
    """
    count = reader.doc_count_all()
    column = reader._perdoc._cached_reader(whoosh3._lenfield(field), whoosh3.LENGTHS_COLUMN)
    if column is None:
        return np.zeros(count, dtype=np.uint8)
    return numeric_column(column, count).astype(np.uint8, copy=False)


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


def _numpy_dtype(typecode: str) -> np.dtype[Any]:
    code = _NUMPY_CODES.get(typecode)
    if code is None:
        raise changed(f"a column of struct type {typecode!r}, which this module cannot read")
    return np.dtype(code)


@_reads_internals
def numeric_column(column: Any, count: int) -> NDArray[Any]:
    """A NumericColumn.Reader's values for the segment's COUNT documents, in one read.

    The reader unpacks one value a call. On disk the column is a run of big-endian
    numbers of struct type _typecode, _fixedlen bytes each, from _basepos in _dbfile;
    it stops after _count values when the last documents have the _default.
    """
    dtype = _numpy_dtype(column._typecode)
    stored = min(column._count, count)
    raw = column._dbfile.get(column._basepos, stored * column._fixedlen)
    values = np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="))
    if stored < count:
        values = np.concatenate([values, np.full(count - stored, column._default, values.dtype)])
    return values


@_reads_internals
def reference_column(column: Any, count: int) -> tuple[NDArray[Any], list[bytes]]:
    """A RefBytesColumn.Reader's values for COUNT documents, as each document's index
    into the distinct values, and those values.

    The reader looks up one document a call. On disk each document has an unsigned
    number of struct type _typecode (_itemsize bytes) from _basepos in _dbfile; the
    distinct values follow, and the reader has already read them into _uniques.
    """
    raw = column._dbfile.get(column._basepos, count * column._itemsize)
    return np.frombuffer(raw, dtype=_numpy_dtype(column._typecode)), list(column._uniques)


@_reads_internals
def bm25_b(weighting: Any, field: str) -> float:
    """BM25F's B for FIELD: the field's own (BM25F(body_B=...)) or the common one.

    BM25F keeps the per-field values in _field_B; its public scorer() reads them too,
    but also looks up the term's statistics, which the executor already has.
    """
    return float(weighting._field_B.get(field, weighting.B))
