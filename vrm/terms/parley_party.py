"""Parley as a party to its members' terms: a supplier row of its own, standing
acceptances for the clauses it always honours, and an answer to every published version.

When a member publishes terms, Parley accepts at once the clauses its stances
(vrm.terms.parley) honour and signs a receipt like any agreement, naming the clauses it
accepted and why it declined the rest; with nothing to accept, the proffer is declined
with the reasons. Members then report Parley, and read its "terms kept", as for any
supplier: the agreement and the supplier page are the ordinary ones.
"""

from __future__ import annotations

import logging
import uuid

from flask import has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.activity.service import record
from vrm.clock import now
from vrm.suppliers.models import Supplier
from vrm.suppliers.service import unique_slug
from vrm.terms import tally
from vrm.terms.library import clause_version
from vrm.terms.models import Agreement, Proffer, StandingAcceptance, TermsVersion
from vrm.terms.parley import decide, standing_clauses
from vrm.terms.receipts import build_receipt, sign_receipt
from vrm.upsert import insert_missing, insert_new_id

log = logging.getLogger(__name__)

REGISTER_KEY = "parley:self"
"""Parley's supplier row is found by this key, never by name or slug (both can clash)."""

SIGNED_BY = "parley"
"""Who accepted, in Parley's receipts: a reserved handle no member can take."""


def parley_supplier(session: Session) -> Supplier | None:
    return session.scalar(select(Supplier).where(Supplier.register_key == REGISTER_KEY))


def ensure_parley(session: Session) -> Supplier:
    """Parley's supplier row and its standing acceptances, made if missing (idempotent).
    Made by the first publication, not at install: /about/terms reads the stances from
    code, and a fresh install's first page view should find an untouched database."""
    supplier = parley_supplier(session) or _create_parley(session)
    versions = [clause_version(session, identifier, n) for identifier, n in standing_clauses()]
    insert_missing(
        session,
        StandingAcceptance,
        [
            {"supplier_id": supplier.id, "clause_version_id": version.id, "created_at": now()}
            for version in versions
            if version is not None
        ],
    )
    session.flush()
    return supplier


def _create_parley(session: Session) -> Supplier:
    """Parley's row, once: two members publishing their first terms at the same moment
    must not both insert it (the unique register key would fail the second, a 500). The
    database settles it; only the transaction that inserted it announces it."""
    new_id = insert_new_id(
        session,
        Supplier,
        {
            "slug": unique_slug(session, "Parley"),
            "name": "Parley",
            "kind": "business",
            "sector": "online-services",
            "description": "This site. Parley is a party to its members' terms like any "
            "supplier: see /about/terms.",
            "register_key": REGISTER_KEY,
            "visibility": "public",
            "created_at": now(),
        },
        conflict=["register_key"],
    )
    supplier = parley_supplier(session)
    assert supplier is not None, "inserted here, or committed by the transaction that did"
    if new_id is not None:
        record(session, "supplier.created", supplier_id=supplier.id, name=supplier.name)
        signals.supplier_created.send(supplier, session=session, actor=None)
    return supplier


def _terms_uri(version: TermsVersion) -> str:
    handle, number = version.terms.member.handle, version.number
    if has_request_context():
        return url_for("terms.version_json", handle=handle, number=number, _external=True)
    return f"/members/{handle}/terms/v/{number}.json"


def answer_terms(session: Session, version: TermsVersion) -> Agreement | Proffer:
    """Parley's answer to a newly published version: an agreement for the clauses it
    honours (with a signed receipt), or a declined proffer when it honours none."""
    parley = ensure_parley(session)
    member = version.terms.member
    offer = session.scalar(
        select(Proffer).where(
            Proffer.supplier_id == parley.id, Proffer.terms_version_id == version.id
        )
    )
    if offer is None:  # publish re-proffers to suppliers that had accepted: Parley too
        offer = Proffer(member_id=member.id, supplier_id=parley.id, terms_version=version)
        session.add(offer)
    decision = decide(version.document)
    decided_at = now().replace(microsecond=0)
    offer.decided_at = decided_at
    if not decision.accepted:
        offer.status = "declined"
        offer.reason = " ".join(decision.declined.values())[:1000]
        session.flush()
        tally.refresh(session, [parley.id])
        record(session, "terms.declined", supplier_id=parley.id)
        signals.proffer_declined.send(offer, session=session)
        return offer
    offer.status = "accepted"
    session.flush()
    receipt_id = str(uuid.uuid4())
    accepted, declined = list(decision.accepted), dict(decision.declined)
    receipt = build_receipt(
        receipt_id=receipt_id,
        issued_at=decided_at.isoformat().replace("+00:00", "Z"),
        member_handle=member.handle,
        supplier_name=parley.name,
        supplier_slug=parley.slug,
        terms_uri=_terms_uri(version),
        terms_version=version.number,
        terms_sha256=version.sha256,
        accepted_by=SIGNED_BY,
        accepted_clauses=accepted,
        declined_clauses=declined,
    )
    agreement = Agreement(
        member_id=member.id,
        supplier_id=parley.id,
        terms_version=version,
        proffer_id=offer.id,
        sha256=version.sha256,
        accepted_at=decided_at,
        receipt_id=receipt_id,
        receipt_jws=sign_receipt(session, receipt),
        clauses=accepted,
        declined=declined,
    )
    session.add(agreement)
    session.flush()
    tally.refresh(session, [parley.id])
    # Public activity without the member, as for any supplier's acceptance.
    record(session, "terms.accepted", supplier_id=parley.id)
    signals.agreement_made.send(agreement, session=session)
    log.info("Parley accepted %d clauses of terms version %s", len(accepted), version.id)
    return agreement


def on_terms_published(version: TermsVersion, *, session: Session, **_: object) -> None:
    answer_terms(session, version)
