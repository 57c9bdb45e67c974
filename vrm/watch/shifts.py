"""Folding each new public review into its supplier's change-point state (O(window), the
state row locked), storing the shifts it reveals, and rebuilding a supplier from its
history when that history was rewritten.

What online detection cannot see: an edited rating or a withdrawn or hidden review
changes the past, and the stored posterior was made from the old past. Parley does not
rewrite it per edit (that would be a history scan per edit); the state stays as it was,
shifts already declared stay, and ``flask watch replay-shifts`` rebuilds one supplier
(or all) from its public reviews in order — offline, and safe to run any time.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app, has_app_context
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vrm.reputation.scoring import SECONDS_PER_DAY, day_number
from vrm.reviews.models import Review
from vrm.reviews.queries import public_reviews
from vrm.upsert import insert_missing
from vrm.watch.changepoints import Settings, Shift, State, replay, update
from vrm.watch.models import ShiftState, SupplierShift

log = logging.getLogger(__name__)


def current_settings() -> Settings:
    """The detector's settings; WATCH_SHIFT_EVIDENCE (nats) overrides the threshold. (The
    earlier detector's WATCH_SHIFT_THRESHOLD was a probability, so it is not read: a 0.9
    taken as nats would alert on noise.)"""
    settings = Settings()
    if not has_app_context():
        return settings
    return Settings(
        threshold=float(current_app.config.get("WATCH_SHIFT_EVIDENCE", settings.threshold))
    )


def _moment(day: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(day * SECONDS_PER_DAY, dt.UTC)


def _stored(supplier_id: int, shift: Shift, detected_at: dt.datetime) -> SupplierShift:
    return SupplierShift(
        supplier_id=supplier_id,
        since=_moment(shift.since_day),
        detected_at=detected_at,
        before_mean=shift.before_mean,
        after_mean=shift.after_mean,
        after_low=shift.after_low,
        after_high=shift.after_high,
        before_count=shift.before_count,
        after_count=shift.after_count,
    )


def fold_review(session: Session, review: Review) -> SupplierShift | None:
    """Fold a newly posted public review's rating into its supplier's state; the shift it
    reveals, stored, or None. The state row is locked (created first by an upsert), so
    two reviews of one supplier fold one after the other."""
    settings = current_settings()
    start = State.start(settings)
    insert_missing(
        session,
        ShiftState,
        [{"supplier_id": review.supplier_id, "state": start.to_json(), "seen": 0}],
    )
    row = session.get(ShiftState, review.supplier_id, with_for_update=True, populate_existing=True)
    assert row is not None, "inserted, or found inserted by another transaction"
    state, shift = update(
        State.from_json(row.state, settings),
        review.rating,
        settings,
        day_number(review.created_at.timestamp()),
    )
    row.state = state.to_json()
    row.seen = state.seen
    if shift is None:
        return None
    stored = _stored(review.supplier_id, shift, review.created_at)
    session.add(stored)
    session.flush()
    log.info("shift at supplier %s: %.2f → %.2f", review.supplier_id, shift.before_mean,
             shift.after_mean)  # fmt: skip
    return stored


def replay_supplier(session: Session, supplier_id: int) -> list[SupplierShift]:
    """Rebuild one supplier's state and shifts from its public reviews, oldest first
    (the only history scan, run by the CLI and after a merge)."""
    settings = current_settings()
    rows = session.execute(
        public_reviews()
        .with_only_columns(Review.rating, Review.created_at)
        .where(Review.supplier_id == supplier_id)
        .order_by(Review.created_at, Review.id)
    ).all()
    ratings = [(rating, day_number(created.timestamp())) for rating, created in rows]
    state, shifts = replay(ratings, settings)
    session.execute(delete(SupplierShift).where(SupplierShift.supplier_id == supplier_id))
    session.execute(delete(ShiftState).where(ShiftState.supplier_id == supplier_id))
    session.add(ShiftState(supplier_id=supplier_id, state=state.to_json(), seen=state.seen))
    stored = [_stored(supplier_id, s, rows[s.at_review - 1][1]) for s in shifts]
    session.add_all(stored)
    session.flush()
    return stored


def shifts_of(session: Session, supplier_id: int, limit: int = 20) -> list[SupplierShift]:
    """A supplier's shifts, oldest first (at most LIMIT, the latest)."""
    latest = list(
        session.scalars(
            select(SupplierShift)
            .where(SupplierShift.supplier_id == supplier_id)
            .order_by(SupplierShift.detected_at.desc(), SupplierShift.id.desc())
            .limit(limit)
        )
    )
    return latest[::-1]


def shift_text(shift: SupplierShift) -> str:
    """ "shift in March 2026: 3.4 → 2.1, likely between 1.8 and 2.4" — one wording for the
    chart, the home page and the notification."""
    return (
        f"shift in {shift.since:%B %Y}: {shift.before_mean:.1f} → {shift.after_mean:.1f}, "
        f"likely between {shift.after_low:.1f} and {shift.after_high:.1f}"
    )


def shift_marks(session: Session, supplier_id: int) -> list[tuple[dt.date, str]]:
    """The supplier's latest shifts as chart marks: the day the new ratings began, and
    the words ("shift in March 2026: 3.4 → 2.1, likely between 1.8 and 2.4")."""
    return [(s.since.date(), shift_text(s)) for s in shifts_of(session, supplier_id)]
