"""Whoosh's private names, as vrm/search/whoosh_internals.py reads them, on a real index.

Whoosh-Reloaded is unmaintained and pinned, and the adapter reads names it keeps private.
An upgrade that renames or reshapes one of them fails here, naming it and the pinned
version, before a search can go wrong; and every function of the adapter must give what
Whoosh's public API gives, a value at a time, on the same index.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import whoosh
from whoosh import columns, scoring
from whoosh.codec import whoosh3
from whoosh.matching import wrappers
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

from tests.search.test_searchers import _build
from vrm.search import index, whoosh_internals
from vrm.search.documents import SupplierData, supplier_document
from vrm.search.whoosh_internals import PINNED_VERSION, WhooshInternalsChanged

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"

KINDS: dict[tuple[Any, str], type | tuple[type, ...]] = {
    (SegmentReader, "_perdoc"): whoosh3.W3PerDocReader,
    (whoosh3.W3LeafMatcher, "_i"): int,
    (whoosh3.W3LeafMatcher, "_ids"): (tuple, list),
    (whoosh3.W3LeafMatcher, "_weights"): (tuple, list, array),
    (whoosh3.W3LeafMatcher, "_values"): (tuple, list),
    (columns.NumericColumn.Reader, "_typecode"): str,
    (columns.NumericColumn.Reader, "_count"): int,
    (columns.NumericColumn.Reader, "_dbfile"): object,  # anything with get(position, length)
    (columns.NumericColumn.Reader, "_basepos"): int,
    (columns.NumericColumn.Reader, "_fixedlen"): int,
    (columns.NumericColumn.Reader, "_default"): int,
    (columns.RefBytesColumn.Reader, "_typecode"): str,
    (columns.RefBytesColumn.Reader, "_dbfile"): object,
    (columns.RefBytesColumn.Reader, "_basepos"): int,
    (columns.RefBytesColumn.Reader, "_itemsize"): int,
    (columns.RefBytesColumn.Reader, "_uniques"): list,
    (scoring.BM25F, "_field_B"): dict,
}
"""What each attribute of whoosh_internals.ON_INSTANCES holds in the pinned version."""


def _changed(what: str) -> str:
    return str(whoosh_internals.changed(what))


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    base = tmp_path_factory.mktemp("internals") / "search"
    _build(base, reviews=400, segments=2)  # posting lists longer than a block (128)
    ix = index.open_index(base)
    # Deletions: the reader then hides deleted postings behind a FilterMatcher.
    index.write(ix.writer(), [], [f"review:{n}" for n in range(3, 400, 11)])
    # A segment of suppliers only: review fields have no lengths or columns there.
    writer = index.open_writer(ix)
    assert writer is not None
    index.write(writer, [supplier_document(_supplier(n)) for n in (50, 51, 52)], [])
    with ix.searcher() as opened:
        assert len(_readers(opened)) == 3 and _readers(opened)[0].has_deletions()
        yield opened


def _supplier(number: int) -> SupplierData:
    return SupplierData(
        id=number,
        slug=f"s-{number}",
        name=f"Other {number}",
        kind="business",
        sector="water",
        sector_name="Water",
        created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        description="refund letter",
    )


def _readers(searcher: Any) -> list[Any]:
    return [reader for reader, _ in searcher.reader().leaf_readers()]


def _terms(reader: Any, field: str) -> list[bytes]:
    return list(reader.lexicon(field))


def _unwrapped(matcher: Any) -> Any:
    """The matcher a reader's FilterMatcher hides deleted documents from."""
    return matcher.child if isinstance(matcher, wrappers.FilterMatcher) else matcher


# -- the pin -------------------------------------------------------------------------------


def test_the_installed_whoosh_is_the_version_the_adapter_was_checked_against() -> None:
    installed = whoosh.versionstring()
    assert installed == PINNED_VERSION, (
        f"Whoosh internals may have changed: Whoosh-Reloaded {installed} is installed, but "
        f"vrm/search/whoosh_internals.py was checked against pinned version {PINNED_VERSION}. "
        "Run this file's tests, adapt the module, then update PINNED_VERSION."
    )
    pins = re.findall(r"^Whoosh-Reloaded==(\S+)$", REQUIREMENTS.read_text(), re.MULTILINE)
    assert pins == [PINNED_VERSION], (
        f"requirements.txt pins Whoosh-Reloaded {pins}, whoosh_internals.PINNED_VERSION "
        f"is {PINNED_VERSION}: change them together"
    )


# -- every private name, on live objects ----------------------------------------------------


def test_every_method_the_adapter_calls_is_there() -> None:
    whoosh_internals.check_classes()  # raises WhooshInternalsChanged naming the first gone
    for owner, names in whoosh_internals.ON_CLASSES.items():
        for name in (n for n in names if n != "LENGTHS_COLUMN"):
            label = f"{whoosh_internals.owner_name(owner)}.{name}"
            assert callable(getattr(owner, name)), _changed(f"{label} is not callable")
    assert isinstance(whoosh3.LENGTHS_COLUMN, columns.NumericColumn), _changed(
        "whoosh3.LENGTHS_COLUMN is not a NumericColumn"
    )
    assert whoosh3._lenfield("body") != "body", _changed("whoosh3._lenfield names no column")


def _live_objects(searcher: Any) -> dict[Any, list[Any]]:
    """An instance of each class of ON_INSTANCES, as the adapter meets them."""
    found: dict[Any, list[Any]] = {owner: [] for owner in whoosh_internals.ON_INSTANCES}
    for reader in _readers(searcher):
        found[SegmentReader].append(reader)
        matcher = _unwrapped(reader.postings("spell", _terms(reader, "spell")[0]))
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        found[type(matcher)].append(matcher)
        for field in ("created_at", "reputation", "sector", "kind"):
            column = reader.column_reader(field, translate=False)
            found[type(column)].append(column)
    found[type(searcher.weighting)].append(searcher.weighting)
    return found


