"""The rules for representative claims: asking, proving, approving, refusing and revoking.

A claim is proved one of three ways (``METHODS``). Every change writes a ClaimEvent (the
public log of grants and revocations reads those) and an activity record; a verified
claim sends ``signals.representative_verified``. How a proof is checked lives in
``verification.py``; this module only decides what a result means for the claim.
"""

from __future__ import annotations

import logging
import secrets

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.activity.service import record
from vrm.clock import now
from vrm.db import end_transaction
from vrm.errors import Conflict, DomainError, NotAllowed
from vrm.identity.flow import VerifiedSignIn
from vrm.members.models import Member
from vrm.members.policies import require_moderator
from vrm.representatives import verification
from vrm.settings import Settings
from vrm.suppliers.models import ClaimEvent, RepresentativeClaim, Supplier

log = logging.getLogger(__name__)

METHODS = ("domain", "email", "moderator")
REASON_MAX = 500
NOTE_MAX = 1000
OPEN_STATUSES = ("pending", "verified")


def open_claim(session: Session, member_id: int, supplier_id: int) -> RepresentativeClaim | None:
    """The member's pending or verified claim for this supplier, if any (at most one)."""
    return session.scalar(
        select(RepresentativeClaim).where(
            RepresentativeClaim.member_id == member_id,
            RepresentativeClaim.supplier_id == supplier_id,
            RepresentativeClaim.status.in_(OPEN_STATUSES),
        )
    )


def request_claim(
    session: Session, *, member: Member, supplier: Supplier, method: str, note: str = ""
) -> RepresentativeClaim:
    """Open a pending claim to speak for ``supplier``, to be proved by ``method``."""
    if method not in METHODS:
        raise DomainError("Choose how you will prove you represent them.", field="method")
    if not supplier.is_public:
        raise DomainError("This supplier is no longer listed, so it cannot be claimed.")
    existing = open_claim(session, member.id, supplier.id)
    if existing is not None:
        if existing.status == "verified":
            raise Conflict(f"You already represent {supplier.name}.")
        raise Conflict(
            f"You already have a pending claim for {supplier.name}.",
            hint="Finish it, or withdraw it first to try another way.",
        )
    domain = (supplier.website_domain or "").strip().lower() or None
    if method in ("domain", "email") and domain is None:
        raise DomainError(
            f"{supplier.name} has no website domain on Parley, so this way of proving "
            "cannot work. Ask a moderator to approve your claim instead.",
            field="method",
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"Keep the note under {NOTE_MAX} characters.", field="note")
    claim = RepresentativeClaim(
        supplier=supplier,
        member=member,
        method=method,
        status="pending",
        domain=domain if method != "moderator" else None,
        token=secrets.token_urlsafe(24) if method == "domain" else None,
        note=note or None,
    )
    session.add(claim)
    session.flush()
    _log(session, claim, actor=member, action="requested", detail=f"by {method}")
    return claim


def check_domain_claim(
    session: Session,
    claim: RepresentativeClaim,
    *,
    http: requests.Session,
    allow_loopback: bool,
    actor: Member | None = None,
) -> RepresentativeClaim:
    """Fetch the claim's verification file; verify the claim if it holds the token.

    Any failure raises a DomainError saying what was wrong and leaves the claim pending.
    The fetch happens outside any transaction (the site's owner may answer slowly); the
    claim is then read again under the write lock, in case it changed meanwhile.
    """
    if actor is not None and actor.id != claim.member_id:
        raise NotAllowed("Only the member who made this claim can check it.")
    domain, token = _awaiting_domain_check(claim)
    url = verification.verification_url(domain, allow_loopback)
    end_transaction(session)
    verification.fetch_and_check(http, url, domain, token)
    session.refresh(claim, with_for_update=True)
    session.refresh(claim.supplier)
    if _awaiting_domain_check(claim) != (domain, token):
        raise Conflict("This claim changed while its file was being fetched. Check it again.")
    return _verify(session, claim, actor=claim.member, detail=f"token found at {url}")


def _awaiting_domain_check(claim: RepresentativeClaim) -> tuple[str, str]:
    """The domain and token a pending domain claim waits on; a DomainError otherwise."""
    if claim.status != "pending" or claim.method != "domain" or not claim.token:
        raise Conflict("This claim is not waiting for a domain check.")
    current = (claim.supplier.website_domain or "").strip().lower()
    if not claim.domain or current != claim.domain:
        raise DomainError(
            f"{claim.supplier.name}'s website domain has changed since you asked for the "
            "token. Withdraw this claim and start again.",
        )
    return claim.domain, claim.token


