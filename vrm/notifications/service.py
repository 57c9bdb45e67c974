"""In-app notifications. Parley sends no email: notifications live only here,
on the member's notifications page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from vrm.clock import now
from vrm.notifications.models import Notification
from vrm.reviews.models import ChangeClaim, Review

TEXT_MAX = 500


def notify(
    session: Session,
    member_id: int,
    kind: str,
    text: str,
    *,
    review_id: int | None = None,
    message_id: int | None = None,
    supplier_id: int | None = None,
    agreement_id: int | None = None,
    report_id: int | None = None,
) -> Notification:
    """Add one unread notification for a member, naming the rows it is about (its link
    is built from them when shown: vrm.notifications.links)."""
    if len(text) > TEXT_MAX:
        text = text[: TEXT_MAX - 1] + "…"
    notification = Notification(
        member_id=member_id,
        kind=kind,
        text=text,
        review_id=review_id,
        message_id=message_id,
        supplier_id=supplier_id,
        agreement_id=agreement_id,
        report_id=report_id,
    )
    session.add(notification)
    return notification


def notifications_for(session: Session, member_id: int, limit: int = 100) -> list[Notification]:
    """The member's newest notifications first."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.member_id == member_id)
            .options(selectinload(Notification.supplier))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


UNREAD_SHOWN = 99  # the header says "99+" beyond this


def unread_count(session: Session, member_id: int, limit: int | None = None) -> int:
    """The member's unread notifications; with LIMIT, counted only up to LIMIT + 1, so the
    header's count reads at most that many index entries however many are waiting."""
    unread = select(Notification.id).where(
        Notification.member_id == member_id, Notification.read_at.is_(None)
    )
    if limit is not None:
        unread = unread.limit(limit + 1)
    return session.scalar(select(func.count()).select_from(unread.subquery())) or 0


def mark_all_read(session: Session, member_id: int) -> None:
    session.execute(
        update(Notification)
        .where(Notification.member_id == member_id, Notification.read_at.is_(None))
        .values(read_at=now())
        .execution_options(synchronize_session=False)
    )


def pending_change_claims(session: Session, author_id: int) -> list[ChangeClaim]:
    """Unanswered change claims on the member's public reviews, oldest first."""
    return list(
        session.scalars(
            select(ChangeClaim)
            .join(Review, ChangeClaim.review_id == Review.id)
            .where(
                Review.author_id == author_id,
                Review.is_public,
                ChangeClaim.verdict.is_(None),
            )
            .order_by(ChangeClaim.created_at, ChangeClaim.id)
        )
    )


def due_change_claim_reminders(
    session: Session, at: dt.datetime, *, author_id: int | None = None
) -> list[ChangeClaim]:
    """Ask the reviewer again about each unanswered change claim past its remind_after
    (once per claim): notify them and set reminded_at. Only the author's if given."""
    query = (
        select(ChangeClaim)
        .join(Review, ChangeClaim.review_id == Review.id)
        .where(
            ChangeClaim.verdict.is_(None),
            ChangeClaim.reminded_at.is_(None),
            ChangeClaim.remind_after <= at,
            Review.is_public,
            Review.author_id.is_not(None),  # a former member's review: nobody to ask
        )
        .order_by(ChangeClaim.id)
    )
    if author_id is not None:
        query = query.where(Review.author_id == author_id)
    due = list(session.scalars(query))
    for claim in due:
        review = claim.review
        if review.author_id is None:  # the query leaves these out; this tells mypy
            continue
        notify(
            session,
            review.author_id,
            "change_claim_reminder",
            f"Was the change made? {review.supplier.name} said they made a change after "
            f"your review “{review.title}”. Tell others whether it happened.",
            review_id=review.id,
        )
        claim.reminded_at = at
    session.flush()
    return due