def test_every_attribute_the_adapter_reads_is_there_with_its_kind(searcher: Any) -> None:
    assert set(KINDS) == {
        (owner, name) for owner, names in whoosh_internals.ON_INSTANCES.items() for name in names
    }, "whoosh_internals.ON_INSTANCES changed: say here what each attribute holds"
    live = _live_objects(searcher)
    for (owner, name), kind in KINDS.items():
        label = f"{whoosh_internals.owner_name(owner)}.{name}"
        assert live[owner], f"the test index has no {whoosh_internals.owner_name(owner)}"
        for instance in live[owner]:
            if not hasattr(instance, name):
                pytest.fail(_changed(f"{label} is missing"))
            value = getattr(instance, name)
            if not isinstance(value, kind):
                pytest.fail(_changed(f"{label} is a {type(value).__name__}, not {kind}"))
    for column in live[columns.NumericColumn.Reader] + live[columns.RefBytesColumn.Reader]:
        assert callable(getattr(column._dbfile, "get", None)), _changed(
            f"{type(column).__qualname__}._dbfile has no get(position, length)"
        )


# -- the same answers as the public API -----------------------------------------------------


def _public_postings(matcher: Any, part: str) -> tuple[list[int], list[Any]]:
    ids: list[int] = []
    found: list[Any] = []
    while matcher.is_active():
        ids.append(matcher.id())
        found.append(matcher.weight() if part == "weight" else matcher.value())
        matcher.next()
    return ids, found


@pytest.mark.parametrize(
    ("field", "part"),
    [("spell", "weight"), ("title", "weight"), ("body", "weight"), ("body_positions", "value")],
)
def test_posting_lists_are_whooshs_deleted_documents_included(
    searcher: Any, field: str, part: str
) -> None:
    longest = 0
    for reader in _readers(searcher):
        for text in _terms(reader, field):
            ids, found = whoosh_internals.posting_list(reader, field, text, part)
            # The public matcher skips deleted documents; the one it wraps has them all.
            every = _public_postings(_unwrapped(reader.postings(field, text)), part)
            assert (ids, found) == every, (field, text)
            live = [(i, f) for i, f in zip(ids, found, strict=True) if not reader.is_deleted(i)]
            public = _public_postings(reader.postings(field, text), part)
            assert live == list(zip(*public, strict=True)), (field, text)
            longest = max(longest, len(ids))
    assert longest > 128, "no posting list of several blocks was compared"


def test_field_lengths_are_whooshs_including_a_segment_without_the_field(searcher: Any) -> None:
    without = 0
    for reader in _readers(searcher):
        for field in ("body", "title", "name", "spell"):
            raw = whoosh_internals.length_bytes(reader, field)
            public = [reader.doc_field_length(n, field, 0) or 0 for n in range(len(raw))]
            assert len(raw) == reader.doc_count_all()
            assert [byte_to_length(b) for b in raw.tolist()] == public, field
            without += not any(public)
    assert without, "no segment lacked a field"


@pytest.mark.parametrize("field", ["created_at", "reputation"])
def test_numeric_columns_are_whooshs(searcher: Any, field: str) -> None:
    for reader in _readers(searcher):
        column = reader.column_reader(field, translate=False)
        values = whoosh_internals.numeric_column(column, reader.doc_count_all())
        assert values.tolist() == list(column)


@pytest.mark.parametrize("field", ["doc_type", "kind", "sector", "area", "rating_band"])
def test_reference_columns_are_whooshs(searcher: Any, field: str) -> None:
    for reader in _readers(searcher):
        column = reader.column_reader(field, translate=False)
        refs, uniques = whoosh_internals.reference_column(column, reader.doc_count_all())
        assert [uniques[ref] for ref in refs.tolist()] == list(column)


def test_bm25_b_is_the_one_whooshs_scorer_uses(searcher: Any) -> None:
    weighting = scoring.BM25F(B=0.5, body_B=0.9)
    for field in ("body", "title"):
        text = _terms(searcher.reader(), field)[0]
        scorer = weighting.scorer(searcher, field, text)
        assert whoosh_internals.bm25_b(weighting, field) == scorer.B
    assert whoosh_internals.bm25_b(searcher.weighting, "body") == scoring.BM25F().B


# -- what a change looks like ---------------------------------------------------------------


def test_a_missing_method_stops_the_import_check_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(whoosh3.W3LeafMatcher, "_next_block")
    with pytest.raises(WhooshInternalsChanged) as raised:
        whoosh_internals.check_classes()
    message = str(raised.value)
    assert message.startswith("Whoosh internals changed: W3LeafMatcher._next_block is missing")
    assert f"pinned version Whoosh-Reloaded=={PINNED_VERSION}" in message


def test_a_missing_attribute_is_named_where_it_is_read(searcher: Any) -> None:
    reader = _readers(searcher)[0]
    column = reader.column_reader("created_at", translate=False)
    del column._count
    with pytest.raises(WhooshInternalsChanged, match=r"NumericColumn\.Reader\._count is missing"):
        whoosh_internals.numeric_column(column, reader.doc_count_all())


def test_postings_another_matcher_reads_are_refused_by_name(
    searcher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = _readers(searcher)[0]
    text = _terms(reader, "title")[0]
    listed = wrappers.WrappingMatcher(reader.postings("title", text))
    monkeypatch.setattr(reader, "postings", lambda *_: listed)
    with pytest.raises(WhooshInternalsChanged, match="WrappingMatcher, not W3LeafMatcher"):
        whoosh_internals.posting_list(reader, "title", text, "weight")
