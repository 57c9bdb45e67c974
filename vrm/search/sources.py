"""Reading what the index should hold from the database: the one visibility rule.

A document is indexed only while it is public: a supplier by ``Supplier.is_public``, a
review by the reviews feature's ``public_reviews`` query when it exists (else
``Review.is_public``) and only while its supplier is public too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.orm import Session, selectinload

from vrm.reviews.models import Review
from vrm.search.documents import ReviewData, SupplierData, review_document, supplier_document
from vrm.suppliers.models import Supplier
from vrm.suppliers.sectors import sector_name


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    # Other features may or may not provide these; search works without them.
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def public_review_select() -> Select[tuple[Review]]:
    public_reviews = _optional("vrm.reviews.queries", "public_reviews")
    if public_reviews is not None:
        try:
            statement = public_reviews()
        except TypeError:
            statement = None
        if isinstance(statement, Select):
            return statement
    return select(Review).where(Review.status == "live", Review.visibility == "public")


def _average_ratings(session: Session, supplier_ids: list[int]) -> dict[int, float]:
    subquery = public_review_select().subquery()
    rows = session.execute(
        select(subquery.c.supplier_id, func.avg(subquery.c.rating))
        .where(subquery.c.supplier_id.in_(supplier_ids))
        .group_by(subquery.c.supplier_id)
    )
    return {supplier_id: float(avg) for supplier_id, avg in rows if avg is not None}


def _reputation(session: Session, supplier_id: int) -> float | None:
    sort_score = _optional("vrm.reputation.queries", "sort_score")
    if sort_score is None:
        return None
    value = sort_score(session, supplier_id)
    return float(value) if value is not None else None


def supplier_data(session: Session, supplier: Supplier, average: float | None) -> SupplierData:
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
        reputation=_reputation(session, supplier.id),
    )


def supplier_document_for(session: Session, supplier_id: int) -> dict[str, object] | None:
    """The document for a supplier, or None when it must not be in the index."""
    supplier = session.get(Supplier, supplier_id, populate_existing=True)
    if supplier is None or not supplier.is_public:
        return None
    average = _average_ratings(session, [supplier.id]).get(supplier.id)
    return supplier_document(supplier_data(session, supplier, average))


def review_document_for(session: Session, review_id: int) -> dict[str, object] | None:
    """The document for a review, or None when it must not be in the index."""
    subquery = public_review_select().where(Review.id == review_id)
    review = session.scalars(subquery.execution_options(populate_existing=True)).first()
    if review is None or not review.supplier.is_public:
        return None
    average = _average_ratings(session, [review.supplier_id]).get(review.supplier_id)
    return review_document(_review_data(review, supplier_data(session, review.supplier, average)))


def _review_data(review: Review, supplier: SupplierData) -> ReviewData:
    return ReviewData(
        id=review.id,
        title=review.title,
        body=review.body,
        rating=review.rating,
        created_at=review.created_at,
        supplier=supplier,
    )


def all_documents(session: Session, batch: int = 500) -> Iterator[dict[str, object]]:
    """Every public supplier and review, streamed in id order for a rebuild."""
    suppliers: dict[int, SupplierData] = {}
    last = 0
    while True:
        chunk = session.scalars(
            select(Supplier)
            .where(Supplier.id > last)
            .options(selectinload(Supplier.aliases), selectinload(Supplier.area))
            .order_by(Supplier.id)
            .limit(batch)
        ).all()
        if not chunk:
            break
        averages = _average_ratings(session, [s.id for s in chunk])
        for supplier in chunk:
            if supplier.is_public:
                data = supplier_data(session, supplier, averages.get(supplier.id))
                suppliers[supplier.id] = data
                yield supplier_document(data)
        last = chunk[-1].id
        session.expunge_all()
    last = 0
    while True:
        reviews = session.scalars(
            public_review_select().where(Review.id > last).order_by(Review.id).limit(batch)
        ).all()
        if not reviews:
            break
        for review in reviews:
            supplier = suppliers.get(review.supplier_id)
            if supplier is not None:
                yield review_document(_review_data(review, supplier))
        last = reviews[-1].id
        session.expunge_all()


def count_documents(session: Session) -> int:
    """How many documents a rebuild will write (for the progress bar), roughly."""
    suppliers = session.scalar(select(func.count()).select_from(Supplier)) or 0
    reviews = session.scalar(select(func.count()).select_from(public_review_select().subquery()))
    return int(suppliers) + int(reviews or 0)


def visible_keys(session: Session, keys: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of these (doc_type, id) pairs are public now, in one query: search results
    are checked against this."""
    suppliers = [i for t, i in keys if t == "supplier"]
    reviews = [i for t, i in keys if t == "review"]
    public_supplier = (Supplier.visibility == "public") & Supplier.merged_into_id.is_(None)
    selects = []
    if suppliers:
        selects.append(
            select(literal("supplier"), Supplier.id).where(
                Supplier.id.in_(suppliers), public_supplier
            )
        )
    if reviews:
        public_suppliers = select(Supplier.id).where(public_supplier)
        selects.append(
            public_review_select()
            .where(Review.id.in_(reviews), Review.supplier_id.in_(public_suppliers))
            .with_only_columns(literal("review"), Review.id)
        )
    if not selects:
        return set()
    statement = selects[0] if len(selects) == 1 else union_all(*selects)
    return {(str(t), int(i)) for t, i in session.execute(statement)}
