"""The parts of a member's export that no feature's own export handler gives: what they
wrote in review threads, their verdicts, votes and flags, their notes on representative
claims, and what they did as a representative or a moderator.

Each section is a plain read of the rows that name the member (or, for change-claim
verdicts, of rows that hang off their reviews). Nothing here names another member: a
decision the member took on someone else's request shows the supplier, never the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from vrm.activity.models import ActivityEvent
from vrm.reviews.models import ChangeClaim, HelpfulVote, Review, ReviewFlag, ReviewMessage
from vrm.suppliers.models import ClaimEvent, RepresentativeClaim, Supplier
from vrm.terms.models import (
    Agreement,
    Clause,
    ClauseVersion,
    Proffer,
    StandingAcceptance,
    TermsReport,
)

Section = Callable[[Session, int], Any]


def _at(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _under_reviews(session: Session, model: Any, *where: Any) -> Any:
    """(row, supplier slug) for rows of MODEL that hang off a review, oldest first."""
    return session.execute(
        select(model, Supplier.slug)
        .join(Review, model.review_id == Review.id)
        .join(Supplier, Review.supplier_id == Supplier.id)
        .where(*where)
        .order_by(model.id)
    )


def review_thread(session: Session, member_id: int) -> list[dict[str, Any]]:
    """Messages the member wrote under reviews: replies as the reviewer, and answers they
    gave as a supplier's representative (shown publicly under the supplier's name)."""
    rows = _under_reviews(session, ReviewMessage, ReviewMessage.author_id == member_id)
    return [
        {
            "review": message.review_id,
            "supplier": slug,
            "as_supplier": message.as_supplier,
            "body": message.body,
            "states_change_made": message.states_change_made,
            "created_at": _at(message.created_at),
        }
        for message, slug in rows
    ]


def change_claim_verdicts(session: Session, member_id: int) -> list[dict[str, Any]]:
    """The member's yes/no on each change a supplier said it made after their review. The
    claim has no member column: only a review's author may give its verdict."""
    rows = _under_reviews(
        session, ChangeClaim, Review.author_id == member_id, ChangeClaim.verdict.is_not(None)
    )
    return [
        {
            "review": claim.review_id,
            "supplier": slug,
            "verdict": claim.verdict,
            "answered_at": _at(claim.verdict_at),
        }
        for claim, slug in rows
    ]


def helpful_votes(session: Session, member_id: int) -> list[dict[str, Any]]:
    rows = _under_reviews(session, HelpfulVote, HelpfulVote.member_id == member_id)
    return [
        {"review": vote.review_id, "supplier": slug, "created_at": _at(vote.created_at)}
        for vote, slug in rows
    ]


def review_flags(session: Session, member_id: int) -> list[dict[str, Any]]:
    on_behalf = aliased(Supplier)
    rows = session.execute(
        select(ReviewFlag, Supplier.slug, on_behalf.slug)
        .join(Review, ReviewFlag.review_id == Review.id)
        .join(Supplier, Review.supplier_id == Supplier.id)
        .outerjoin(on_behalf, ReviewFlag.on_behalf_of_supplier_id == on_behalf.id)
        .where(ReviewFlag.flagged_by_id == member_id)
        .order_by(ReviewFlag.id)
    )
    return [
        {
            "review": flag.review_id,
            "supplier": slug,
            "on_behalf_of": behalf_slug,
            "reason": flag.reason,
            "status": flag.status,
            "created_at": _at(flag.created_at),
        }
        for flag, slug, behalf_slug in rows
    ]


def representative_claim_notes(session: Session, member_id: int) -> list[dict[str, Any]]:
    """What the member told the moderators (and the domain they named) with each claim;
    the claims' outcomes are in the representatives feature's own section."""
    rows = session.execute(
        select(RepresentativeClaim, Supplier.slug)
        .join(Supplier, RepresentativeClaim.supplier_id == Supplier.id)
        .where(
            RepresentativeClaim.member_id == member_id,
            (RepresentativeClaim.note.is_not(None)) | (RepresentativeClaim.domain.is_not(None)),
        )
        .order_by(RepresentativeClaim.id)
    )
    return [
        {
            "supplier": slug,
            "method": claim.method,
            "domain": claim.domain,
            "note": claim.note,
            "created_at": _at(claim.created_at),
        }
        for claim, slug in rows
    ]


