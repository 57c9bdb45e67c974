"""The terms feature's parts of a member's export besides their own terms
(vrm.terms.handlers.export_terms): library clauses they wrote as a moderator, and what
they decided for a supplier they represent. Nothing identifies the member whose terms or
report it was: that is theirs to export, not this one's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.members.models import Member
from vrm.suppliers.models import Supplier
from vrm.terms.models import (
    Agreement,
    Clause,
    ClauseVersion,
    Proffer,
    StandingAcceptance,
    TermsReport,
)


def _at(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_terms_library(
    member: Member, *, session: Session, **_: Any
) -> tuple[str, dict[str, Any]]:
    """Library clauses the member (a moderator) added, and each wording they published."""
    clauses = session.scalars(
        select(Clause).where(Clause.created_by_id == member.id).order_by(Clause.id)
    )
    versions = session.scalars(
        select(ClauseVersion)
        .where(ClauseVersion.published_by_id == member.id)
        .order_by(ClauseVersion.id)
    )
    return "terms_library", {
        "clauses_created": [
            {"clause": c.identifier, "created_at": _at(c.created_at)} for c in clauses
        ],
        "versions_published": [
            {
                "clause": v.clause.identifier,
                "version": v.version,
                "title": v.title,
                "text": v.text,
                "category": v.category,
                "parameters": v.parameters,
                "standard": v.standard,
                "published_at": _at(v.published_at),
            }
            for v in versions
        ],
    }


def export_terms_decisions(
    member: Member, *, session: Session, **_: Any
) -> tuple[str, dict[str, Any]]:
    """What the member decided for a supplier they represent: terms offered to it, clauses
    it accepts from everyone, answers to reports. Nothing identifies the member whose terms
    or report it was (no handle, hash or receipt): that is theirs to export, not this one's."""
    decided = session.execute(
        select(Proffer, Supplier.slug)
        .join(Supplier, Proffer.supplier_id == Supplier.id)
        .where(Proffer.decided_by_id == member.id)
        .order_by(Proffer.id)
    )
    accepted = session.execute(
        select(Agreement, Supplier.slug)
        .join(Supplier, Agreement.supplier_id == Supplier.id)
        .where(Agreement.accepted_by_id == member.id)
        .order_by(Agreement.id)
    )
    standing = session.execute(
        select(StandingAcceptance, Supplier.slug, Clause.identifier, ClauseVersion.version)
        .join(Supplier, StandingAcceptance.supplier_id == Supplier.id)
        .join(ClauseVersion, StandingAcceptance.clause_version_id == ClauseVersion.id)
        .join(Clause, ClauseVersion.clause_id == Clause.id)
        .where(StandingAcceptance.declared_by_id == member.id)
        .order_by(StandingAcceptance.id)
    )
    answers = session.execute(
        select(TermsReport, Supplier.slug)
        .join(Supplier, TermsReport.supplier_id == Supplier.id)
        .where(TermsReport.answered_by_id == member.id)
        .order_by(TermsReport.id)
    )
    return "terms_decisions", {
        "proffers_decided": [
            {
                "supplier": slug,
                "status": proffer.status,
                "reason": proffer.reason,
                "decided_at": _at(proffer.decided_at),
            }
            for proffer, slug in decided
        ],
        "agreements_accepted": [
            {"supplier": slug, "accepted_at": _at(agreement.accepted_at)}
            for agreement, slug in accepted
        ],
        "standing_acceptances": [
            {
                "supplier": slug,
                "clause": identifier,
                "version": version,
                "created_at": _at(row.created_at),
            }
            for row, slug, identifier, version in standing
        ],
        "report_answers": [
            {
                "supplier": slug,
                "clause": report.clause,
                "answer": report.answer,
                "answered_at": _at(report.answered_at),
            }
            for report, slug in answers
        ],
    }


SECTIONS = (export_terms_library, export_terms_decisions)
