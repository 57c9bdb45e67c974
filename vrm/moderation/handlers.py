"""Signal handlers of this feature, connected once by the factory."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.members.models import Member
from vrm.moderation.models import ModerationDecision
from vrm.reviews.models import Review


def _document(decision: ModerationDecision) -> dict[str, Any]:
    """One decision as the export writes it (the moderator is never named)."""
    return {
        "review_id": decision.review_id,
        "action": decision.action,
        "rule": decision.rule,
        "note": decision.note,
        "reports_closed": decision.reports,
        "supplier_reports_closed": decision.supplier_reports,
        "created_at": decision.created_at.isoformat(),
    }


def export_decisions(member: Member, *, session: Session, **_: Any) -> tuple[str, list[Any]]:
    """The decisions this member took as a moderator: they are records of the member's
    own acts, so they travel with the export (erasure leaves them, unnamed, for audit)."""
    decisions = session.scalars(
        select(ModerationDecision)
        .where(ModerationDecision.moderator_id == member.id)
        .order_by(ModerationDecision.id)
    )
    return (
        "moderation_decisions",
        [_document(decision) for decision in decisions],
    )


def export_decisions_about(member: Member, *, session: Session, **_: Any) -> tuple[str, list[Any]]:
    """Moderators' decisions on the member's reviews, with the rule and the note they
    wrote: what Parley decided about the member is theirs to see. The moderator is not
    named (another member), as on the public moderation log."""
    decisions = session.scalars(
        select(ModerationDecision)
        .join(Review, ModerationDecision.review_id == Review.id)
        .where(Review.author_id == member.id)
        .order_by(ModerationDecision.id)
    )
    return (
        "moderation_of_your_reviews",
        [_document(decision) for decision in decisions],
    )


def connect() -> None:
    """Connect this feature's handlers to the domain signals (idempotent)."""
    signals.member_exporting.connect(export_decisions, weak=False)
    signals.member_exporting.connect(export_decisions_about, weak=False)
