"""Signal handlers of this feature, connected once by the factory."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from vrm import signals
from vrm.members.models import Member
from vrm.reviews import export, service
from vrm.reviews.models import (
    ASPECTS,
    ChangeClaim,
    HelpfulVote,
    Review,
    ReviewFlag,
    ReviewMessage,
    ReviewRevision,
)
from vrm.suppliers.models import Supplier


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


def _at(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _thread_document(message: ReviewMessage, member_id: int) -> dict[str, Any]:
    """A message under the member's review. Others are named by role only: the supplier
    (its answers are public, under its name), never another member's handle."""
    by = "you" if message.author_id == member_id else "supplier" if message.as_supplier else None
    return {
        "by": by or "a former member",
        "body": message.body,
        "states_change_made": message.states_change_made,
        "created_at": _at(message.created_at),
    }


def _change_claim_document(claim: ChangeClaim) -> dict[str, Any]:
    return {
        "verdict": claim.verdict,
        "verdict_at": _at(claim.verdict_at),
        "remind_after": _at(claim.remind_after),
        "reminded_at": _at(claim.reminded_at),
        "created_at": _at(claim.created_at),
    }


def export_reviews(member: Member, *, session: Session, **_: Any) -> tuple[str, list[Any]]:
    """Every review the member wrote, withdrawn ones included, with every revision, the
    whole thread under it (the supplier's answers too) and the changes claimed in it.
    Moderators' decisions on them are in the moderation feature's section."""
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
        thread = session.scalars(
            select(ReviewMessage)
            .where(ReviewMessage.review_id == review.id)
            .order_by(ReviewMessage.id)
        )
        claims = session.scalars(
            select(ChangeClaim).where(ChangeClaim.review_id == review.id).order_by(ChangeClaim.id)
        )
        merged_from = review.merged_from_id and session.get(Supplier, review.merged_from_id)
        documents.append(
            {
                "id": review.id,
                "supplier": {"slug": review.supplier.slug, "name": review.supplier.name},
                "merged_from": merged_from.slug if merged_from else None,
                "status": review.status,
                "visibility": review.visibility,
                "visibility_reason": review.visibility_reason,
                "rating": review.rating,
                "aspects": {aspect: getattr(review, f"rating_{aspect}") for aspect in ASPECTS},
                "title": review.title,
                "body": review.body,
                "experienced_on": review.experienced_on.isoformat(),
                "branch": review.branch,
                "voice": review.voice,
                "created_at": review.created_at.isoformat(),
                "edited_at": _at(review.edited_at),
                "withdrawn_at": _at(review.withdrawn_at),
                "revision_count": review.revision_count,
                "helpful_count": review.helpful_count,
                "resolution": review.resolution,
                "resolution_at": _at(review.resolution_at),
                "first_answer_at": _at(review.first_answer_at),
                "revisions": [_revision_document(revision) for revision in revisions],
                "thread": [_thread_document(message, member.id) for message in thread],
                "change_claims": [_change_claim_document(claim) for claim in claims],
            }
        )
    return ("reviews", documents)


def move_reviews_of_merged_supplier(
    source: Supplier, *, session: Session, into: Supplier, **_: Any
) -> list[int]:
    """Every review of the merged-away supplier now belongs to ``into``, and so do flags
    raised on its behalf; returns the moved reviews' ids (for reputation and search).

    An author who reviewed both keeps both live: the moved one is marked as merged in
    (merged_from_id), which the one-live-review rule allows."""
    target_authors = set(
        session.scalars(
            select(Review.author_id).where(Review.supplier_id == into.id, Review.status == "live")
        )
    )
    moved: list[int] = []
    for review in session.scalars(select(Review).where(Review.supplier_id == source.id)):
        if review.status == "live" and review.author_id in target_authors:
            review.merged_from_id = source.id
        review.supplier = into
        moved.append(review.id)
    session.execute(
        update(ReviewFlag)
        .where(ReviewFlag.on_behalf_of_supplier_id == source.id)
        .values(on_behalf_of_supplier_id=into.id)
        .execution_options(synchronize_session="fetch")
    )
    return moved


def connect() -> None:
    """Connect this feature's handlers to the domain signals (idempotent: blinker keeps
    one connection per receiver)."""
    signals.member_erasing.connect(withdraw_reviews_of_erased_member, weak=False)
    signals.member_erasing_last.connect(delete_or_unlink_reviews, weak=False)
    signals.member_exporting.connect(export_reviews, weak=False)
    for section in export.SECTIONS:
        signals.member_exporting.connect(section, weak=False)
    signals.supplier_merging.connect(move_reviews_of_merged_supplier, weak=False)
