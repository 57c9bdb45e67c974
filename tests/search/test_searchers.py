"""The kept-open searchers and the facet counts, checked against Whoosh's own answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from whoosh import query, sorting

from vrm.search import index, searchers, searching
from vrm.search.documents import ReviewData, SupplierData, review_document, supplier_document
from vrm.search.schema import FACETS
from vrm.search.searching import SearchRequest

WHEN = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
WORDS = ("refund", "engineer", "meter", "broadband", "letter", "queue")


def _suppliers() -> list[SupplierData]:
    return [
        SupplierData(
            id=n,
            slug=f"s-{n}",
            name=f"Supplier {n}",
            kind=("business", "public_service")[n % 2],
            sector=("energy", "telecoms", "water")[n % 3],
            sector_name="Sector",
            created_at=WHEN,
            area=("Leeds", "York", None)[n % 3],
            description=f"{WORDS[n % 6]} and {WORDS[(n + 2) % 6]}",
        )
        for n in range(1, 7)
    ]


def _build(base: Path, *, reviews: int, segments: int = 1) -> None:
    suppliers = _suppliers()
    documents = [supplier_document(s) for s in suppliers] + [
        review_document(
            ReviewData(
                id=n,
                title=f"About the {WORDS[n % 6]}",
                body=f"The {WORDS[n % 6]} then the {WORDS[(n * 7) % 6]} and {WORDS[n % 5]}.",
                rating=1 + n % 5,
                created_at=WHEN + dt.timedelta(minutes=n),
                supplier=suppliers[n % 6],
            )
        )
        for n in range(1, reviews + 1)
    ]
    name, ix = index.create_fresh(base)
    share = -(-len(documents) // segments)
    for start in range(0, len(documents), share):  # one commit, one segment, each
        writer = ix.writer()
        index.write(writer, documents[start : start + share], [])
    index.swap(base, name)


def _whoosh_counts(base: Path, request: SearchRequest) -> tuple[int, dict[str, dict[str, int]]]:
    with index.open_index(base).searcher() as searcher:
        parsed = searching.parser(searcher.schema).parse(request.text)
        facets = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS}
        results = searcher.search(
            parsed, limit=None, filter=searching.restriction(request), groupedby=facets
        )
        counts = {n: {v: c for v, c in results.groups(n).items() if v} for n in FACETS}
        return len(results), counts


def test_totals_and_facet_counts_match_whoosh_over_several_segments(tmp_path: Path) -> None:
    base = tmp_path / "search"
    _build(base, reviews=300, segments=3)
    for request in (
        SearchRequest(text="refund"),
        SearchRequest(text="engineer meter"),
        SearchRequest(text="refund", filters={"sector": "water"}),
        SearchRequest(text="letter", doc_type="review", sort="newest"),
        SearchRequest(text="queue", sort="reputation", page=2, per_page=5),
    ):
        found = searching.search(base, request)
        total, counts = _whoosh_counts(base, request)
        assert found.total == total > 0, request
        assert {n: dict(pairs) for n, pairs in found.facets.items()} == counts, request
    searchers.forget_all()


def test_a_kept_searcher_sees_new_and_deleted_documents(tmp_path: Path) -> None:
    base = tmp_path / "search"
    _build(base, reviews=12)
    before = searching.search(base, SearchRequest(text="refund")).total
    ix = index.open_index(base)
    index.write(ix.writer(), [], ["review:6", "review:12"])  # both mention a refund
    assert searching.search(base, SearchRequest(text="refund")).total == before - 2
    with ix.searcher() as searcher:
        assert searcher.search(query.Term("key", "review:6")).is_empty()
    searchers.forget_all()


def test_a_swapped_in_index_is_opened(tmp_path: Path) -> None:
    base = tmp_path / "search"
    _build(base, reviews=6)
    small = searching.search(base, SearchRequest(text="refund")).total
    _build(base, reviews=60)
    assert searching.search(base, SearchRequest(text="refund")).total > small
    searchers.forget_all()
