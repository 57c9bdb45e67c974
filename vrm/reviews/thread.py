"""The public thread under a review: the supplier's answers, the reviewer's replies, the
reviewer's verdict on the matter (resolved or not) and on any change the supplier claims.

Only a verified representative of the review's own supplier writes as the supplier; only
the review's author replies as the reviewer, marks the resolution and judges a change
claim. Threads exist only under public reviews.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import markdown, signals
from vrm.activity.service import record
from vrm.clock import now
from vrm.errors import Conflict, DomainError, NotAllowed
from vrm.members.models import Member
from vrm.representatives.policies import is_verified_representative, represented_supplier_ids
from vrm.reviews.models import ChangeClaim, Review, ReviewMessage
from vrm.reviews.queries import lock_review

log = logging.getLogger(__name__)

BODY_MAX = 10_000
REMIND_AFTER = dt.timedelta(days=21)


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError("Write your message.", field="body")
    if len(body) > BODY_MAX:
        raise DomainError(
            f"Keep your message under {BODY_MAX:,} characters (it has {len(body):,}).",
            field="body",
        )
    return body


def _require_public(review: Review) -> None:
    if not review.is_public:
        raise DomainError("This review is no longer public, so its thread is closed.")


def _add_message(
    session: Session, *, author: Member, review: Review, body: str, as_supplier: bool, **extra: Any
) -> ReviewMessage:
    message = ReviewMessage(
        review=review,
        author_id=author.id,
        as_supplier=as_supplier,
        body=body,
        body_html=markdown.render(body),
        **extra,
    )
    session.add(message)
    if as_supplier and review.first_answer_at is None:
        review.first_answer_at = now()
    session.flush()
    record(
        session,
        "review_answered" if as_supplier else "review_replied",
        actor_id=author.id,
        supplier_id=review.supplier_id,
        review_id=review.id,
        message_id=message.id,
    )
    signals.review_answered.send(message, session=session)
    return message


def answer_review(
    session: Session,
    *,
    representative: Member,
    review: Review,
    body: str,
    states_change_made: bool = False,
) -> ReviewMessage:
    """A verified representative of the review's supplier answers it in public, under the
    supplier's name; optionally stating that a change was made because of the review."""
    lock_review(session, review.id)  # first_answer_at is set once, from the current row
    _require_public(review)
    if not is_verified_representative(session, representative.id, review.supplier_id):
        raise NotAllowed(f"Only a verified representative of {review.supplier.name} can answer.")
    if representative.id == review.author_id:
        raise NotAllowed("You wrote this review, so you cannot answer it for the supplier.")
    body = _clean_body(body)
    message = _add_message(
        session,
        author=representative,
        review=review,
        body=body,
        as_supplier=True,
        states_change_made=bool(states_change_made),
    )
    if states_change_made:
        session.add(
            ChangeClaim(review=review, message_id=message.id, remind_after=now() + REMIND_AFTER)
        )
        session.flush()
    log.info("member %s answered review %s for its supplier", representative.id, review.id)
    return message


def reply_to_thread(
    session: Session, *, member: Member, review: Review, body: str
) -> ReviewMessage:
    """The reviewer replies, or a verified representative answers again; nobody else."""
    lock_review(session, review.id)
    _require_public(review)
    if member.id != review.author_id:
        if is_verified_representative(session, member.id, review.supplier_id):
            return answer_review(session, representative=member, review=review, body=body)
        raise NotAllowed("Only the reviewer and the supplier's representatives write here.")
    if not review.messages:
        raise DomainError("You can reply once the supplier has answered.")
    return _add_message(
        session, author=member, review=review, body=_clean_body(body), as_supplier=False
    )


def mark_resolution(session: Session, *, member: Member, review: Review, resolved: bool) -> Review:
    """The reviewer says whether the matter is resolved (and may change their mind)."""
    lock_review(session, review.id)
    _require_public(review)
    if member.id != review.author_id:
        raise NotAllowed("Only the person who wrote the review can say whether it is resolved.")
    review.resolution = "resolved" if resolved else "not_resolved"
    review.resolution_at = now()
    session.flush()
    record(
        session,
        "review_resolution_marked",
        actor_id=member.id,
        supplier_id=review.supplier_id,
        review_id=review.id,
        resolution=review.resolution,
    )
    signals.review_resolution_marked.send(review, session=session)
    return review


