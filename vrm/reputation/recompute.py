"""Rebuilding every aggregate from the public reviews (``flask reputation recompute``).

This is the reference the incremental path is tested against, and the repair tool when
parameters change (a new half-life) or after bulk imports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Table, case, delete, func, insert, select
from sqlalchemy.orm import Session

from vrm.db import Base
from vrm.reputation import ranks, tallies
from vrm.reputation.models import (
    DIMENSIONS,
    ReputationEntry,
    ReputationMonth,
    ReputationStats,
    ReputationSums,
    ResponseBucket,
)
from vrm.reputation.scoring import DecayedCounts, Parameters, day_number
from vrm.reputation.service import (
    Contribution,
    current_parameters,
    entry_values,
    month_of,
    store_rank,
    sums_values,
)
from vrm.reviews.models import ASPECTS, ChangeClaim, Review
from vrm.reviews.queries import public_review_clause
from vrm.suppliers.models import Supplier
from vrm.terms.models import TermsReport
from vrm.terms.queries import terms_kept_counts

Progress = Callable[[int], None]
TABLES = (ReputationEntry, ReputationMonth, ReputationStats, ReputationSums, ResponseBucket)
BATCH = 5_000


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def counted_reviews_count(session: Session) -> int:
    """How many reviews a full recompute will read (for a progress bar)."""
    query = select(func.count(Review.id)).join(Review.supplier).where(public_review_clause())
    return int(session.scalar(query) or 0)


def recompute_all(
    session: Session, progress: Progress | None = None, params: Parameters | None = None
) -> int:
    """Rebuild every supplier's aggregates from the public reviews; returns reviews read."""
    params = params or current_parameters()
    session.flush()
    for table in TABLES:
        session.execute(delete(table))
    session.expire_all()  # rows deleted behind the identity map's back
    done = _rebuild(session, None, progress, params)
    # Suppliers with terms reports but no public reviews still get their terms figure.
    for supplier_id in session.scalars(select(TermsReport.supplier_id).distinct()):
        if supplier_id not in done:
            supplier = session.get(Supplier, supplier_id)
            public = supplier is not None and supplier.is_public
            _new_stats(session, supplier_id, public, *terms_kept_counts(session, supplier_id))
    session.flush()
    tallies.rebuild_sectors(session)
    ranks.rerank(session, params)
    return sum(done.values())


def recompute_supplier(session: Session, supplier_id: int, params: Parameters | None = None) -> int:
    """Rebuild one supplier's aggregates (used when its visibility changes or on merge)."""
    params = params or current_parameters()
    session.flush()
    tallies.remove_supplier_from_sector(session, supplier_id)
    for table in TABLES:
        session.execute(delete(table).where(table.supplier_id == supplier_id))
    session.expire_all()  # rows deleted behind the identity map's back
    done = _rebuild(session, supplier_id, None, params)
    if supplier_id not in done:
        supplier = session.get(Supplier, supplier_id)
        public = supplier is not None and supplier.is_public
        _new_stats(session, supplier_id, public, *terms_kept_counts(session, supplier_id))
    session.flush()
    stats = session.get(ReputationStats, supplier_id)
    if stats is not None:
        store_rank(session, stats, params)
    return done.get(supplier_id, 0)


def _claims_subquery() -> Any:
    return (
        select(
            ChangeClaim.review_id.label("review_id"),
            func.sum(case((ChangeClaim.verdict == "confirmed", 1), else_=0)).label("confirmed"),
            func.sum(case((ChangeClaim.verdict == "denied", 1), else_=0)).label("denied"),
        )
        .group_by(ChangeClaim.review_id)
        .subquery()
    )


def _rebuild(
    session: Session, supplier_id: int | None, progress: Progress | None, params: Parameters
) -> dict[int, int]:
    done: dict[int, int] = {}
    one = supplier_id is not None
    for sid, parts in contributions_by_supplier(session, supplier_id):
        done[sid] = _write_supplier(session, parts, params, one)
        if progress:
            progress(len(parts))
    return done


Parts = list[tuple[int, Contribution]]  # (review id, what it contributes)


def contributions_by_supplier(
    session: Session, supplier_id: int | None = None
) -> Iterator[tuple[int, Parts]]:
    """What every public review contributes, read from the reviews, one supplier at a time
    (streamed: a supplier's reviews are in memory, never all of them)."""
    claims = _claims_subquery()
    query = (
        select(
            Review.id,
            Review.supplier_id,
            Review.created_at,
            Review.first_answer_at,
            Review.resolution,
            Review.rating,
            *(getattr(Review, f"rating_{a}") for a in ASPECTS),
            func.coalesce(claims.c.confirmed, 0),
            func.coalesce(claims.c.denied, 0),
        )
        .join(Review.supplier)
        .outerjoin(claims, claims.c.review_id == Review.id)
        .where(public_review_clause())
        .order_by(Review.supplier_id, Review.id)
    )
    if supplier_id is not None:
        query = query.where(Review.supplier_id == supplier_id)
    current: Parts = []
    for row in session.execute(query.execution_options(yield_per=BATCH)):
        part = _contribution(row)
        if current and current[0][1].supplier_id != part.supplier_id:
            yield current[0][1].supplier_id, current
            current = []
        current.append((row[0], part))
    if current:
        yield current[0][1].supplier_id, current


