"""The array executor against Whoosh's own matchers: the same matches, scores and order.

Whoosh is the reference: for any query the parser can make, every matching document
and its score must be what Whoosh's matchers give, over several segments and with
deleted documents, so moving the work to arrays changed the speed and nothing else.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import columns as whoosh_columns
from whoosh import fields, query
from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer

from tests.search.test_searchers import _build
from vrm.search import executor, index, postings, searchers, searching
from vrm.search.documents import ReviewData, SupplierData, review_document, supplier_document
from vrm.search.schema import (
    PHRASE_POSITIONS,
    PackedPositions,
    build_schema,
    schema_is_current,
)
from vrm.search.searching import SearchRequest

WORDS = ("refund", "engineers", "meter", "broadband", "letter", "queue", "the", "leeds", "zzz")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("executor") / "search"
    _build(base, reviews=240, segments=3)
    ix = index.open_index(base)
    index.write(ix.writer(), [], [f"review:{n}" for n in range(5, 240, 17)])
    yield base
    searchers.forget_all()
    postings.clear()


def _whoosh_can(q: query.Query) -> query.Query:
    """Q with each phrase over a positionless field as Whoosh can run it: the words
    scored in the field, required at adjacent positions in its twin."""
    if isinstance(q, query.Phrase) and q.fieldname in PHRASE_POSITIONS:
        scored = query.And([query.Term(q.fieldname, w, boost=q.boost) for w in q.words])
        return query.Require(scored, query.Phrase(PHRASE_POSITIONS[q.fieldname], q.words))
    return q.apply(_whoosh_can) if isinstance(q, query.compound.CompoundQuery) else q


def _whoosh_scores(searcher: Any, request: SearchRequest) -> dict[int, float]:
    q = _whoosh_can(searching.build_query(searcher, request))
    found = searcher.search(q, limit=None, filter=searching.restriction(request))
    return {docnum: score for score, docnum in found.top_n}


def _array_scores(searcher: Any, request: SearchRequest) -> dict[int, float]:
    q = searching.build_query(searcher, request)
    found = executor.top(executor.run(searcher, q, searching.restriction(request)), 10_000)
    return {docnum: score for score, docnum in found}


def _same(ours: dict[int, float], theirs: dict[int, float]) -> None:
    assert ours.keys() == theirs.keys()
    for docnum, score in theirs.items():
        assert math.isclose(ours[docnum], score, rel_tol=1e-9, abs_tol=1e-9), docnum


texts = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(
            lambda ws: f'"{" ".join(ws)}"'
        ),
    ),
    min_size=1,
    max_size=3,
).map(" ".join)
requests = st.builds(
    SearchRequest,
    text=texts | st.just(""),
    doc_type=st.sampled_from([None, "review", "supplier"]),
    filters=st.dictionaries(
        st.sampled_from(["sector", "kind"]), st.sampled_from(["water", "energy", "business"])
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(request=requests)
def test_every_match_and_score_is_whooshs(built: Path, request: SearchRequest) -> None:
    with index.open_index(built).searcher() as searcher:
        _same(_array_scores(searcher, request), _whoosh_scores(searcher, request))


def test_phrases_match_only_words_side_by_side_in_order(built: Path) -> None:
    totals = {}
    with index.open_index(built).searcher() as searcher:
        for text in ('"about letter"', '"letter about"', '"refund meter" queue', '"about"'):
            request = SearchRequest(text=text)
            ours = _array_scores(searcher, request)
            _same(ours, _whoosh_scores(searcher, request))
            totals[text] = len(ours)
    # Titles read "About the letter": "the" is a stop word, so the two are adjacent.
    assert totals['"about letter"'] > 0 and totals['"letter about"'] == 0


def test_the_page_ranks_and_sorts_as_whoosh_does(built: Path) -> None:
    with index.open_index(built).searcher() as searcher:
        for text in ("refund", "meter letter", "queue"):
            q = searching.build_query(searcher, SearchRequest(text=text))
            # All of them: with a limit Whoosh skips documents that only tie the last.
            whoosh_top = searcher.search(q, limit=None).top_n[:7]
            ours = executor.top(executor.run(searcher, q), 7)
            assert [d for _, d in ours] == [d for _, d in whoosh_top], text
            for field in ("created_at", "reputation"):
                whoosh_sorted = searcher.search(q, limit=None, sortedby=field, reverse=True)
                theirs = [docnum for _, docnum in whoosh_sorted.top_n[:7]]
                by_field = executor.top_by(executor.run(searcher, q), field, 7)
                assert [docnum for _, docnum in by_field] == theirs, (text, field)


def test_a_page_past_the_first_holds_the_next_hits(built: Path) -> None:
    first = searching.search(built, SearchRequest(text="refund", per_page=5))
    second = searching.search(built, SearchRequest(text="refund", per_page=5, page=2))
    both = searching.search(built, SearchRequest(text="refund", per_page=10))
    assert [(h.doc_type, h.doc_id) for h in first.hits + second.hits] == [
        (h.doc_type, h.doc_id) for h in both.hits
    ]


def test_stop_words_do_not_empty_a_search(built: Path) -> None:
    assert searching.search(built, SearchRequest(text="the refund")).total == (
        searching.search(built, SearchRequest(text="refund")).total
    )


def test_a_stale_cache_entry_never_outlives_its_segment(tmp_path: Path) -> None:
    base = tmp_path / "search"
    _build(base, reviews=30)
    before = searching.search(base, SearchRequest(text="meter")).total
    _build(base, reviews=90)  # a new index: new segments, new ids
    assert searching.search(base, SearchRequest(text="meter")).total > before
    searchers.forget_all()


def test_dates_sort_newest_first(built: Path) -> None:
    found = searching.search(built, SearchRequest(text="letter", sort="newest", per_page=50))
    dates = [h.created_at for h in found.hits if h.created_at is not None]
    assert dates == sorted(dates, reverse=True) and len(dates) > 5
    assert all(isinstance(d, dt.datetime) for d in dates)


def test_columns_read_in_one_go_agree_with_whooshs_readers(built: Path) -> None:
    with index.open_index(built).searcher() as searcher:
        for reader, _ in searcher.reader().leaf_readers():
            count = reader.doc_count_all()
            fast = postings._reference_codes(reader, "area")
            slow = postings._codes_from_terms(reader, "area")
            assert fast is not None
            assert [fast.values[c] for c in fast.codes] == [slow.values[c] for c in slow.codes]
            lengths = postings.lengths(reader, postings.segment_key(reader), "body")
            assert lengths.tolist() == [
                reader.doc_field_length(n, "body") or 0 for n in range(count)
            ]
            dates = postings.numbers(reader, postings.segment_key(reader), "created_at")
            column = reader.column_reader("created_at", translate=False)
            assert dates.tolist() == list(column)


def test_a_segment_without_a_field_reads_as_whooshs_public_readers(tmp_path: Path) -> None:
    # Beside whoosh_internals: a facet without a column (no document of the segment has
    # it) is counted from the terms, and a sort field without one is Whoosh's default.
    base = tmp_path / "search"
    _build(base, reviews=20)
    ix = index.open_index(base)
    index.write(ix.writer(), [{"key": "bare:1", "doc_type": "supplier", "doc_id": 1}], [])
    empty = 0
    with ix.searcher() as searcher:
        for reader, _ in searcher.reader().leaf_readers():
            key = postings.segment_key(reader)
            for field in ("created_at", "reputation"):
                column = reader.column_reader(field, translate=False)
                empty += isinstance(column, whoosh_columns.EmptyColumnReader)
                assert postings.numbers(reader, key, field).tolist() == list(column)
            for field in ("assurance", "sector"):
                found = postings.codes(reader, key, field)
                column = reader.column_reader(field, translate=False)
                assert [found.values[c] for c in found.codes] == [v.decode() for v in column]
    assert empty == 2
    postings.clear()
    searchers.forget_all()


def test_an_index_from_an_older_schema_still_searches_and_asks_for_a_reindex(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    older = build_schema()  # as the first release built it
    older.remove("sector")
    older.add("sector", fields.ID(stored=True, sortable=True))
    older.remove("domain")
    older.add("domain", fields.TEXT(analyzer=StandardAnalyzer(stoplist=None), stored=True))
    base = tmp_path / "search"
    (base / "index-old").mkdir(parents=True)
    ix = whoosh_index.create_in(str(base / "index-old"), older)
    supplier = SupplierData(
        id=1,
        slug="s",
        name="Northern Water",
        kind="business",
        sector="water",
        sector_name="Water",
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    review = ReviewData(
        id=1,
        title="Leak",
        body="The leak was fixed.",
        rating=4,
        created_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        supplier=supplier,
    )
    index.write(ix.writer(), [supplier_document(supplier), review_document(review)], [])
    index.swap(base, "index-old")
    with caplog.at_level("WARNING", logger="vrm.search.index"):
        found = searching.search(base, SearchRequest(text="leak"))
        searching.search(base, SearchRequest(text="leak", filters={"sector": "water"}))
    assert found.total == 1 and dict(found.facets["sector"]) == {"water": 1}
    warnings = [r.getMessage() for r in caplog.records if "older version" in r.getMessage()]
    assert len(warnings) == 1 and index.REINDEX_COMMAND in warnings[0]
    searchers.forget_all()


def test_a_current_index_is_not_reported_as_outdated(tmp_path: Path) -> None:
    base = tmp_path / "search"
    _build(base, reviews=3)
    assert schema_is_current(index.open_index(base).schema)


def test_two_indexes_whose_segments_share_a_name_never_share_cached_arrays(
    tmp_path: Path,
) -> None:
    # Whoosh names segments from the shared random generator; a seeded one repeats names.
    random.seed(7)
    _build(tmp_path / "small", reviews=30)
    random.seed(7)
    _build(tmp_path / "large", reviews=90)
    small = searching.search(tmp_path / "small", SearchRequest(text="meter", per_page=100))
    large = searching.search(tmp_path / "large", SearchRequest(text="meter", per_page=100))
    assert 0 < small.total < large.total == len(large.hits)
    searchers.forget_all()


def test_packed_positions_unpack_a_block_as_they_decode_one_by_one() -> None:
    packed = PackedPositions()
    lists = [[0], [3, 9, 70_000], [], [5, 6]]
    values = [packed.encode(where) for where in lists]
    assert [packed.decode_positions(v) for v in values] == lists
    ids = np.array([4, 8, 15, 16], dtype=np.int64)
    docnums, places = postings._unpack_block(ids, values)
    assert docnums.tolist() == [4, 8, 8, 8, 16, 16]
    assert places.tolist() == [0, 3, 9, 70_000, 5, 6]