def verify_by_email(
    session: Session,
    claim: RepresentativeClaim,
    *,
    issuer: str,
    email: str | None,
    email_verified: object,
    trusted_issuers: set[str] | frozenset[str],
) -> RepresentativeClaim:
    """Verify a pending email claim when a trusted issuer vouches for an address at the
    supplier's domain; otherwise raise a DomainError saying which condition failed."""
    if claim.status != "pending" or claim.method != "email":
        raise Conflict("This claim is not waiting for an email proof.")
    problem = verification.email_proof_problem(
        domain=claim.domain or "",
        issuer=issuer,
        email=email,
        email_verified=email_verified,
        trusted_issuers=trusted_issuers,
    )
    if problem:
        raise DomainError(problem)
    domain = (email or "").rsplit("@", 1)[-1].lower()
    return _verify(session, claim, actor=claim.member, detail=f"verified email at {domain}")


def trusted_email_issuers(settings: Settings) -> frozenset[str]:
    """The issuers of providers the operator marked trusted_for_email."""
    return frozenset(p.issuer for p in settings.providers if p.trusted_for_email)


def finish_email_verification(
    session: Session, member: Member, verified: VerifiedSignIn, settings: Settings
) -> RepresentativeClaim:
    """Finish a "verify_email" sign-in: verify the member's pending email claim whose
    supplier domain matches the address the provider vouched for."""
    pending = list(
        session.scalars(
            select(RepresentativeClaim)
            .where(
                RepresentativeClaim.member_id == member.id,
                RepresentativeClaim.method == "email",
                RepresentativeClaim.status == "pending",
            )
            .order_by(RepresentativeClaim.id.desc())
        )
    )
    if not pending:
        raise DomainError("You have no claim waiting for an email proof.")
    email = verified.claims.get("email")
    email_domain = str(email or "").rsplit("@", 1)[-1].lower()
    matching = [c for c in pending if verification.domain_matches(email_domain, c.domain or "")]
    return verify_by_email(
        session,
        (matching or pending)[0],
        issuer=verified.issuer,
        email=email,
        email_verified=verified.claims.get("email_verified"),
        trusted_issuers=trusted_email_issuers(settings),
    )


def approve_claim(
    session: Session, *, moderator: Member, claim: RepresentativeClaim, note: str = ""
) -> RepresentativeClaim:
    """A moderator verifies a pending claim."""
    _require_moderator(moderator)
    if claim.status != "pending":
        raise Conflict("Only a pending claim can be approved.")
    detail = f"approved by a moderator (asked by {claim.method})"
    if note.strip():
        detail += f": {note.strip()}"
    return _verify(session, claim, actor=moderator, detail=_clip(detail))


def reject_claim(
    session: Session, *, moderator: Member, claim: RepresentativeClaim, reason: str
) -> RepresentativeClaim:
    """A moderator refuses a pending claim, saying why."""
    _require_moderator(moderator)
    if claim.status != "pending":
        raise Conflict("Only a pending claim can be rejected.")
    reason = _reason(reason)
    claim.status = "rejected"
    _log(session, claim, actor=moderator, action="rejected", detail=reason)
    return claim


def revoke_claim(
    session: Session, *, actor: Member, claim: RepresentativeClaim, reason: str
) -> RepresentativeClaim:
    """The representative themself, or a moderator, ends a pending or verified claim."""
    if actor.id != claim.member_id and not actor.is_moderator:
        raise NotAllowed("Only the representative or a moderator can revoke this claim.")
    if claim.status not in OPEN_STATUSES:
        raise Conflict(f"This claim is already {claim.status}.")
    reason = _reason(reason)
    claim.status = "revoked"
    claim.revoked_at = now()
    _log(session, claim, actor=actor, action="revoked", detail=reason)
    log.info("claim %s revoked by member %s", claim.id, actor.id)
    return claim


def _verify(
    session: Session, claim: RepresentativeClaim, *, actor: Member, detail: str
) -> RepresentativeClaim:
    claim.status = "verified"
    claim.verified_at = now()
    _log(session, claim, actor=actor, action="verified", detail=detail)
    log.info("claim %s verified (%s)", claim.id, detail)
    signals.representative_verified.send(claim, session=session)
    return claim


def _log(
    session: Session, claim: RepresentativeClaim, *, actor: Member, action: str, detail: str
) -> None:
    session.add(ClaimEvent(claim_id=claim.id, actor_id=actor.id, action=action, detail=detail))
    record(
        session,
        f"claim_{action}",
        actor_id=actor.id,
        supplier_id=claim.supplier_id,
        claim_id=claim.id,
        method=claim.method,
    )
    session.flush()


def _require_moderator(member: Member) -> None:
    require_moderator(member, "Only moderators can decide claims.")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why, in a few words.", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"Keep the reason under {REASON_MAX} characters.", field="reason")
    return reason


def _clip(text: str) -> str:
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"
