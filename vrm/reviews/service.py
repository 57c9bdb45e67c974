"""The rules for reviews: posting, editing (every revision kept), withdrawing, marking
helpful and flagging.

There is deliberately no function that lets a supplier delete or hide a review: a supplier
may only flag one, and a flagged review stays public until a moderator decides.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vrm import markdown, signals
from vrm.activity.service import record
from vrm.clock import now
from vrm.errors import Conflict, DomainError, NotAllowed, NotFound
from vrm.members.models import Member
from vrm.representatives.policies import is_verified_representative
from vrm.reviews.drafts import ReviewDraft, validate_draft
from vrm.reviews.models import ASPECTS, HelpfulVote, Review, ReviewFlag, ReviewRevision
from vrm.reviews.queries import is_public_review, live_review_by, lock_review
from vrm.suppliers.models import Supplier

__all__ = [
    "AlreadyReviewed",
    "InvalidReview",
    "ReviewDraft",
    "edit_review",
    "flag_review",
    "mark_helpful",
    "post_review",
    "validate_draft",
    "withdraw_review",
]

log = logging.getLogger(__name__)

REASON_MIN, REASON_MAX = 5, 1000


class InvalidReview(DomainError):
    """One or more fields of a draft break the rules; ``errors`` maps field → message."""

    title = "Check your review"

    def __init__(self, errors: dict[str, str]) -> None:
        field, detail = next(iter(errors.items()))
        super().__init__(detail, field=field)
        self.errors = errors


class AlreadyReviewed(Conflict):
    """The member already has a live review of this supplier; they should edit it."""

    def __init__(self, review: Review) -> None:
        super().__init__(
            "You have already reviewed this supplier. Edit your review instead of writing another.",
            hint=f"Edit your review at /reviews/{review.id}/edit",
            field="rating",
        )
        self.review_id = review.id


def _checked(draft: ReviewDraft) -> ReviewDraft:
    errors = validate_draft(draft, now().date())
    if errors:
        raise InvalidReview(errors)
    return draft.cleaned()


def _content(draft: ReviewDraft) -> dict[str, Any]:
    """The columns a review and each of its revisions share."""
    values: dict[str, Any] = {
        "rating": draft.rating,
        "title": draft.title,
        "body": draft.body,
        "body_html": markdown.render(draft.body),
        "experienced_on": draft.experienced_on,
        "branch": draft.branch,
        "voice": draft.voice,
    }
    values.update({f"rating_{aspect}": getattr(draft, aspect) for aspect in ASPECTS})
    return values


def _revision(review: Review, number: int) -> ReviewRevision:
    shared = {key: getattr(review, key) for key in _content_keys()}
    return ReviewRevision(review_id=review.id, number=number, **shared)


def _content_keys() -> tuple[str, ...]:
    base = ("rating", "title", "body", "body_html", "experienced_on", "branch", "voice")
    return base + tuple(f"rating_{aspect}" for aspect in ASPECTS)


def _require_public_supplier(supplier: Supplier) -> None:
    if supplier.merged_into_id is not None:
        raise Conflict(
            "This supplier was merged into another entry; review that one instead.",
            hint="Follow the supplier's page to where it now lives.",
        )
    if not supplier.is_public:  # not merged (above), so removed
        raise NotFound("There is no such supplier on Parley.")


def post_review(
    session: Session, *, author: Member, supplier: Supplier, draft: ReviewDraft
) -> Review:
    """Write a member's review of a supplier with its first revision."""
    _require_public_supplier(supplier)
    require_independent(session, author, supplier)
    draft = _checked(draft)
    existing = live_review_by(session, author.id, supplier.id)
    if existing is not None:
        raise AlreadyReviewed(existing)
    review = Review(author_id=author.id, supplier_id=supplier.id, **_content(draft))
    try:
        # A savepoint, so a concurrent duplicate (the partial unique index) leaves the
        # outer transaction usable and nothing written.
        with session.begin_nested():
            session.add(review)
            session.flush()
    except IntegrityError:
        existing = live_review_by(session, author.id, supplier.id)
        if existing is None:
            raise
        raise AlreadyReviewed(existing) from None
    session.add(_revision(review, 1))
    session.flush()
    record(
        session,
        "review.posted",
        actor_id=author.id,
        supplier_id=supplier.id,
        review_id=review.id,
        rating=review.rating,
    )
    signals.review_posted.send(review, session=session)
    log.info("member %s reviewed supplier %s (review %s)", author.id, supplier.id, review.id)
    return review


def require_independent(session: Session, author: Member, supplier: Supplier) -> None:
    """A supplier's verified representatives do not review it: a score is what its
    customers and users say, and a representative answers them in public instead."""
    if is_verified_representative(session, author.id, supplier.id):
        raise NotAllowed(
            "You speak for this supplier, so you cannot review it. You can answer its reviews."
        )


