"""Signal handlers of this feature, connected once by the factory."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.members.models import Member
from vrm.representatives import export
from vrm.suppliers.models import ClaimEvent, RepresentativeClaim


def export_claims(member: Member, *, session: Session, **_: Any) -> tuple[str, list[Any]]:
    """The member's claims to represent suppliers, whatever became of them, with every
    step taken on them: a moderator's refusal or revocation and the reason written.
    (The verification token is a secret between Parley and the domain: not exported.)"""
    claims = session.scalars(
        select(RepresentativeClaim)
        .where(RepresentativeClaim.member_id == member.id)
        .order_by(RepresentativeClaim.id)
    )
    return (
        "representative_claims",
        [
            {
                "supplier": claim.supplier.slug,
                "method": claim.method,
                "status": claim.status,
                "domain": claim.domain,
                "note": claim.note,
                "created_at": claim.created_at.isoformat(),
                "verified_at": claim.verified_at.isoformat() if claim.verified_at else None,
                "revoked_at": claim.revoked_at.isoformat() if claim.revoked_at else None,
                "history": [
                    {
                        "by": "you" if event.actor_id == member.id else "a moderator",
                        "action": event.action,
                        "detail": event.detail,
                        "created_at": event.created_at.isoformat(),
                    }
                    for event in session.scalars(
                        select(ClaimEvent)
                        .where(ClaimEvent.claim_id == claim.id)
                        .order_by(ClaimEvent.id)
                    )
                ],
            }
            for claim in claims
        ],
    )


def connect() -> None:
    """Connect this feature's handlers to the domain signals (idempotent)."""
    signals.member_exporting.connect(export_claims, weak=False)
    for section in export.SECTIONS:
        signals.member_exporting.connect(section, weak=False)
