"""Read side of terms: pages, tallies, registers, and what other features ask.

Public functions other features call:
- ``supplier_terms_context(session, supplier, viewer) -> dict`` (_supplier_terms.html)
- ``terms_kept_counts(session, supplier_id) -> (kept, broken)`` (reputation)
- ``current_version(session, member) -> TermsVersion | None`` (profile partial)
- ``proffer_counts(session, supplier_ids) -> {id: counts}`` (compare, open data)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from vrm.errors import NotAllowed, NotFound
from vrm.members.models import Member
from vrm.representatives.policies import is_verified_representative
from vrm.reputation.scoring import share
from vrm.suppliers.models import Supplier
from vrm.suppliers.sectors import sector_name
from vrm.terms import tally
from vrm.terms.models import (
    Agreement,
    Clause,
    ClauseVersion,
    Proffer,
    StandingAcceptance,
    Terms,
    TermsReport,
    TermsVersion,
)

DECIDED = ("pending", "accepted", "declined")


def member_by_handle(session: Session, handle: str) -> Member:
    member = session.scalar(select(Member).where(Member.handle == handle.lower()))
    if member is None:
        raise NotFound("There is no member with that handle.")
    return member


def terms_for(session: Session, member: Member) -> Terms | None:
    return session.scalar(select(Terms).where(Terms.member_id == member.id))


def current_version(session: Session, member: Member) -> TermsVersion | None:
    terms = terms_for(session, member)
    return terms.current if terms else None


def version_of(session: Session, member: Member, number: int) -> TermsVersion:
    version = session.scalar(
        select(TermsVersion)
        .join(Terms)
        .where(Terms.member_id == member.id, TermsVersion.number == number)
    )
    if version is None:
        raise NotFound(f"{member.handle} has published no version {number} of their terms.")
    return version


def library(session: Session) -> list[Clause]:
    query = select(Clause).options(selectinload(Clause.versions)).order_by(Clause.identifier)
    return list(session.scalars(query))


def clause_versions_by_key(session: Session, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The ClauseVersion each terms item names, keyed "identifier@version"."""
    found: dict[str, Any] = {}
    for item in items:
        version = session.scalar(
            select(ClauseVersion)
            .join(Clause)
            .where(Clause.identifier == item["clause"], ClauseVersion.version == item["version"])
        )
        found[f"{item['clause']}@{item['version']}"] = version
    return found


def clause_tally(session: Session, supplier_id: int) -> list[dict[str, Any]]:
    """Per clause: how many members asked for it, and how many of those were accepted,
    declined, or are waiting. Counts only; never who. Kept on write (vrm.terms.tally)."""
    titles = clause_titles(session)
    return [
        {
            "clause": row.clause,
            "title": titles.get(row.clause, row.clause),
            "proffered": row.proffered,
            "accepted": row.accepted,
            "declined": row.declined,
            "waiting": row.waiting,
        }
        for row in tally.stored(session, supplier_id)
    ]


def clause_titles(session: Session) -> dict[str, str]:
    """Each library clause's current title by identifier: pages show titles, not ids."""
    newest = (
        select(ClauseVersion.clause_id, func.max(ClauseVersion.version).label("version"))
        .group_by(ClauseVersion.clause_id)
        .subquery()
    )
    rows = session.execute(
        select(Clause.identifier, ClauseVersion.title)
        .join(ClauseVersion, ClauseVersion.clause_id == Clause.id)
        .join(
            newest,
            (newest.c.clause_id == ClauseVersion.clause_id)
            & (newest.c.version == ClauseVersion.version),
        )
    )
    return {identifier: title for identifier, title in rows}


def standing_acceptances(session: Session, supplier_id: int) -> list[StandingAcceptance]:
    return list(
        session.scalars(
            select(StandingAcceptance)
            .where(StandingAcceptance.supplier_id == supplier_id)
            .order_by(StandingAcceptance.id)
        )
    )


