"""Kept or broken: the member's report under an agreement, and the supplier's answer.

Reports are public without the member's handle (agreements are private); they feed the
"terms kept" reputation through ``signals.terms_report_filed``. A member has one
standing report per agreement and clause, and the public figures count each member once
per clause (vrm.terms.queries.standing_report_ids), so a report on one clause never
erases one on another.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import markdown, signals
from vrm.activity.service import record
from vrm.clock import now
from vrm.errors import Conflict, DomainError, NotAllowed
from vrm.members.models import Member
from vrm.representatives.policies import is_verified_representative
from vrm.terms.models import Agreement, TermsReport

log = logging.getLogger(__name__)

MAX_ACCOUNT = 2000
MAX_ANSWER = 4000


def agreement_clauses(agreement: Agreement) -> list[str]:
    """The clauses the supplier accepted: every clause of the version, or (Parley's
    partial agreements) only those it named. A declined clause cannot be broken."""
    clauses = [item["clause"] for item in agreement.terms_version.document.get("clauses", [])]
    if agreement.clauses is None:
        return clauses
    return [clause for clause in clauses if clause in agreement.clauses]


def file_report(
    session: Session,
    *,
    actor: Member,
    agreement: Agreement,
    clause: str,
    kept: bool,
    account: str,
) -> TermsReport:
    """The member says whether the supplier kept one clause of the agreed version.

    One report stands per agreement and clause: filing again on the same clause replaces
    it, so a member can say the supplier put things right (or stopped keeping them)
    without adding a second voice; a report on another clause stands beside it.
    """
    if actor.id != agreement.member_id:
        raise NotAllowed("Only the member who made this agreement can report on it.")
    if clause not in agreement_clauses(agreement):
        raise DomainError("Choose a clause that is part of the agreed terms.", field="clause")
    account = (account or "").strip()
    if not account or len(account) > MAX_ACCOUNT:
        raise DomainError(
            f"Say briefly what happened, up to {MAX_ACCOUNT} characters.", field="account"
        )
    report = standing_report(session, agreement, clause, lock=True)
    replaced = report is not None
    if report is None:
        report = TermsReport(agreement_id=agreement.id, supplier_id=agreement.supplier_id)
        session.add(report)
    elif report.answer is not None:
        _clear_answer(report)
    report.clause, report.kept, report.account = clause, bool(kept), account
    # The date shown is when this account was given, not when the first one was.
    report.created_at = now()
    session.flush()
    record(
        session,
        "terms.report_filed",
        supplier_id=agreement.supplier_id,
        clause=clause,
        kept=bool(kept),
        replaced=replaced,
    )
    signals.terms_report_filed.send(report, session=session)
    log.info("report %s on agreement %s (kept=%s)", report.id, agreement.id, kept)
    return report


def standing_report(
    session: Session, agreement: Agreement, clause: str, *, lock: bool = False
) -> TermsReport | None:
    """The agreement's standing report on CLAUSE: the newest, if duplicates from before
    remain.

    There is no unique constraint on (agreement_id, clause) (older rows may repeat), so
    ``lock`` serialises concurrent filings on the agreement row: on
    PostgreSQL FOR UPDATE makes the second wait, on SQLite every write transaction
    begins IMMEDIATE (vrm.db). Either way the lookup then sees the first one's report.
    """
    if lock:
        session.execute(select(Agreement.id).where(Agreement.id == agreement.id).with_for_update())
    return session.scalars(
        select(TermsReport)
        .where(TermsReport.agreement_id == agreement.id, TermsReport.clause == clause)
        .order_by(TermsReport.created_at.desc(), TermsReport.id.desc())
        .limit(1)
    ).first()


def _clear_answer(report: TermsReport) -> None:
    # The answer replied to an account that no longer stands; the supplier may answer
    # the new one.
    report.answer = report.answer_html = None
    report.answered_by_id = report.answered_at = None


def answer_report(
    session: Session, *, actor: Member, report: TermsReport, answer: str
) -> TermsReport:
    """The supplier's one public answer to a report."""
    if not is_verified_representative(session, actor.id, report.supplier_id):
        raise NotAllowed("Only a verified representative of this supplier can answer.")
    if report.answer is not None:
        raise Conflict("This report already has the supplier's answer.")
    answer = (answer or "").strip()
    if not answer or len(answer) > MAX_ANSWER:
        raise DomainError(f"Write an answer of up to {MAX_ANSWER} characters.", field="answer")
    report.answer = answer
    report.answer_html = markdown.render(answer)
    report.answered_by_id = actor.id
    report.answered_at = now()
    session.flush()
    record(session, "terms.report_answered", actor_id=actor.id, supplier_id=report.supplier_id)
    return report
