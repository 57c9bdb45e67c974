"""Reports that reviews break the rules, and what a moderator decides about them.

A flag leaves the review up; a moderator either hides the review (it leaves the public
pages, the scores and search, with the reason kept for its author) or dismisses the
flags. Either way every open flag on the review is closed, and the decision recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vrm import signals
from vrm.activity.service import record
from vrm.errors import Conflict, DomainError
from vrm.members.models import Member
from vrm.members.policies import require_moderator
from vrm.reviews.models import Review, ReviewFlag
from vrm.reviews.queries import lock_review

log = logging.getLogger(__name__)

REASON_MAX = 500
REFUSAL = "Only moderators decide on reported reviews."


@dataclass(frozen=True)
class FlaggedReview:
    review: Review
    flags: list[ReviewFlag]


def open_flags(session: Session) -> list[FlaggedReview]:
    """Reviews with open flags, the longest waiting first."""
    flags = session.scalars(
        select(ReviewFlag).where(ReviewFlag.status == "open").order_by(ReviewFlag.id)
    )
    grouped: dict[int, list[ReviewFlag]] = {}
    for flag in flags:
        grouped.setdefault(flag.review_id, []).append(flag)
    reviews = {
        review.id: review
        for review in session.scalars(select(Review).where(Review.id.in_(grouped)))
    }
    return [FlaggedReview(reviews[rid], found) for rid, found in grouped.items() if rid in reviews]


def hide_review(session: Session, *, moderator: Member, review: Review, reason: str) -> None:
    """Take a flagged review off the public pages, saying why."""
    require_moderator(moderator, REFUSAL)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise DomainError(f"Say why, in under {REASON_MAX} characters.", field="reason")
    lock_review(session, review.id)  # a racing edit or answer folds before or after, whole
    if review.visibility == "hidden":
        raise Conflict("This review is already hidden.")
    review.visibility = "hidden"
    review.visibility_reason = reason
    closed = _close_flags(session, review, "upheld")
    record(session, "review.hidden", actor_id=moderator.id, supplier_id=review.supplier_id,
           review_id=review.id, flags=closed)  # fmt: skip
    # The same consequences as a withdrawal: out of the scores and out of search.
    signals.review_withdrawn.send(review, session=session)
    log.info("moderator %s hid review %s", moderator.id, review.id)


def dismiss_flags(session: Session, *, moderator: Member, review: Review) -> None:
    """Keep the review up and close its open flags."""
    require_moderator(moderator, REFUSAL)
    closed = _close_flags(session, review, "dismissed")
    if not closed:
        raise Conflict("This review has no open reports.")
    record(session, "review.flags_dismissed", actor_id=moderator.id,
           supplier_id=review.supplier_id, review_id=review.id, flags=closed)  # fmt: skip


def _close_flags(session: Session, review: Review, status: str) -> int:
    result = session.execute(
        update(ReviewFlag)
        .where(ReviewFlag.review_id == review.id, ReviewFlag.status == "open")
        .values(status=status)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