def latest_revision(session: Session, review: Review) -> ReviewRevision:
    revision = session.scalar(
        select(ReviewRevision)
        .where(ReviewRevision.review_id == review.id)
        .order_by(ReviewRevision.number.desc())
        .limit(1)
    )
    assert revision is not None, "every review is written with its first revision"
    return revision


def _require_author(member: Member, review: Review, doing: str) -> None:
    if member.id != review.author_id:
        raise NotAllowed(f"Only the author of a review can {doing} it.")


def edit_review(session: Session, *, editor: Member, review: Review, draft: ReviewDraft) -> Review:
    """Save a new revision of a live review; nothing happens if nothing changed."""
    _require_author(editor, review, "edit")
    # Under the review's lock, so "is it live?" and "did anything change?" see what a
    # racing withdrawal, answer or second submission of this form committed. A double
    # submission thus finds its twin's revision and changes nothing (no duplicate number).
    lock_review(session, review.id)
    if review.status != "live":
        raise Conflict("This review was withdrawn, so it can no longer be edited.")
    values = _content(_checked(draft))
    if all(getattr(review, key) == value for key, value in values.items()):
        return review
    previous = latest_revision(session, review)
    for key, value in values.items():
        setattr(review, key, value)
    review.revision_count = previous.number + 1
    review.edited_at = now()
    session.add(_revision(review, review.revision_count))
    session.flush()
    record(
        session,
        "review.edited",
        actor_id=editor.id,
        supplier_id=review.supplier_id,
        review_id=review.id,
        revision=review.revision_count,
    )
    signals.review_edited.send(review, session=session, previous=previous)
    log.info(
        "member %s edited review %s (revision %s)", editor.id, review.id, review.revision_count
    )
    return review


def withdraw_review(session: Session, *, actor: Member, review: Review) -> Review:
    """Take a review off the public pages and out of the scores; the author keeps it."""
    _require_author(actor, review, "withdraw")
    lock_review(session, review.id)  # a second tab's withdrawal or edit finishes first
    if review.status != "live":
        raise Conflict("This review has already been withdrawn.")
    review.status = "withdrawn"
    review.withdrawn_at = now()
    session.flush()
    record(
        session,
        "review.withdrawn",
        actor_id=actor.id,
        supplier_id=review.supplier_id,
        review_id=review.id,
    )
    signals.review_withdrawn.send(review, session=session)
    log.info("member %s withdrew review %s", actor.id, review.id)
    return review


def _require_public(review: Review) -> None:
    if not is_public_review(review):
        raise NotFound("There is no such review on Parley.")


def mark_helpful(session: Session, *, member: Member, review: Review) -> Review:
    """Count the member's 'helpful' once. A second mark is refused with Conflict."""
    _require_public(review)
    if member.id == review.author_id:
        raise NotAllowed("You cannot mark your own review as helpful.")
    already = Conflict("You have already marked this review as helpful.")
    voted = select(func.count()).where(
        HelpfulVote.review_id == review.id, HelpfulVote.member_id == member.id
    )
    if session.scalar(voted):
        raise already
    try:
        with session.begin_nested():
            session.add(HelpfulVote(review_id=review.id, member_id=member.id))
            session.flush()
    except IntegrityError:
        raise already from None
    # Counted in SQL, so two members marking at once both count.
    review.helpful_count = Review.helpful_count + 1
    session.flush()
    session.refresh(review, ["helpful_count"])
    record(
        session,
        "review.marked_helpful",
        actor_id=member.id,
        supplier_id=review.supplier_id,
        review_id=review.id,
    )
    return review


def flag_review(
    session: Session,
    *,
    member: Member,
    review: Review,
    reason: str,
    on_behalf_of_supplier_id: int | None = None,
) -> ReviewFlag:
    """Store a report for moderators. The review stays exactly as public as it was."""
    _require_public(review)
    lock_review(session, review.id)  # two tabs: the second sees the first's open flag
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise DomainError(
            f"Say why in {REASON_MIN} to {REASON_MAX:,} characters.",
            field="reason",
        )
    if on_behalf_of_supplier_id is not None and (
        on_behalf_of_supplier_id != review.supplier_id
        or not is_verified_representative(session, member.id, on_behalf_of_supplier_id)
    ):
        raise NotAllowed(
            "Only a verified representative of the reviewed supplier can flag on its behalf.",
            hint="Flag it as yourself, or verify that you represent the supplier first.",
        )
    open_flag = select(func.count()).where(
        ReviewFlag.review_id == review.id,
        ReviewFlag.flagged_by_id == member.id,
        ReviewFlag.status == "open",
    )
    if session.scalar(open_flag):
        raise Conflict("You have already flagged this review; a moderator will look at it.")
    flag = ReviewFlag(
        review_id=review.id,
        flagged_by_id=member.id,
        on_behalf_of_supplier_id=on_behalf_of_supplier_id,
        reason=reason,
    )
    session.add(flag)
    session.flush()
    log.info("member %s flagged review %s", member.id, review.id)
    return flag