def standing_report_ids(supplier_id: int) -> Select[int]:
    """Each member's newest report on each clause with the supplier: one voice per member
    and clause, however many agreements they have with it (or duplicate rows from before
    one stood per agreement and clause)."""
    ranked = (
        select(
            TermsReport.id,
            func.row_number()
            .over(
                partition_by=(Agreement.member_id, TermsReport.clause),
                order_by=(TermsReport.created_at.desc(), TermsReport.id.desc()),
            )
            .label("rank"),
        )
        .join(Agreement, Agreement.id == TermsReport.agreement_id)
        .where(TermsReport.supplier_id == supplier_id)
        .subquery()
    )
    return select(ranked.c.id).where(ranked.c.rank == 1)


def terms_kept_counts(session: Session, supplier_id: int) -> tuple[int, int]:
    """(kept, broken) standing-report counts for a supplier — the "terms kept" input."""
    row = session.execute(
        select(
            func.coalesce(func.sum(case((TermsReport.kept.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((TermsReport.kept.is_(False), 1), else_=0)), 0),
        ).where(TermsReport.id.in_(standing_report_ids(supplier_id)))
    ).one()
    return int(row[0]), int(row[1])


def public_reports(session: Session, supplier_id: int) -> list[TermsReport]:
    """The standing reports, so the list agrees with the tallies beside it."""
    return list(
        session.scalars(
            select(TermsReport)
            .where(TermsReport.id.in_(standing_report_ids(supplier_id)))
            .order_by(TermsReport.created_at.desc(), TermsReport.id.desc())
        )
    )


def agreement_reports(session: Session, agreement_id: int) -> list[TermsReport]:
    return list(
        session.scalars(
            select(TermsReport)
            .where(TermsReport.agreement_id == agreement_id)
            .order_by(TermsReport.id)
        )
    )


def report_counts_by_clause(session: Session, supplier_id: int) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"kept": 0, "broken": 0})
    for report in public_reports(session, supplier_id):
        counts[report.clause]["kept" if report.kept else "broken"] += 1
    return dict(counts)


def clause_shares(session: Session, supplier_id: int) -> list[dict[str, Any]]:
    """Per clause, its title and the one "kept" formula (vrm.reputation.scoring.share)."""
    titles = clause_titles(session)
    return [
        {"clause": clause, "title": titles.get(clause, clause),
         "share": share(counts["kept"], counts["broken"])}
        for clause, counts in sorted(report_counts_by_clause(session, supplier_id).items())
    ]  # fmt: skip


def supplier_terms_context(session: Session, supplier: Supplier, viewer: Any) -> dict[str, Any]:
    """Everything templates/terms/_supplier_terms.html shows, with the viewer's options
    precomputed (the template decides nothing)."""
    viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
    context: dict[str, Any] = {
        "supplier": supplier,
        "tally": clause_tally(session, supplier.id),
        "standing": standing_acceptances(session, supplier.id),
        "kept": share(*terms_kept_counts(session, supplier.id)),
        "signed_in": viewer_id is not None,
        "is_representative": is_verified_representative(session, viewer_id, supplier.id),
        "viewer_version": None,
        "viewer_proffer": None,
        "can_proffer": False,
    }
    if viewer_id is not None:
        version = current_version(session, viewer)
        context["viewer_version"] = version
        if version is not None:
            context["viewer_proffer"] = session.scalar(
                select(Proffer).where(
                    Proffer.supplier_id == supplier.id, Proffer.terms_version_id == version.id
                )
            )
            context["can_proffer"] = context["viewer_proffer"] is None
    if context["is_representative"]:
        context["pending_count"] = len(pending_proffers(session, supplier.id))
    return context


def pending_proffers(session: Session, supplier_id: int) -> list[Proffer]:
    return list(
        session.scalars(
            select(Proffer)
            .where(Proffer.supplier_id == supplier_id, Proffer.status == "pending")
            .order_by(Proffer.created_at, Proffer.id)
        )
    )