def answer_change_claim(
    session: Session, *, member: Member, claim: ChangeClaim, confirmed: bool
) -> ChangeClaim:
    """The reviewer confirms or denies the supplier's stated change, once."""
    review = claim.review
    if member.id != review.author_id:
        raise NotAllowed("Only the person who wrote the review can confirm or deny this.")
    # A claim changes only under its review's lock; re-read it there, so of two tabs
    # answering at once the second is told it was answered (409), not counted twice.
    lock_review(session, review.id)
    session.refresh(claim)
    _require_public(review)
    if claim.verdict is not None:
        raise Conflict("You have already answered this.")
    claim.verdict = "confirmed" if confirmed else "denied"
    claim.verdict_at = now()
    session.flush()
    record(
        session,
        "change_claim_answered",
        actor_id=member.id,
        supplier_id=review.supplier_id,
        review_id=review.id,
        verdict=claim.verdict,
    )
    signals.change_claim_answered.send(claim, session=session)
    return claim


# ---- Read side: what templates/reviews/_thread.html shows ----


@dataclass(frozen=True)
class ThreadMessage:
    id: int
    display_name: str
    as_supplier: bool
    body_html: str
    created_at: dt.datetime
    states_change_made: bool
    change_verdict: str | None  # "confirmed" | "denied" | None (not answered yet)


@dataclass(frozen=True)
class Thread:
    review_id: int
    messages: list[ThreadMessage]
    pending_change_claims: list[int]  # ChangeClaim ids the viewer (the author) may judge
    resolution: str | None
    can_answer: bool
    can_reply: bool
    can_mark_resolution: bool


def thread_context(session: Session, reviews: Sequence[Review], viewer: Any) -> dict[int, Thread]:
    """Per review id, what templates/reviews/_thread.html needs to show its thread."""
    if not reviews:
        return {}
    viewer_id = (
        int(viewer.id)
        if viewer is not None and getattr(viewer, "is_authenticated", False)
        else None
    )
    represented = represented_supplier_ids(session, viewer_id)
    ids = [review.id for review in reviews]
    messages: dict[int, list[ReviewMessage]] = {i: [] for i in ids}
    for message in session.scalars(
        select(ReviewMessage).where(ReviewMessage.review_id.in_(ids)).order_by(ReviewMessage.id)
    ):
        messages[message.review_id].append(message)
    claims_by_message: dict[int, ChangeClaim] = {
        claim.message_id: claim
        for claim in session.scalars(select(ChangeClaim).where(ChangeClaim.review_id.in_(ids)))
    }
    threads = {}
    for review in reviews:
        is_author = viewer_id is not None and viewer_id == review.author_id
        public = review.is_public
        shown = [_message_view(m, review, claims_by_message.get(m.id)) for m in messages[review.id]]
        pending = [
            claims_by_message[m.id].id
            for m in messages[review.id]
            if m.id in claims_by_message and claims_by_message[m.id].verdict is None
        ]
        threads[review.id] = Thread(
            review_id=review.id,
            messages=shown,
            pending_change_claims=pending if is_author and public else [],
            resolution=review.resolution,
            can_answer=public and review.supplier_id in represented and not is_author,
            can_reply=public and is_author and bool(shown),
            can_mark_resolution=public and is_author,
        )
    return threads


def _message_view(
    message: ReviewMessage, review: Review, claim: ChangeClaim | None
) -> ThreadMessage:
    if message.as_supplier:
        name = f"{review.supplier.name} (representative)"
    elif message.author is not None:
        name = message.author.handle
    else:
        name = "A former member"
    return ThreadMessage(
        id=message.id,
        display_name=name,
        as_supplier=message.as_supplier,
        body_html=message.body_html,
        created_at=message.created_at,
        states_change_made=message.states_change_made,
        change_verdict=claim.verdict if claim is not None else None,
    )
