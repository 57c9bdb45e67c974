"""The representatives feature's parts of a member's export besides their claims
(vrm.representatives.handlers.export_claims): their notes to moderators, and the steps
they took on claims, their own and, as a moderator, others' (shown by supplier only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.members.models import Member
from vrm.suppliers.models import ClaimEvent, RepresentativeClaim, Supplier


def _at(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_representative_claim_notes(
    member: Member, *, session: Session, **_: Any
) -> tuple[str, list[dict[str, Any]]]:
    """What the member told the moderators (and the domain they named) with each claim;
    the claims' outcomes are in the representatives feature's own section."""
    rows = session.execute(
        select(RepresentativeClaim, Supplier.slug)
        .join(Supplier, RepresentativeClaim.supplier_id == Supplier.id)
        .where(
            RepresentativeClaim.member_id == member.id,
            (RepresentativeClaim.note.is_not(None)) | (RepresentativeClaim.domain.is_not(None)),
        )
        .order_by(RepresentativeClaim.id)
    )
    return "representative_claim_notes", [
        {
            "supplier": slug,
            "method": claim.method,
            "domain": claim.domain,
            "note": claim.note,
            "created_at": _at(claim.created_at),
        }
        for claim, slug in rows
    ]


def export_claim_events(
    member: Member, *, session: Session, **_: Any
) -> tuple[str, list[dict[str, Any]]]:
    """Steps the member took on representative claims: their own requests, and, as a
    moderator, approvals, refusals and revocations with the reasons they wrote."""
    rows = session.execute(
        select(ClaimEvent, Supplier.slug, RepresentativeClaim.member_id)
        .join(RepresentativeClaim, ClaimEvent.claim_id == RepresentativeClaim.id)
        .join(Supplier, RepresentativeClaim.supplier_id == Supplier.id)
        .where(ClaimEvent.actor_id == member.id)
        .order_by(ClaimEvent.id)
    )
    return "claim_events", [
        {
            "supplier": slug,
            "own_claim": claimant_id == member.id,
            "action": event.action,
            "detail": event.detail,
            "created_at": _at(event.created_at),
        }
        for event, slug, claimant_id in rows
    ]


SECTIONS = (export_representative_claim_notes, export_claim_events)
