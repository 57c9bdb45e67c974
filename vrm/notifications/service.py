"""In-app notifications. Parley sends no email: notifications live only here,
on the member's notifications page."""

from __future__ import annotations

import datetime as dt

from flask import has_request_context, url_for
from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from vrm.clock import now
from vrm.notifications.models import Notification
from vrm.reviews.models import ChangeClaim, Review

TEXT_MAX = 500


def link_to(endpoint: str, path: str, **values: object) -> str:
    """url_for(ENDPOINT); the plain PATH when no request (handlers, CLI) or route."""
    if has_request_context():
        try:
            return url_for(endpoint, **values)
        except BuildError:
            pass
    return path


def review_link(review_id: int) -> str:
    """The review's permalink."""
    return link_to("reviews.show_review", f"/reviews/{review_id}", review_id=review_id)


def _links_to_reviews(review_ids: list[int]) -> list[ColumnElement[bool]]:
    """Conditions matching every link review_link() may have written for these reviews:
    with or without a script-root prefix (it depends on whether a request was running)
    and with or without a ``#message-…`` anchor. The leading ``/`` keeps 48 from 148."""
    conditions: list[ColumnElement[bool]] = []
    for review_id in review_ids:
        path = f"/reviews/{int(review_id)}"
        conditions += [Notification.link.like(f"%{path}"), Notification.link.like(f"%{path}#%")]
    return conditions


FORGET_CHUNK = 100  # reviews per statement, well under SQLite's expression depth


def forget_reviews(session: Session, review_ids: list[int]) -> None:
    """Delete every notification, anyone's, that points at one of these reviews; such a
    notification quotes the review's title, and once the review is gone its id may be
    reused for someone else's."""
    for start in range(0, len(review_ids), FORGET_CHUNK):
        chunk = review_ids[start : start + FORGET_CHUNK]
        session.execute(
            delete(Notification)
            .where(or_(*_links_to_reviews(chunk)))
            .execution_options(synchronize_session="fetch")
        )


def notify(session: Session, member_id: int, kind: str, text: str, link: str) -> Notification:
    """Add one unread notification for a member."""
    if len(text) > TEXT_MAX:
        text = text[: TEXT_MAX - 1] + "…"
    notification = Notification(member_id=member_id, kind=kind, text=text, link=link[:500])
    session.add(notification)
    return notification


def notifications_for(session: Session, member_id: int, limit: int = 100) -> list[Notification]:
    """The member's newest notifications first."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.member_id == member_id)
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
        )
        .order_by(ChangeClaim.id)
    )
    if author_id is not None:
        query = query.where(Review.author_id == author_id)
    due = list(session.scalars(query))
    for claim in due:
        review = claim.review
        notify(
            session,
            review.author_id,
            "change_claim_reminder",
            f"Was the change made? {review.supplier.name} said they made a change after "
            f"your review “{review.title}”. Tell others whether it happened.",
            review_link(review.id),
        )
        claim.reminded_at = at
    session.flush()
    return due
