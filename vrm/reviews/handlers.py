"""Signal handlers of this feature, connected once by the factory."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from vrm import signals
from vrm.members.models import Member
from vrm.reviews import service
from vrm.reviews.models import ASPECTS, HelpfulVote, Review, ReviewFlag, ReviewRevision


def withdraw_reviews_of_erased_member(
    member: Member, *, session: Session, keep_reviews: bool = False, **_: Any
) -> None:
    """Unless they are kept, withdraw the member's live reviews through the service, so
    reputation and search see the withdrawals. Their reports (flags) on others' reviews
    and their helpful marks go either way, with the counts on those reviews kept true."""
    if not keep_reviews:
        live = session.scalars(
            select(Review).where(Review.author_id == member.id, Review.status == "live")
        )
        for review in list(live):
            service.withdraw_review(session, actor=member, review=review)
    voted = select(HelpfulVote.review_id).where(HelpfulVote.member_id == member.id)
    session.execute(
        update(Review)
        .where(Review.id.in_(voted))
        .values(helpful_count=Review.helpful_count - 1)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(HelpfulVote).where(HelpfulVote.member_id == member.id))
    session.execute(delete(ReviewFlag).where(ReviewFlag.flagged_by_id == member.id))


def delete_or_unlink_reviews(
    member: Member, *, session: Session, keep_reviews: bool = False, **_: Any
) -> None:
    """Delete the member's reviews (revisions, thread and verdicts go by ON DELETE
    CASCADE), or, when kept, empty the author column of the live ones: ratings, text
    and thread stay as a former member's. Reviews they had withdrawn go either way."""
    mine = Review.author_id == member.id
    gone = (mine & (Review.status != "live")) if keep_reviews else mine
    session.execute(delete(Review).where(gone).execution_options(synchronize_session=False))
    session.execute(
        update(Review)
        .where(mine)
        .values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()


def _revision_document(revision: ReviewRevision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "saved_at": revision.created_at.isoformat(),
        "rating": revision.rating,
        "aspects": {aspect: getattr(revision, f"rating_{aspect}") for aspect in ASPECTS},
        "title": revision.title,
        "body": revision.body,
        "experienced_on": revision.experienced_on.isoformat(),
        "branch": revision.branch,
        "voice": revision.voice,
    }


def export_reviews(member: Member, *, session: Session, **_: Any) -> tuple[str, list[Any]]:
    """Every review the member wrote, withdrawn ones included, with every revision."""
    reviews = session.scalars(
        select(Review).where(Review.author_id == member.id).order_by(Review.id)
    )
    documents = []
    for review in reviews:
        revisions = session.scalars(
            select(ReviewRevision)
            .where(ReviewRevision.review_id == review.id)
            .order_by(ReviewRevision.number)
        )
        documents.append(
            {
                "id": review.id,
                "supplier": {"slug": review.supplier.slug, "name": review.supplier.name},
                "status": review.status,
                "visibility": review.visibility,
                "created_at": review.created_at.isoformat(),
                "edited_at": review.edited_at.isoformat() if review.edited_at else None,
                "withdrawn_at": review.withdrawn_at.isoformat() if review.withdrawn_at else None,
                "helpful_count": review.helpful_count,
                "resolution": review.resolution,
                "revisions": [_revision_document(revision) for revision in revisions],
            }
        )
    return ("reviews", documents)


def connect() -> None:
    """Connect this feature's handlers to the domain signals (idempotent: blinker keeps
    one connection per receiver)."""
    signals.member_erasing.connect(withdraw_reviews_of_erased_member, weak=False)
    signals.member_erasing_last.connect(delete_or_unlink_reviews, weak=False)
    signals.member_exporting.connect(export_reviews, weak=False)