def claim_events(session: Session, member_id: int) -> list[dict[str, Any]]:
    """Steps the member took on representative claims: their own requests, and, as a
    moderator, approvals, refusals and revocations with the reasons they wrote."""
    rows = session.execute(
        select(ClaimEvent, Supplier.slug, RepresentativeClaim.member_id)
        .join(RepresentativeClaim, ClaimEvent.claim_id == RepresentativeClaim.id)
        .join(Supplier, RepresentativeClaim.supplier_id == Supplier.id)
        .where(ClaimEvent.actor_id == member_id)
        .order_by(ClaimEvent.id)
    )
    return [
        {
            "supplier": slug,
            "own_claim": claimant_id == member_id,
            "action": event.action,
            "detail": event.detail,
            "created_at": _at(event.created_at),
        }
        for event, slug, claimant_id in rows
    ]


def suppliers_added(session: Session, member_id: int) -> list[dict[str, Any]]:
    suppliers = session.scalars(
        select(Supplier).where(Supplier.created_by_id == member_id).order_by(Supplier.id)
    )
    return [{"slug": s.slug, "name": s.name, "created_at": _at(s.created_at)} for s in suppliers]


def activity(session: Session, member_id: int) -> list[dict[str, Any]]:
    """The log of what the member did on Parley, as the activity feature recorded it."""
    rows = session.execute(
        select(ActivityEvent, Supplier.slug)
        .outerjoin(Supplier, ActivityEvent.supplier_id == Supplier.id)
        .where(ActivityEvent.actor_id == member_id)
        .order_by(ActivityEvent.id)
    )
    return [
        {
            "kind": event.kind,
            "supplier": slug,
            "review": event.review_id,
            "details": event.payload,
            "at": _at(event.created_at),
        }
        for event, slug in rows
    ]


def terms_library(session: Session, member_id: int) -> dict[str, Any]:
    """Library clauses the member (a moderator) added, and each wording they published."""
    clauses = session.scalars(
        select(Clause).where(Clause.created_by_id == member_id).order_by(Clause.id)
    )
    versions = session.scalars(
        select(ClauseVersion)
        .where(ClauseVersion.published_by_id == member_id)
        .order_by(ClauseVersion.id)
    )
    return {
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


def terms_decisions(session: Session, member_id: int) -> dict[str, Any]:
    """What the member decided for a supplier they represent: terms offered to it, clauses
    it accepts from everyone, answers to reports. Nothing identifies the member whose terms
    or report it was (no handle, hash or receipt): that is theirs to export, not this one's."""
    decided = session.execute(
        select(Proffer, Supplier.slug)
        .join(Supplier, Proffer.supplier_id == Supplier.id)
        .where(Proffer.decided_by_id == member_id)
        .order_by(Proffer.id)
    )
    accepted = session.execute(
        select(Agreement, Supplier.slug)
        .join(Supplier, Agreement.supplier_id == Supplier.id)
        .where(Agreement.accepted_by_id == member_id)
        .order_by(Agreement.id)
    )
    standing = session.execute(
        select(StandingAcceptance, Supplier.slug, Clause.identifier, ClauseVersion.version)
        .join(Supplier, StandingAcceptance.supplier_id == Supplier.id)
        .join(ClauseVersion, StandingAcceptance.clause_version_id == ClauseVersion.id)
        .join(Clause, ClauseVersion.clause_id == Clause.id)
        .where(StandingAcceptance.declared_by_id == member_id)
        .order_by(StandingAcceptance.id)
    )
    answers = session.execute(
        select(TermsReport, Supplier.slug)
        .join(Supplier, TermsReport.supplier_id == Supplier.id)
        .where(TermsReport.answered_by_id == member_id)
        .order_by(TermsReport.id)
    )
    return {
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


SECTIONS: dict[str, Section] = {
    "review_thread": review_thread,
    "change_claim_verdicts": change_claim_verdicts,
    "helpful_votes": helpful_votes,
    "review_flags": review_flags,
    "representative_claim_notes": representative_claim_notes,
    "claim_events": claim_events,
    "suppliers_added": suppliers_added,
    "activity": activity,
    "terms_library": terms_library,
    "terms_decisions": terms_decisions,
}


def authored_sections(session: Session, member_id: int) -> dict[str, Any]:
    return {name: section(session, member_id) for name, section in SECTIONS.items()}
