"""Demo data for terms: alice and bob publish terms; a couple of suppliers accept some
clauses from everyone; alice proffers her terms to the first; carol speaks for it.

Call after vrm.demo.seed (members) and the supplier demo data: idempotent.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.members.models import Identity, Member
from vrm.representatives import service as representatives
from vrm.suppliers.models import RepresentativeClaim, Supplier
from vrm.terms import agreements, service
from vrm.terms.library import clause_version
from vrm.terms.models import Proffer, StandingAcceptance
from vrm.terms.seed import seed_library

DEMO_SUPPLIER_SLUGS = ("octopus-energy", "thames-water", "bt", "hmrc")
DEMO_TERMS: dict[str, dict[str, Any]] = {
    "alice": {
        "items": [
            {"clause": "parley:no-stalking", "version": 1},
            {"clause": "parley:no-third-parties", "version": 1},
            {
                "clause": "parley:retention-limit",
                "version": 1,
                "parameters": {"retention_days": 90},
            },
            {
                "clause": "parley:contact-channels",
                "version": 1,
                "parameters": {"contact_channels": ["email", "post"]},
            },
        ],
        "text": "I am happy to hear about **service changes**; nothing else, please.",
    },
    "bob": {
        "items": [
            {"clause": "parley:no-stalking", "version": 1},
            {"clause": "parley:human-review", "version": 1},
            {
                "clause": "parley:complaint-response",
                "version": 1,
                "parameters": {"response_days": 10},
            },
        ],
        "text": "",
    },
}
STANDING = ("parley:no-stalking", "parley:breach-notice", "parley:accessibility")


def _demo_member(session: Session, issuer: str, handle: str) -> Member | None:
    identity = session.scalar(
        select(Identity).where(Identity.issuer == issuer, Identity.subject == handle)
    )
    return identity.member if identity else None


def _demo_suppliers(session: Session, slugs: tuple[str, ...]) -> list[Supplier]:
    found = [s for s in session.scalars(select(Supplier).where(Supplier.slug.in_(slugs)))]
    if not found:  # whatever directory the demo has: its first two public suppliers
        found = list(
            session.scalars(
                select(Supplier).where(Supplier.is_public).order_by(Supplier.id).limit(2)
            )
        )
    return [s for s in found if s.is_public][:2]


def seed_terms_demo(
    session: Session, issuer: str, slugs: tuple[str, ...] = DEMO_SUPPLIER_SLUGS
) -> int:
    """Create what is missing; return how many records were created."""
    created = seed_library(session)
    for handle, spec in DEMO_TERMS.items():
        member = _demo_member(session, issuer, handle)
        if member is None or service.terms_of(session, member) is not None:
            continue
        service.save_draft(
            session, actor=member, member=member, items=spec["items"], text=spec["text"]
        )
        service.publish(session, actor=member, member=member)
        created += 1
    suppliers = _demo_suppliers(session, slugs)
    for supplier in suppliers:
        for identifier in STANDING[: 2 if supplier is suppliers[0] else 3]:
            version = clause_version(session, identifier, 1)
            if version is None or session.scalar(
                select(StandingAcceptance.id).where(
                    StandingAcceptance.supplier_id == supplier.id,
                    StandingAcceptance.clause_version_id == version.id,
                )
            ):
                continue
            session.add(StandingAcceptance(supplier_id=supplier.id, clause_version_id=version.id))
            created += 1
    if suppliers:
        created += _story(session, issuer, suppliers[0])
    session.flush()
    return created


def _story(session: Session, issuer: str, supplier: Supplier) -> int:
    """alice's terms wait at the first supplier, where carol is a verified representative."""
    created = 0
    alice = _demo_member(session, issuer, "alice")
    carol = _demo_member(session, issuer, "carol")
    mia = _demo_member(session, issuer, "mia")
    if (
        carol is not None
        and mia is not None
        and not session.scalar(
            select(RepresentativeClaim.id).where(
                RepresentativeClaim.member_id == carol.id,
                RepresentativeClaim.supplier_id == supplier.id,
            )
        )
    ):
        # Through the service, as a moderator would: the representatives log then tells
        # the same story as the supplier page's count. Verified from now, so the
        # back-dated demo reviews are history, not news for her inbox.
        claim = representatives.request_claim(
            session, member=carol, supplier=supplier, method="moderator"
        )
        representatives.approve_claim(session, moderator=mia, claim=claim, note="Demo data")
        created += 1
    if alice is not None and not session.scalar(
        select(Proffer.id).where(Proffer.member_id == alice.id, Proffer.supplier_id == supplier.id)
    ):
        agreements.proffer(session, member=alice, supplier=supplier)
        created += 1
    return created
