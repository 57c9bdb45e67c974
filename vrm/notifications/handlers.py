"""Signal handlers of this feature, connected once by the factory: who hears about what."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.members.models import Member
from vrm.notifications.models import Notification
from vrm.notifications.service import notify
from vrm.reviews.models import Review, ReviewMessage
from vrm.suppliers.models import RepresentativeClaim, Supplier
from vrm.terms.queries import clause_titles
from vrm.watch.queries import every_review_audience


def representative_ids(
    session: Session, supplier_id: int, at: dt.datetime | None = None
) -> set[int]:
    """The supplier's verified representatives; with AT, only those verified by then, so a
    new representative starts with an empty inbox rather than the supplier's history."""
    query = select(RepresentativeClaim.member_id).where(
        RepresentativeClaim.supplier_id == supplier_id,
        RepresentativeClaim.status == "verified",
    )
    if at is not None:
        query = query.where(
            or_(RepresentativeClaim.verified_at.is_(None), RepresentativeClaim.verified_at <= at)
        )
    return set(session.scalars(query))


def on_review_posted(review: Review, *, session: Session, **_: Any) -> None:
    """Representatives of the supplier, and whoever watches (for every new review) the
    supplier, its sector, its area or a search it matches, hear of a new review; its
    author not. Each hears once, however many of their watches cover it."""
    audience = representative_ids(session, review.supplier_id, review.created_at)
    audience |= every_review_audience(session, review.id, review.supplier)
    audience.discard(review.author_id)
    supplier = review.supplier
    for member_id in sorted(audience):
        notify(
            session,
            member_id,
            "review_posted",
            f"New review of {supplier.name}: “{review.title}” ({review.rating} out of 5).",
            review_id=review.id,
        )


def on_review_answered(message: ReviewMessage, *, session: Session, **_: Any) -> None:
    """The reviewer hears of an answer; the representatives hear of the reviewer's reply."""
    review = message.review
    supplier = review.supplier
    about = {"review_id": review.id, "message_id": message.id}
    # author_id is None when a former member left the review: nobody to tell.
    if review.author_id is not None and message.author_id != review.author_id:
        notify(
            session,
            review.author_id,
            "review_answered",
            f"{supplier.name} answered your review “{review.title}”.",
            **about,
        )
    if not message.as_supplier:
        for member_id in sorted(
            representative_ids(session, review.supplier_id, message.created_at)
        ):
            if member_id != message.author_id:
                notify(
                    session,
                    member_id,
                    "review_replied",
                    f"The reviewer replied on “{review.title}” ({supplier.name}).",
                    **about,
                )


def on_representative_verified(claim: RepresentativeClaim, *, session: Session, **_: Any) -> None:
    notify(
        session,
        claim.member_id,
        "claim_verified",
        f"You now represent {claim.supplier.name} on Parley: you can answer its reviews.",
        supplier_id=claim.supplier_id,
    )


def on_terms_proffered(proffer: Any, *, session: Session, **_: Any) -> None:
    """Representatives hear that terms wait for them (not who proffered: that is private
    until they open the proffers page, which only they can)."""
    supplier = proffer.supplier
    for member_id in sorted(representative_ids(session, supplier.id, proffer.created_at)):
        notify(
            session,
            member_id,
            "terms_proffered",
            f"A member proffered their terms to {supplier.name}: accept or decline them.",
            supplier_id=supplier.id,
        )


def on_agreement_made(agreement: Any, *, session: Session, **_: Any) -> None:
    """The member hears that the supplier accepted their terms (or, Parley, which of
    their clauses, the agreement page saying why not the others)."""
    number = agreement.terms_version.number
    what = f"version {number} of your terms"
    if agreement.clauses is not None:
        asked = len(agreement.terms_version.document.get("clauses", []))
        what = f"{len(agreement.clauses)} of the {asked} clauses of version {number} of your terms"
    notify(
        session,
        agreement.member_id,
        "terms_accepted",
        f"{agreement.supplier.name} accepted {what}. Your signed receipt is ready.",
        agreement_id=agreement.id,
    )


def on_proffer_declined(proffer: Any, *, session: Session, **_: Any) -> None:
    """The member hears that the supplier declined their terms, and why."""
    notify(
        session,
        proffer.member_id,
        "terms_declined",
        f"{proffer.supplier.name} declined version {proffer.terms_version.number} of your "
        f"terms: “{proffer.reason}”",
    )


def on_terms_report_filed(report: Any, *, session: Session, **_: Any) -> None:
    """Representatives hear of a report that their terms were broken, to answer it."""
    if report.kept:
        return
    supplier = session.get(Supplier, report.supplier_id)
    if supplier is None:
        return
    title = clause_titles(session).get(report.clause, report.clause)
    for member_id in sorted(representative_ids(session, supplier.id, report.created_at)):
        notify(
            session,
            member_id,
            "terms_broken",
            f"A member reports that {supplier.name} broke their terms: “{title}”.",
            supplier_id=supplier.id,
            report_id=report.id,
        )


def _about(note: Notification) -> dict[str, int]:
    """The ids of the rows a notification names (its link is built from them)."""
    columns = ("review_id", "message_id", "supplier_id", "agreement_id", "report_id")
    return {c.removesuffix("_id"): getattr(note, c) for c in columns if getattr(note, c)}


def export_notifications(member: Member, *, session: Session, **_: Any) -> tuple[str, Any]:
    """The notifications Parley holds for the member (their watches: vrm/watch)."""
    notes = session.scalars(
        select(Notification).where(Notification.member_id == member.id).order_by(Notification.id)
    )
    return (
        "notifications",
        {
            "notifications": [
                {
                    "kind": n.kind,
                    "text": n.text,
                    "about": _about(n),
                    "at": n.created_at.isoformat(),
                    "read_at": n.read_at.isoformat() if n.read_at else None,
                }
                for n in notes
            ],
        },
    )


def connect() -> None:
    """Connect this feature's handlers to the domain signals (idempotent)."""
    signals.review_posted.connect(on_review_posted, weak=False)
    signals.review_answered.connect(on_review_answered, weak=False)
    signals.representative_verified.connect(on_representative_verified, weak=False)
    signals.terms_proffered.connect(on_terms_proffered, weak=False)
    signals.agreement_made.connect(on_agreement_made, weak=False)
    signals.proffer_declined.connect(on_proffer_declined, weak=False)
    signals.terms_report_filed.connect(on_terms_report_filed, weak=False)
    signals.member_exporting.connect(export_notifications, weak=False)
