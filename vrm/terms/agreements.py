"""Proffers, acceptances with signed receipts, declines, and standing acceptances.

Every decision on a supplier's behalf asks vrm.representatives.policies; an Agreement is
made only for the exact, current version that was proffered, once.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.activity.service import record
from vrm.clock import now
from vrm.errors import Conflict, DomainError, NotAllowed
from vrm.members.models import Member
from vrm.representatives.policies import is_verified_representative
from vrm.suppliers.models import Supplier
from vrm.terms import tally
from vrm.terms.models import Agreement, ClauseVersion, Proffer, StandingAcceptance
from vrm.terms.receipts import build_receipt, sign_receipt
from vrm.terms.service import locked_terms

log = logging.getLogger(__name__)

MAX_REASON = 1000


def _require_representative(session: Session, actor: Member, supplier_id: int) -> None:
    if not is_verified_representative(session, actor.id, supplier_id):
        raise NotAllowed("Only a verified representative of this supplier can do that.")


def proffer(session: Session, *, member: Member, supplier: Supplier) -> Proffer:
    """Offer the member's current published version to a supplier."""
    terms = locked_terms(session, member)  # a double submission finds the first proffer
    current = terms.current if terms else None
    if current is None:
        raise Conflict(
            "You have no published terms to proffer.",
            hint="Publish your terms first (or publish them again if you withdrew them).",
        )
    if not supplier.is_public:
        raise Conflict("This supplier is not listed any more.")
    existing = session.scalar(
        select(Proffer).where(
            Proffer.supplier_id == supplier.id, Proffer.terms_version_id == current.id
        )
    )
    if existing is not None:
        raise Conflict(
            f"You already proffered version {current.number} to {supplier.name} "
            f"({existing.status})."
        )
    offer = Proffer(member_id=member.id, supplier_id=supplier.id, terms_version=current)
    session.add(offer)
    session.flush()
    tally.refresh(session, [supplier.id])
    # Public activity without the member: who proffers to whom is private.
    record(session, "terms.proffered", supplier_id=supplier.id)
    signals.terms_proffered.send(offer, session=session)
    log.info("member %s proffered terms v%s to supplier %s", member.id, current.number, supplier.id)
    return offer


def _require_decidable(proffer: Proffer) -> None:
    """Only a pending proffer of the member's version in force can be decided."""
    if proffer.status == "accepted":
        raise Conflict("This terms version was already accepted; there is one agreement.")
    if proffer.status == "superseded" or (
        proffer.terms_version.terms.current is not proffer.terms_version
    ):
        raise Conflict(
            "The member has published a newer version (or withdrew their terms); "
            "this one can no longer be accepted.",
            hint="Look for the newest version among the pending proffers.",
        )
    if proffer.status != "pending":
        raise Conflict(f"This proffer was already {proffer.status}.")


def accept(session: Session, *, actor: Member, proffer: Proffer, terms_uri: str) -> Agreement:
    """Accept exactly the proffered version for the supplier, and sign a receipt."""
    _require_representative(session, actor, proffer.supplier_id)
    _require_decidable(proffer)
    version = proffer.terms_version
    if session.scalar(
        select(Agreement.id).where(
            Agreement.supplier_id == proffer.supplier_id,
            Agreement.terms_version_id == version.id,
        )
    ):
        raise Conflict("This supplier already accepted this terms version.")
    accepted_at = now().replace(microsecond=0)
    receipt_id = str(uuid.uuid4())
    receipt = build_receipt(
        receipt_id=receipt_id,
        issued_at=accepted_at.isoformat().replace("+00:00", "Z"),
        member_handle=proffer.member.handle,
        supplier_name=proffer.supplier.name,
        supplier_slug=proffer.supplier.slug,
        terms_uri=terms_uri,
        terms_version=version.number,
        terms_sha256=version.sha256,
        accepted_by=actor.handle,
    )
    agreement = Agreement(
        member_id=proffer.member_id,
        supplier_id=proffer.supplier_id,
        terms_version=version,
        proffer_id=proffer.id,
        sha256=version.sha256,
        accepted_by_id=actor.id,
        accepted_at=accepted_at,
        receipt_id=receipt_id,
        receipt_jws=sign_receipt(session, receipt),
    )
    proffer.status = "accepted"
    proffer.decided_at = accepted_at
    proffer.decided_by_id = actor.id
    session.add(agreement)
    session.flush()
    tally.refresh(session, [proffer.supplier_id])
    record(session, "terms.accepted", actor_id=actor.id, supplier_id=proffer.supplier_id)
    signals.agreement_made.send(agreement, session=session)
    log.info("supplier %s accepted proffer %s (by %s)", proffer.supplier_id, proffer.id, actor.id)
    return agreement


def decline(session: Session, *, actor: Member, proffer: Proffer, reason: str) -> Proffer:
    """Decline with a reason the member will read."""
    _require_representative(session, actor, proffer.supplier_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise DomainError(
            f"Give the member a reason, up to {MAX_REASON} characters.", field="reason"
        )
    _require_decidable(proffer)
    proffer.status = "declined"
    proffer.reason = reason
    proffer.decided_at = now()
    proffer.decided_by_id = actor.id
    session.flush()
    tally.refresh(session, [proffer.supplier_id])
    record(session, "terms.declined", actor_id=actor.id, supplier_id=proffer.supplier_id)
    signals.proffer_declined.send(proffer, session=session)
    return proffer


def declare_standing(
    session: Session, *, actor: Member, supplier: Supplier, clause_version: ClauseVersion
) -> StandingAcceptance:
    """The supplier accepts this clause version from every member, publicly."""
    _require_representative(session, actor, supplier.id)
    if session.scalar(
        select(StandingAcceptance.id).where(
            StandingAcceptance.supplier_id == supplier.id,
            StandingAcceptance.clause_version_id == clause_version.id,
        )
    ):
        raise Conflict("This supplier already accepts that clause version from everyone.")
    standing = StandingAcceptance(
        supplier_id=supplier.id, clause_version_id=clause_version.id, declared_by_id=actor.id
    )
    session.add(standing)
    session.flush()
    record(
        session,
        "terms.standing_declared",
        actor_id=actor.id,
        supplier_id=supplier.id,
        clause=clause_version.clause.identifier,
        version=clause_version.version,
    )
    return standing


def withdraw_standing(session: Session, *, actor: Member, standing: StandingAcceptance) -> None:
    """Stop accepting a clause from everyone (agreements already made are unaffected)."""
    _require_representative(session, actor, standing.supplier_id)
    version = standing.clause_version
    session.delete(standing)
    session.flush()
    record(
        session,
        "terms.standing_withdrawn",
        actor_id=actor.id,
        supplier_id=standing.supplier_id,
        clause=version.clause.identifier,
        version=version.version,
    )
