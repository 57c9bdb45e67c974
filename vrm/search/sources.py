"""Reading what the index should hold from the database: the one visibility rule.

A document is indexed only while it is public: a supplier by ``Supplier.is_public``, a
review by the reviews feature's ``public_reviews`` query (which asks its supplier too).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import CompoundSelect, Select, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session, selectinload

from vrm.reputation.models import ReputationSums
from vrm.reputation.queries import sort_scores
from vrm.reviews.models import Review
from vrm.reviews.queries import assurance_of, configured_levels, public_reviews
from vrm.search.documents import ReviewData, SupplierData, review_document, supplier_document
from vrm.suppliers.models import Supplier
from vrm.suppliers.sectors import sector_name


def public_review_select() -> Select[Review]:
    """The reviews feature's one rule of what is public (it joins the supplier)."""
    return public_reviews()


def _average_ratings(session: Session, supplier_ids: list[int]) -> dict[int, float]:
    """Each supplier's average star rating, from the per-level counts the reputation
    feature keeps on write (one row per supplier, never a pass over its reviews: the
    drainer re-reads a busy supplier after each of its reviews)."""
    rows = session.scalars(
        select(ReputationSums).where(
            ReputationSums.supplier_id.in_(supplier_ids), ReputationSums.dimension == "overall"
        )
    )
    averages = {}
    for row in rows:
        counts = (row.n1, row.n2, row.n3, row.n4, row.n5)
        if sum(counts):
            averages[row.supplier_id] = sum(k * n for k, n in enumerate(counts, 1)) / sum(counts)
    return averages


def supplier_data(
    supplier: Supplier, average: float | None, reputation: float | None
) -> SupplierData:
    return SupplierData(
        id=supplier.id,
        slug=supplier.slug,
        name=supplier.name,
        kind=supplier.kind,
        sector=supplier.sector,
        sector_name=sector_name(supplier.sector),
        created_at=supplier.created_at,
        aliases=tuple(alias.name for alias in supplier.aliases),
        area=supplier.area.name if supplier.area else None,
        domain=supplier.website_domain,
        description=supplier.description or "",
        average_rating=average,
        reputation=reputation,
    )


def _suppliers_data(session: Session, suppliers: Sequence[Supplier]) -> dict[int, SupplierData]:
    """SupplierData of each, with a fixed number of queries however many there are."""
    ids = [s.id for s in suppliers]
    averages = _average_ratings(session, ids)
    reputations = sort_scores(session, {s.id: s.sector for s in suppliers})
    return {s.id: supplier_data(s, averages.get(s.id), reputations.get(s.id)) for s in suppliers}


def _supplier_data_for(session: Session, supplier: Supplier) -> SupplierData:
    return _suppliers_data(session, [supplier])[supplier.id]


def supplier_document_for(session: Session, supplier_id: int) -> dict[str, object] | None:
    """The document for a supplier, or None when it must not be in the index."""
    supplier = session.get(Supplier, supplier_id, populate_existing=True)
    if supplier is None or not supplier.is_public:
        return None
    return supplier_document(_supplier_data_for(session, supplier))


def review_document_for(session: Session, review_id: int) -> dict[str, object] | None:
    """The document for a review, or None when it must not be in the index."""
    subquery = public_review_select().where(Review.id == review_id)
    review = session.scalars(subquery.execution_options(populate_existing=True)).first()
    if review is None or not review.supplier.is_public:
        return None
    supplier = _supplier_data_for(session, review.supplier)
    grades = assurance_of(session, [review])
    return review_document(_review_data(review, supplier, grades[review_id].grade))


def _review_data(review: Any, supplier: SupplierData, assurance: str) -> ReviewData:
    return ReviewData(
        id=review.id,
        title=review.title,
        body=review.body,
        rating=review.rating,
        created_at=review.created_at,
        supplier=supplier,
        assurance=assurance,
    )


SUPPLIER_BATCH = 500
REVIEW_BATCH = 2_000


def all_documents(read_factory: Callable[[], Session]) -> Iterator[dict[str, object]]:
    """Every public supplier and review, streamed in id order for a rebuild.

    Each batch is read in a short transaction of its own from READ_FACTORY (read-only
    sessions: on SQLite they never take the write lock): a rebuild holds no lock and no
    snapshot while Whoosh analyses, so writers and checkpoints go on meanwhile. What
    changes between batches is in the outbox, replayed after the swap (rebuild.py).
    Suppliers cost a few queries per batch; reviews one query per batch, their columns
    only (no ORM objects), their supplier's data from the first pass.
    """
    suppliers: dict[int, SupplierData] = {}
    last = 0
    while True:
        with read_factory() as session:
            chunk = session.scalars(
                select(Supplier)
                .where(Supplier.id > last)
                .options(selectinload(Supplier.aliases), selectinload(Supplier.area))
                .order_by(Supplier.id)
                .limit(SUPPLIER_BATCH)
            ).all()
            public = [s for s in chunk if s.is_public]
            data = _suppliers_data(session, public)
        if not chunk:
            break
        for supplier in public:
            suppliers[supplier.id] = data[supplier.id]
            yield supplier_document(data[supplier.id])
        last = chunk[-1].id
    columns = (Review.id, Review.title, Review.body, Review.rating, Review.created_at)
    facts = (Review.author_id, Review.experienced_on)  # for the assurance grade
    levels = configured_levels()
    last = 0
    while True:
        statement = (
            public_review_select()
            .with_only_columns(*columns, *facts, Review.supplier_id)
            .where(Review.id > last)
            .order_by(Review.id)
            .limit(REVIEW_BATCH)
        )
        with read_factory() as session:
            rows = session.execute(statement).all()
            grades = assurance_of(session, rows, levels)
        if not rows:
            break
        for row in rows:
            supplier_data = suppliers.get(row.supplier_id)
            if supplier_data is not None:
                yield review_document(_review_data(row, supplier_data, grades[row.id].grade))
        last = rows[-1].id


def count_documents(session: Session) -> int:
    """How many documents a rebuild will write (for the progress bar), roughly."""
    suppliers = session.scalar(select(func.count()).select_from(Supplier)) or 0
    reviews = session.scalar(select(func.count()).select_from(public_review_select().subquery()))
    return int(suppliers) + int(reviews or 0)


@functools.cache
def _visible_statement() -> CompoundSelect[str, int]:
    """Built once: the expressions (the public rules) cost more to build than the
    query costs to run; the id lists are bound per search (expanding IN, empty = none).
    public_review_select joins the supplier and checks it is public: a second check by
    `supplier_id IN (public suppliers)` made SQLite list every supplier for each search
    (1.4 ms at 5,000)."""
    return union_all(
        select(literal("supplier"), Supplier.id).where(
            Supplier.id.in_(bindparam("suppliers", expanding=True)), Supplier.is_public
        ),
        public_review_select()
        .where(Review.id.in_(bindparam("reviews", expanding=True)))
        .with_only_columns(literal("review"), Review.id),
    )


def visible_keys(session: Session, keys: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of these (doc_type, id) pairs are public now, in one query: search results
    are checked against this."""
    if not keys:
        return set()
    ids = {
        "suppliers": [i for t, i in keys if t == "supplier"],
        "reviews": [i for t, i in keys if t == "review"],
    }
    return {(str(t), int(i)) for t, i in session.execute(_visible_statement(), ids)}