def _contribution(row: Sequence[Any]) -> Contribution:
    created, answered = row[2], row[3]
    return Contribution(
        supplier_id=row[1],
        day=day_number(created.timestamp()),
        month=month_of(created),
        ratings=tuple(row[5:10]),
        response_seconds=(answered - created).total_seconds() if answered else None,
        resolution=row[4],
        claims_confirmed=int(row[10]),
        claims_denied=int(row[11]),
    )


def expected_sums(parts: Parts, params: Parameters) -> dict[str, DecayedCounts]:
    """Per dimension with at least one rating, its sufficient statistics built in batch."""
    found = {}
    for index, dimension in enumerate(DIMENSIONS):
        ratings = [(p.ratings[index], p.day) for _, p in parts if p.ratings[index] is not None]
        if ratings:
            found[dimension] = DecayedCounts.of(ratings, params.half_life_days)  # type: ignore[arg-type]
    return found


def expected_counts(parts: Parts) -> dict[str, int]:
    """The review counters of ReputationStats (terms figures are counted elsewhere)."""
    return {
        "review_count": len(parts),
        "answered_count": sum(p.response_seconds is not None for _, p in parts),
        "resolved_count": sum(p.resolution == "resolved" for _, p in parts),
        "not_resolved_count": sum(p.resolution == "not_resolved" for _, p in parts),
        "claims_confirmed": sum(p.claims_confirmed for _, p in parts),
        "claims_denied": sum(p.claims_denied for _, p in parts),
    }


MONTH_COLUMNS = ("review_count", "rating_sum", "n1", "n2", "n3", "n4", "n5")


def expected_months(parts: Parts) -> dict[Any, tuple[int, ...]]:
    """Per month: (review count, sum of overall ratings, count at each level 1..5)."""
    months: dict[Any, list[int]] = defaultdict(lambda: [0] * len(MONTH_COLUMNS))
    for _, part in parts:
        tally = months[part.month]
        tally[0] += 1
        tally[1] += part.ratings[0] or 0
        if part.ratings[0]:
            tally[1 + part.ratings[0]] += 1
    return {month: tuple(tally) for month, tally in months.items()}


def expected_buckets(parts: Parts) -> dict[int, int]:
    """Per band of answer delay (tallies.bucket_of): how many first answers fell in it."""
    buckets: dict[int, int] = defaultdict(int)
    for _, part in parts:
        if part.response_seconds is not None:
            buckets[tallies.bucket_of(max(part.response_seconds, 0.0))] += 1
    return dict(buckets)


def _write_supplier(session: Session, parts: Parts, params: Parameters, supplier_only: bool) -> int:
    """Insert one supplier's aggregates; SUPPLIER_ONLY: also add them to its sector's
    tallies (a full recompute recounts the sectors once at the end instead)."""
    # Core inserts (executemany): ORM bulk inserts split batches wherever a nullable
    # column's None-ness changes, which made 100,000 rows cost 50,000 statements.
    supplier_id = parts[0][1].supplier_id
    for dimension, state in expected_sums(parts, params).items():
        values: dict[str, Any] = {"supplier_id": supplier_id, "dimension": dimension}
        values.update(sums_values(state))
        session.execute(insert(_table(ReputationSums)), [values])
        if supplier_only:
            tallies.add_to_sector(session, supplier_id, dimension, state.counts)
    stats = _new_stats(session, supplier_id, True, *terms_kept_counts(session, supplier_id))
    for name, value in expected_counts(parts).items():
        setattr(stats, name, value)
    months = [
        {"supplier_id": supplier_id, "month": m, **dict(zip(MONTH_COLUMNS, tally, strict=True))}
        for m, tally in expected_months(parts).items()
    ]
    session.execute(insert(_table(ReputationMonth)), months)
    buckets = [
        {"supplier_id": supplier_id, "bucket": b, "count": n}
        for b, n in expected_buckets(parts).items()
    ]
    if buckets:
        session.execute(insert(_table(ResponseBucket)), buckets)
    entries = [{"review_id": rid, **entry_values(p)} for rid, p in parts]
    for start in range(0, len(entries), BATCH):
        session.execute(insert(_table(ReputationEntry)), entries[start : start + BATCH])
    return len(parts)


def _new_stats(
    session: Session, supplier_id: int, public: bool, kept: int, broken: int
) -> ReputationStats:
    stats = ReputationStats(
        supplier_id=supplier_id,
        supplier_public=public,
        review_count=0,
        answered_count=0,
        resolved_count=0,
        not_resolved_count=0,
        claims_confirmed=0,
        claims_denied=0,
        terms_kept=kept,
        terms_broken=broken,
    )
    session.add(stats)
    return stats
