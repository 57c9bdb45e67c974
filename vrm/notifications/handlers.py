"""Signal handlers of this feature, connected once by the factory: who hears about what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.members.models import Member
from vrm.notifications.models import Notification, Watch
from vrm.notifications.service import forget_reviews, notify, review_link, watcher_ids
from vrm.reviews.models import Review, ReviewMessage
from vrm.suppliers.models import RepresentativeClaim, Supplier


def representative_ids(session: Session, supplier_id: int) -> set[int]:
    return set(
        session.scalars(
            select(RepresentativeClaim.member_id).where(
                RepresentativeClaim.supplier_id == supplier_id,
                RepresentativeClaim.status == "verified",
            )
        )
    )


def on_review_posted(review: Review, *, session: Session, **_: Any) -> None:
    """Representatives and watchers of the supplier hear of a new review; its author not."""
    audience = representative_ids(session, review.supplier_id) | watcher_ids(
        session, review.supplier_id
    )
    audience.discard(review.author_id)
    supplier = review.supplier
    for member_id in sorted(audience):
        notify(
            session,
            member_id,
            "review_posted",
            f"New review of {supplier.name}: “{review.title}” ({review.rating} out of 5).",
            review_link(review.id),
        )


def on_review_answered(message: ReviewMessage, *, session: Session, **_: Any) -> None:
    """The reviewer hears of an answer; the representatives hear of the reviewer's reply."""
    review = message.review
    supplier = review.supplier
    link = f"{review_link(review.id)}#message-{message.id}"
    if message.author_id != review.author_id:
        notify(
            session,
            review.author_id,
            "review_answered",
            f"{supplier.name} answered your review “{review.title}”.",
            link,
        )
    if not message.as_supplier:
        for member_id in sorted(representative_ids(session, review.supplier_id)):
            if member_id != message.author_id:
                notify(
                    session,
                    member_id,
                    "review_replied",
                    f"The reviewer replied on “{review.title}” ({supplier.name}).",
                    link,
                )


def on_representative_verified(claim: RepresentativeClaim, *, session: Session, **_: Any) -> None:
    notify(
        session,
        claim.member_id,
        "claim_verified",
        f"You now represent {claim.supplier.name} on Parley: you can answer its reviews.",
        f"/s/{claim.supplier.slug}/represent",
    )


def export_notifications(member: Member, *, session: Session, **_: Any) -> tuple[str, Any]:
    """What the member watches and the notifications Parley holds for them."""
    watched = session.scalars(
        select(Supplier.slug)
        .join(Watch, Watch.supplier_id == Supplier.id)
        .where(Watch.member_id == member.id)
        .order_by(Supplier.slug)
    )
    notes = session.scalars(
        select(Notification).where(Notification.member_id == member.id).order_by(Notification.id)
    )
    return (
        "notifications",
        {
            "watching": list(watched),
            "notifications": [
                {"kind": n.kind, "text": n.text, "link": n.link, "at": n.created_at.isoformat()}
                for n in notes
            ],
        },
    )


def forget_erased_members_reviews(
    member: Member, *, session: Session, keep_reviews: bool = False, **_: Any
) -> None:
    """Others' notifications about the member's reviews (new review, the reviewer's reply)
    quote their titles; they go before the reviews do, every one, withdrawn ones too
    (only those, when the member leaves their live reviews as a former member's)."""
    query = select(Review.id).where(Review.author_id == member.id)
    if keep_reviews:
        query = query.where(Review.status != "live")
    forget_reviews(session, list(session.scalars(query)))


def connect() -> None:
    """Connect this feature's handlers to the domain signals (idempotent)."""
    signals.review_posted.connect(on_review_posted, weak=False)
    signals.review_answered.connect(on_review_answered, weak=False)
    signals.representative_verified.connect(on_representative_verified, weak=False)
    signals.member_exporting.connect(export_notifications, weak=False)
    signals.member_erasing.connect(forget_erased_members_reviews, weak=False)
