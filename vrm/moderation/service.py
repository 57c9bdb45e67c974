"""Reports that reviews break the rules, and what a moderator decides about them.

A report leaves the review up; a moderator either hides the review (it leaves the
scores and search, and its page becomes a tombstone that says when, under which rule
and by whom — the role, never the name) or dismisses the reports. A hidden review can be
restored. Each decision cites a published rule (vrm.moderation.rules), is kept in
``moderation_decision`` and is added to the month's tally in the same statement-sized
upsert, so the transparency page reads counts and never adds up the log.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from vrm import signals
from vrm.activity.service import record
from vrm.clock import now
from vrm.errors import Conflict, DomainError
from vrm.members.models import Member
from vrm.members.policies import require_moderator
from vrm.moderation.models import ModerationDecision, ModerationTally
from vrm.moderation.rules import BY_CODE
from vrm.reviews.models import Review, ReviewFlag
from vrm.reviews.queries import lock_review
from vrm.upsert import add_to_counters

log = logging.getLogger(__name__)

NOTE_MAX = 500
REFUSAL = "Only moderators decide on reported reviews."
QUEUE_MAX = 50  # reviews per page of the queue, the longest waiting first


@dataclass(frozen=True)
class FlaggedReview:
    review: Review
    flags: list[ReviewFlag]


def open_flags(session: Session, limit: int = QUEUE_MAX) -> list[FlaggedReview]:
    """Reviews with open flags, the longest waiting first (at most LIMIT reviews)."""
    waiting = (
        select(ReviewFlag.review_id)
        .where(ReviewFlag.status == "open")
        .group_by(ReviewFlag.review_id)
        .order_by(func.min(ReviewFlag.id))
        .limit(limit)
    )
    review_ids = list(session.scalars(waiting))
    flags = session.scalars(
        select(ReviewFlag)
        .where(ReviewFlag.status == "open", ReviewFlag.review_id.in_(review_ids))
        .order_by(ReviewFlag.id)
    )
    grouped: dict[int, list[ReviewFlag]] = {rid: [] for rid in review_ids}
    for flag in flags:
        grouped[flag.review_id].append(flag)
    reviews = {r.id: r for r in session.scalars(select(Review).where(Review.id.in_(review_ids)))}
    return [FlaggedReview(reviews[rid], found) for rid, found in grouped.items() if rid in reviews]


def open_flag_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(ReviewFlag.status == "open")) or 0


def _rule(code: str, *, hides: bool) -> str:
    rule = BY_CODE.get(code or "")
    if rule is None or rule.hides != hides:
        wanted = "hiding" if hides else "keeping"
        raise DomainError(f"Choose one of the published rules for {wanted} a review.", field="rule")
    return rule.code


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"Keep the note to its author under {NOTE_MAX} characters.", field="note")
    return note or None


def hide_review(
    session: Session, *, moderator: Member, review: Review, rule: str, note: str | None = None
) -> ModerationDecision:
    """Take a review off the public pages under a published rule; its URL stays, as a
    tombstone."""
    require_moderator(moderator, REFUSAL)
    code, note = _rule(rule, hides=True), _note(note)
    lock_review(session, review.id)  # a racing edit or answer folds before or after, whole
    if review.status != "live":
        raise Conflict("Its author withdrew this review.")
    if review.visibility == "hidden":
        raise Conflict("This review is already hidden.")
    review.visibility = "hidden"
    review.visibility_reason = note
    decision = _decide(session, moderator, review, "hidden", code, note, "upheld")
    # The same consequences as a withdrawal: out of the scores and out of search.
    signals.review_withdrawn.send(review, session=session)
    return decision


def restore_review(
    session: Session, *, moderator: Member, review: Review, rule: str, note: str | None = None
) -> ModerationDecision:
    """Put a hidden review back: into the scores and search again, the decision logged."""
    require_moderator(moderator, REFUSAL)
    code, note = _rule(rule, hides=False), _note(note)
    lock_review(session, review.id)
    if review.status != "live" or review.visibility != "hidden":
        raise Conflict("This review is not hidden.")
    review.visibility = "public"
    review.visibility_reason = None
    decision = _decide(session, moderator, review, "restored", code, note, "dismissed")
    signals.review_restored.send(review, session=session)
    return decision


def dismiss_flags(
    session: Session,
    *,
    moderator: Member,
    review: Review,
    rule: str = "within-the-rules",
    note: str | None = None,
) -> ModerationDecision:
    """Keep the review up and close its open reports, citing the rule it keeps to."""
    require_moderator(moderator, REFUSAL)
    code, note = _rule(rule, hides=False), _note(note)
    lock_review(session, review.id)
    decision = _decide(session, moderator, review, "dismissed", code, note, "dismissed")
    if not decision.reports:
        raise Conflict("This review has no open reports.")
    return decision


def _decide(
    session: Session,
    moderator: Member,
    review: Review,
    action: str,
    rule: str,
    note: str | None,
    flag_status: str,
) -> ModerationDecision:
    reports, supplier_reports = _close_flags(session, review, flag_status)
    decision = ModerationDecision(
        review_id=review.id,
        action=action,
        rule=rule,
        note=note,
        moderator_id=moderator.id,
        reports=reports,
        supplier_reports=supplier_reports,
        created_at=now(),
    )
    session.add(decision)
    add_to_counters(
        session,
        ModerationTally,
        {"month": month_of(decision.created_at), "action": action, "rule": rule},
        {"n": 1},
    )
    session.flush()
    record(session, f"review.{action}", actor_id=moderator.id, supplier_id=review.supplier_id,
           review_id=review.id, rule=rule, flags=reports)  # fmt: skip
    log.info("moderator %s: review %s %s (%s)", moderator.id, review.id, action, rule)
    return decision


def month_of(moment: dt.datetime) -> dt.date:
    return dt.date(moment.year, moment.month, 1)


def _close_flags(session: Session, review: Review, status: str) -> tuple[int, int]:
    """Close the review's open reports; how many, and how many were the supplier's."""
    open_ = (ReviewFlag.review_id == review.id, ReviewFlag.status == "open")
    supplier_reports = session.scalar(
        select(func.count()).where(*open_, ReviewFlag.on_behalf_of_supplier_id.is_not(None))
    )
    result = session.execute(
        update(ReviewFlag)
        .where(*open_)
        .values(status=status)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0), int(supplier_reports or 0)  # type: ignore[attr-defined]