def supplier_agreements(session: Session, supplier_id: int) -> list[Agreement]:
    return list(
        session.scalars(
            select(Agreement)
            .where(Agreement.supplier_id == supplier_id)
            .order_by(Agreement.accepted_at.desc(), Agreement.id.desc())
        )
    )


def member_proffers(session: Session, member_id: int) -> list[Proffer]:
    return list(
        session.scalars(
            select(Proffer).where(Proffer.member_id == member_id).order_by(Proffer.id.desc())
        )
    )


def member_agreements(session: Session, member_id: int) -> list[Agreement]:
    return list(
        session.scalars(
            select(Agreement)
            .where(Agreement.member_id == member_id)
            .order_by(Agreement.accepted_at.desc(), Agreement.id.desc())
        )
    )


def agreement_for_party(session: Session, agreement_id: int, viewer: Any) -> Agreement:
    """The agreement, if the viewer is its member or speaks for its supplier."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound("There is no such agreement.")
    viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
    if viewer_id == agreement.member_id or is_verified_representative(
        session, viewer_id, agreement.supplier_id
    ):
        return agreement
    raise NotAllowed("Only the member and the supplier's representatives can see an agreement.")


def clause_register(session: Session, clause: Clause) -> dict[str, Any]:
    """Which public suppliers accept any version of the clause as standing terms, and per
    sector the share of all public suppliers that do."""
    version_ids = [version.id for version in clause.versions]
    accepting = session.execute(
        select(Supplier, ClauseVersion.version)
        .join(StandingAcceptance, StandingAcceptance.supplier_id == Supplier.id)
        .join(ClauseVersion, ClauseVersion.id == StandingAcceptance.clause_version_id)
        .where(
            StandingAcceptance.clause_version_id.in_(version_ids),
            Supplier.is_public,
        )
        .order_by(Supplier.name)
    ).all()
    suppliers: dict[int, dict[str, Any]] = {}
    for supplier, version in accepting:
        entry = suppliers.setdefault(supplier.id, {"supplier": supplier, "versions": []})
        entry["versions"].append(version)
    totals = dict(
        session.execute(
            select(Supplier.sector, func.count())
            .where(Supplier.is_public)
            .group_by(Supplier.sector)
        ).all()
    )
    accepting_by_sector = Counter(entry["supplier"].sector for entry in suppliers.values())
    sectors = [
        {
            "code": code,
            "name": sector_name(code),
            "accepting": accepting_by_sector.get(code, 0),
            "total": total,
            "share": round(100 * accepting_by_sector.get(code, 0) / total) if total else 0,
        }
        for code, total in sorted(totals.items(), key=lambda kv: sector_name(kv[0]))
    ]
    return {"suppliers": list(suppliers.values()), "sectors": sectors}


def proffer_counts(
    session: Session, supplier_ids: Sequence[int] | None = None
) -> dict[int, dict[str, int]]:
    """Per supplier: how many members' terms it accepted, declined or has yet to answer,
    and how many clauses it accepts for everyone (standing). Two grouped queries however
    many suppliers (compare, open data); counts only, never who."""
    empty = {"accepted": 0, "declined": 0, "pending": 0, "standing": 0}
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict(empty))
    proffers = select(Proffer.supplier_id, Proffer.status, func.count()).where(
        Proffer.status.in_(DECIDED)
    )
    standing = select(StandingAcceptance.supplier_id, func.count())
    if supplier_ids is not None:
        proffers = proffers.where(Proffer.supplier_id.in_(list(supplier_ids)))
        standing = standing.where(StandingAcceptance.supplier_id.in_(list(supplier_ids)))
    for supplier_id, status, n in session.execute(
        proffers.group_by(Proffer.supplier_id, Proffer.status)
    ):
        counts[supplier_id][status] = int(n)
    for supplier_id, n in session.execute(standing.group_by(StandingAcceptance.supplier_id)):
        counts[supplier_id]["standing"] = int(n)
    wanted = list(counts) if supplier_ids is None else supplier_ids
    return {supplier_id: counts[supplier_id] for supplier_id in wanted}
