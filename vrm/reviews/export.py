"""The reviews feature's parts of a member's export besides their reviews
(vrm.reviews.handlers.export_reviews): what they wrote in review threads, their verdicts
on change claims, their helpful marks and their flags.

Nothing here names another member: a flag or a message shows the supplier, never the
person whose review it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from vrm.members.models import Member
from vrm.reviews.models import ChangeClaim, HelpfulVote, Review, ReviewFlag, ReviewMessage
from vrm.suppliers.models import Supplier


def _at(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _under_reviews(session: Session, model: Any, *where: Any) -> Any:
    """(row, supplier slug) for rows of MODEL that hang off a review, oldest first."""
    return session.execute(
        select(model, Supplier.slug)
        .join(Review, model.review_id == Review.id)
        .join(Supplier, Review.supplier_id == Supplier.id)
        .where(*where)
        .order_by(model.id)
    )


def export_review_thread(
    member: Member, *, session: Session, **_: Any
) -> tuple[str, list[dict[str, Any]]]:
    """Messages the member wrote under reviews: replies as the reviewer, and answers they
    gave as a supplier's representative (shown publicly under the supplier's name)."""
    rows = _under_reviews(session, ReviewMessage, ReviewMessage.author_id == member.id)
    return "review_thread", [
        {
            "review": message.review_id,
            "supplier": slug,
            "as_supplier": message.as_supplier,
            "body": message.body,
            "states_change_made": message.states_change_made,
            "created_at": _at(message.created_at),
        }
        for message, slug in rows
    ]


def export_change_claim_verdicts(
    member: Member, *, session: Session, **_: Any
) -> tuple[str, list[dict[str, Any]]]:
    """The member's yes/no on each change a supplier said it made after their review. The
    claim has no member column: only a review's author may give its verdict."""
    rows = _under_reviews(
        session, ChangeClaim, Review.author_id == member.id, ChangeClaim.verdict.is_not(None)
    )
    return "change_claim_verdicts", [
        {
            "review": claim.review_id,
            "supplier": slug,
            "verdict": claim.verdict,
            "answered_at": _at(claim.verdict_at),
        }
        for claim, slug in rows
    ]


def export_helpful_votes(
    member: Member, *, session: Session, **_: Any
) -> tuple[str, list[dict[str, Any]]]:
    rows = _under_reviews(session, HelpfulVote, HelpfulVote.member_id == member.id)
    return "helpful_votes", [
        {"review": vote.review_id, "supplier": slug, "created_at": _at(vote.created_at)}
        for vote, slug in rows
    ]


def export_review_flags(
    member: Member, *, session: Session, **_: Any
) -> tuple[str, list[dict[str, Any]]]:
    on_behalf = aliased(Supplier)
    rows = session.execute(
        select(ReviewFlag, Supplier.slug, on_behalf.slug)
        .join(Review, ReviewFlag.review_id == Review.id)
        .join(Supplier, Review.supplier_id == Supplier.id)
        .outerjoin(on_behalf, ReviewFlag.on_behalf_of_supplier_id == on_behalf.id)
        .where(ReviewFlag.flagged_by_id == member.id)
        .order_by(ReviewFlag.id)
    )
    return "review_flags", [
        {
            "review": flag.review_id,
            "supplier": slug,
            "on_behalf_of": behalf_slug,
            "reason": flag.reason,
            "status": flag.status,
            "created_at": _at(flag.created_at),
        }
        for flag, slug, behalf_slug in rows
    ]


SECTIONS = (
    export_review_thread,
    export_change_claim_verdicts,
    export_helpful_votes,
    export_review_flags,
)
