"""Signal handlers of the terms feature, connected once by the factory.

Erasure removes the member's terms, every version, their proffers, their agreements (with
receipts) and their reports. The supplier keeps nothing naming the member; a receipt the
supplier downloaded still verifies, because signing keys are never deleted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.members.models import Member
from vrm.terms import export, queries, tally
from vrm.terms.models import Agreement, Proffer, Terms, TermsReport, TermsVersion
from vrm.terms.parley_party import on_terms_published


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export_terms(member: Member, *, session: Session, **_: Any) -> tuple[str, dict[str, Any]]:
    terms = queries.terms_for(session, member)
    return (
        "terms",
        {
            "status": terms.status if terms else None,
            "draft": terms.draft if terms else None,
            "created_at": _iso(terms.created_at) if terms else None,
            "updated_at": _iso(terms.updated_at) if terms else None,
            # The canonical bytes are the document serialised by RFC 8785: not repeated.
            "versions": [
                {
                    "number": v.number,
                    "sha256": v.sha256,
                    "document": v.document,
                    "created_at": v.created_at.isoformat(),
                }
                for v in (terms.versions if terms else [])
            ],
            "proffers": [
                {
                    "supplier": p.supplier.slug,
                    "version": p.terms_version.number,
                    "status": p.status,
                    "reason": p.reason,
                    "created_at": p.created_at.isoformat(),
                    "decided_at": p.decided_at.isoformat() if p.decided_at else None,
                }
                for p in queries.member_proffers(session, member.id)
            ],
            "agreements": [
                {
                    "supplier": a.supplier.slug,
                    "version": a.terms_version.number,
                    "sha256": a.sha256,
                    "accepted_at": a.accepted_at.isoformat(),
                    "receipt_id": a.receipt_id,
                    "receipt_jws": a.receipt_jws,
                    "clauses_accepted": a.clauses,
                    "clauses_declined": a.declined,
                    "reports": [
                        {
                            "clause": r.clause,
                            "kept": r.kept,
                            "account": r.account,
                            "created_at": r.created_at.isoformat(),
                            "answer": r.answer,
                            "answered_at": r.answered_at.isoformat() if r.answered_at else None,
                        }
                        for r in session.scalars(
                            select(TermsReport).where(TermsReport.agreement_id == a.id)
                        )
                    ],
                }
                for a in queries.member_agreements(session, member.id)
            ],
        },
    )


def erase_terms(member: Member, *, session: Session, **_: Any) -> None:
    asked = set(session.scalars(select(Proffer.supplier_id).where(Proffer.member_id == member.id)))
    agreement_ids = select(Agreement.id).where(Agreement.member_id == member.id)
    session.execute(delete(TermsReport).where(TermsReport.agreement_id.in_(agreement_ids)))
    session.execute(delete(Agreement).where(Agreement.member_id == member.id))
    session.execute(delete(Proffer).where(Proffer.member_id == member.id))
    terms_ids = select(Terms.id).where(Terms.member_id == member.id)
    session.execute(delete(TermsVersion).where(TermsVersion.terms_id.in_(terms_ids)))
    session.execute(delete(Terms).where(Terms.member_id == member.id))
    session.expire_all()
    tally.refresh(session, asked)  # the suppliers keep no count of what the member asked


def connect() -> None:
    """Connect this feature's handlers to the domain signals."""
    signals.member_exporting.connect(export_terms)
    for section in export.SECTIONS:
        signals.member_exporting.connect(section, weak=False)
    signals.member_erasing.connect(erase_terms)
    signals.terms_published.connect(on_terms_published)
