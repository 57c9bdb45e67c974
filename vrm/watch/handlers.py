"""Signal handlers of this feature: a new public review moves its supplier's change-point
state (and a real shift reaches the "only real shifts" watchers); merges and erasures
keep the watchlist true; exports include it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from vrm import signals
from vrm.members.models import Member
from vrm.notifications.service import notify
from vrm.reviews.models import Review
from vrm.reviews.queries import is_public_review
from vrm.suppliers.models import Supplier
from vrm.watch.models import ShiftState, SupplierShift, Watch
from vrm.watch.queries import describe, shift_audience
from vrm.watch.shifts import fold_review, replay_supplier, shift_text


def on_review_posted(review: Review, *, session: Session, **_: Any) -> None:
    if not is_public_review(review):
        return
    shift = fold_review(session, review)
    if shift is not None:
        tell_of_shift(session, review.supplier, shift)


def tell_of_shift(session: Session, supplier: Supplier, shift: SupplierShift) -> None:
    text = (
        f"Real {shift_text(shift)} in the average rating of {supplier.name} "
        f"({shift.after_count} recent reviews against {shift.before_count} before)."
    )
    for member_id in sorted(shift_audience(session, supplier)):
        notify(session, member_id, "shift", text[0].upper() + text[1:], supplier_id=supplier.id)


def on_supplier_merged(source: Supplier, *, session: Session, into: Supplier, **_: Any) -> None:
    """The source's watchers now watch the target (once each); its history is now the
    target's, so the target's change points are rebuilt (a rare moderator action)."""
    already = select(Watch.member_id).where(Watch.supplier_id == into.id)
    session.execute(
        delete(Watch)
        .where(Watch.supplier_id == source.id, Watch.member_id.in_(already))
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        update(Watch)
        .where(Watch.supplier_id == source.id)
        .values(supplier_id=into.id, target=f"supplier:{into.id}")
        .execution_options(synchronize_session="fetch")
    )
    session.execute(delete(ShiftState).where(ShiftState.supplier_id == source.id))
    replay_supplier(session, into.id)


def export_watches(member: Member, *, session: Session, **_: Any) -> tuple[str, Any]:
    """Everything the member watches: what (kind, name, link) and in which mode."""
    watches = list(
        session.scalars(select(Watch).where(Watch.member_id == member.id).order_by(Watch.id))
    )
    by_id = {watch.id: watch for watch in watches}
    return (
        "watching",
        [
            {
                "kind": row.kind,
                "name": row.label,
                "link": row.link,
                "mode": row.mode,
                "created_at": watch.created_at.isoformat(),
            }
            for row in describe(session, watches)
            for watch in [by_id[row.id]]
        ],
    )


def forget_watches(member: Member, *, session: Session, **_: Any) -> None:
    session.execute(
        delete(Watch)
        .where(Watch.member_id == member.id)
        .execution_options(synchronize_session="fetch")
    )


def connect() -> None:
    """Connect this feature's handlers (idempotent: blinker keeps one per receiver)."""
    signals.review_posted.connect(on_review_posted, weak=False)
    signals.supplier_merged.connect(on_supplier_merged, weak=False)
    signals.member_exporting.connect(export_watches, weak=False)
    signals.member_erasing.connect(forget_watches, weak=False)
