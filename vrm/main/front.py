"""What the home page shows, each from a bounded query over stored rows: the newest public
reviews, the month's biggest credible shifts, and the suppliers that answer their reviews
best and worst (from the stored ReputationStats and ResponseBucket tallies)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Float, func, literal_column, select
from sqlalchemy.orm import Session, joinedload

from vrm.reputation.models import ANSWER_SHARE, ReputationStats
from vrm.reputation.scoring import SECONDS_PER_DAY
from vrm.reputation.tallies import median_response_seconds
from vrm.reviews.models import Review
from vrm.reviews.queries import public_reviews
from vrm.suppliers.models import Supplier
from vrm.watch.models import SupplierShift
from vrm.watch.shifts import shift_text

RECENT = 6
SHIFTS = 5
ANSWERERS = 5
MIN_REVIEWS = 5  # fewer reviews say too little about how a supplier answers
SHIFT_DAYS = 31


@dataclass(frozen=True)
class ShiftLine:
    supplier: Supplier
    text: str
    size: float


@dataclass(frozen=True)
class Answerer:
    supplier: Supplier
    answered: int
    reviews: int
    median_days: float | None

    @property
    def share(self) -> float:
        return self.answered / self.reviews if self.reviews else 0.0


def recent_reviews(session: Session) -> list[Review]:
    # Newest by id: the primary key's index is read backwards until enough are public.
    query = (
        public_reviews()
        .options(joinedload(Review.supplier), joinedload(Review.author))
        .order_by(Review.id.desc())
        .limit(RECENT)
    )
    return list(session.scalars(query).unique())


def biggest_shifts(session: Session, today: dt.datetime) -> list[ShiftLine]:
    """The month's largest credible shifts (one per supplier, of public suppliers)."""
    query = (
        select(SupplierShift, Supplier)
        .join(Supplier, Supplier.id == SupplierShift.supplier_id)
        .where(
            SupplierShift.detected_at >= today - dt.timedelta(days=SHIFT_DAYS),
            Supplier.is_public,
        )
        .order_by(func.abs(SupplierShift.after_mean - SupplierShift.before_mean).desc())
        .limit(SHIFTS * 4)
    )
    lines: dict[int, ShiftLine] = {}
    for shift, supplier in session.execute(query):
        if supplier.id not in lines and len(lines) < SHIFTS:
            lines[supplier.id] = ShiftLine(supplier, shift_text(shift), shift.size)
    return list(lines.values())


def answerers(session: Session, *, best: bool) -> list[Answerer]:
    """The suppliers with the highest (or lowest) share of reviews answered, among those
    with at least MIN_REVIEWS; the share is smoothed ((answered + 1)/(reviews + 2)) so a
    supplier with few reviews is not first or last by chance. Read in the order of its
    index (vrm.reputation.models.ANSWER_SHARE), from the stats alone: joining the
    supplier first would read every supplier."""
    share: ColumnElement[float] = literal_column(ANSWER_SHARE, type_=Float)
    query = (
        select(ReputationStats)
        .where(ReputationStats.review_count >= MIN_REVIEWS, ReputationStats.supplier_public)
        .order_by(share.desc() if best else share.asc(), ReputationStats.review_count.desc())
        .limit(ANSWERERS)
    )
    ranked = list(session.scalars(query))
    suppliers = {
        supplier.id: supplier
        for supplier in session.scalars(
            select(Supplier).where(
                Supplier.id.in_([stats.supplier_id for stats in ranked]), Supplier.is_public
            )
        )
    }
    found = []
    for stats in ranked:
        supplier = suppliers.get(stats.supplier_id)
        if supplier is None:
            continue
        median = median_response_seconds(session, supplier.id)
        found.append(
            Answerer(
                supplier,
                stats.answered_count,
                stats.review_count,
                None if median is None else median / SECONDS_PER_DAY,
            )
        )
    return found
