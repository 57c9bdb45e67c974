"""The rules for a member's terms: drafts, publishing frozen versions, withdrawing.

A TermsVersion is written once by ``publish`` and never updated: there is no function
here (or anywhere) that changes one. Its document is hashed over RFC 8785 bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.activity.service import record
from vrm.clock import now
from vrm.errors import Conflict, DomainError, NotAllowed
from vrm.members.models import Member
from vrm.terms import tally
from vrm.terms.canonical import canonical_bytes, sha256_hex
from vrm.terms.library import clause_version
from vrm.terms.models import Proffer, Terms, TermsVersion
from vrm.terms.parameters import ParameterError, check_parameters
from vrm.upsert import insert_missing

log = logging.getLogger(__name__)

DOCUMENT_FORMAT = "parley-terms/1"
MAX_TEXT = 10_000


class TermsInvalid(DomainError):
    """The draft has problems; ``errors`` maps a field (a clause identifier, or "text")
    to what is wrong with it."""

    title = "Your terms need changes"

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()), field=next(iter(errors), None))
        self.errors = dict(errors)


def terms_of(session: Session, member: Member) -> Terms | None:
    return session.scalar(select(Terms).where(Terms.member_id == member.id))


def locked_terms(session: Session, member: Member, *, create: bool = False) -> Terms | None:
    """The member's terms row, locked and re-read: a member's terms change one request
    at a time, so two tabs cannot both number the next version alike or proffer the same
    version twice. With ``create``, a missing row is made first by an upsert (two first
    drafts at once would otherwise both insert: unique member_id, a 500)."""
    if create:
        insert_missing(session, Terms, [{"member_id": member.id, "status": "draft", "draft": {}}])
    terms = terms_of(session, member)
    if terms is not None:
        session.refresh(terms, with_for_update=True)
    return terms


def _require_owner(actor: Member, member: Member) -> None:
    if actor.id != member.id:
        raise NotAllowed("Only the member themselves can change their terms.")


def check_items(session: Session, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Typed, sorted clause items; TermsInvalid naming every clause with a problem."""
    errors: dict[str, str] = {}
    checked: dict[str, dict[str, Any]] = {}
    for item in items:
        identifier = str(item.get("clause", ""))
        version_number = item.get("version")
        version = (
            clause_version(session, identifier, version_number)
            if isinstance(version_number, int) and not isinstance(version_number, bool)
            else None
        )
        if version is None:
            errors[identifier or "clause"] = (
                f"{identifier or 'A clause'}: there is no such clause version in the library."
            )
            continue
        if identifier in checked:
            errors[identifier] = f"{version.title}: include each clause once."
            continue
        try:
            parameters = check_parameters(version.parameters, item.get("parameters") or {})
        except ParameterError as error:
            errors[identifier] = f"{version.title} — {error}"
            continue
        checked[identifier] = {
            "clause": identifier,
            "version": version.version,
            "parameters": parameters,
        }
    if errors:
        raise TermsInvalid(errors)
    return [checked[key] for key in sorted(checked)]


def save_draft(
    session: Session,
    *,
    actor: Member,
    member: Member,
    items: Sequence[Mapping[str, Any]],
    text: str,
) -> Terms:
    """Check and save the member's draft. Publishing is a separate step."""
    _require_owner(actor, member)
    text = (text or "").strip()
    # Every problem at once: a too-long text must not hide a clause's until the next try.
    errors: dict[str, str] = {}
    if len(text) > MAX_TEXT:
        errors["text"] = f"Keep the free text under {MAX_TEXT} characters."
    try:
        clauses = check_items(session, items)
    except TermsInvalid as invalid:
        errors.update(invalid.errors)
        clauses = []
    if errors:
        raise TermsInvalid(errors)
    if not clauses and not text:
        raise TermsInvalid({"clauses": "Choose at least one clause or write some free text."})
    terms = locked_terms(session, member, create=True)
    assert terms is not None, "inserted, or found inserted by another transaction"
    terms.draft = {"clauses": clauses, "text": text}
    terms.updated_at = now()
    session.flush()
    return terms


def build_document(
    *, handle: str, number: int, published_at: str, clauses: list[dict[str, Any]], text: str
) -> dict[str, Any]:
    """The document that is hashed. Keep it JSON-only (no floats) so RFC 8785 is exact."""
    return {
        "format": DOCUMENT_FORMAT,
        "member": handle,
        "version": number,
        "published_at": published_at,
        "clauses": clauses,
        "text": text,
    }


def publish(session: Session, *, actor: Member, member: Member) -> TermsVersion:
    """Freeze the draft as the next numbered version, and offer it again to every
    supplier whose latest answer was pending or accepted."""
    _require_owner(actor, member)
    terms = locked_terms(session, member)
    if terms is None or not terms.draft:
        raise TermsInvalid({"clauses": "Save a draft of your terms before publishing."})
    # Check again: the draft may predate a library change, and rules live here.
    clauses = check_items(session, terms.draft.get("clauses", []))
    text = terms.draft.get("text", "")
    if not clauses and not text:
        raise TermsInvalid({"clauses": "Choose at least one clause or write some free text."})
    latest = terms.latest
    if latest is not None and terms.status == "published":
        same = latest.document["clauses"] == clauses and latest.document["text"] == text
        if same:
            raise Conflict(
                f"Version {latest.number} already says exactly this.",
                hint="Change the draft first, or leave your published terms as they are.",
            )
    number = (latest.number + 1) if latest else 1
    stamp = now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
    document = build_document(
        handle=member.handle, number=number, published_at=stamp, clauses=clauses, text=text
    )
    version = TermsVersion(
        terms=terms,
        number=number,
        document=document,
        canonical=canonical_bytes(document).decode("utf-8"),
        sha256=sha256_hex(document),
    )
    session.add(version)
    terms.status = "published"
    terms.updated_at = now()
    session.flush()
    touched = _proffer_again(session, member=member, version=version)
    record(
        session,
        "terms.published",
        actor_id=member.id,
        version=number,
        sha256=version.sha256,
    )
    signals.terms_published.send(version, session=session)
    tally.refresh(session, touched)
    log.info(
        "member %s published terms v%s (%d suppliers' proffers changed)",
        member.id,
        number,
        len(touched),
    )
    return version


def _proffer_again(session: Session, *, member: Member, version: TermsVersion) -> set[int]:
    """Suppliers that had accepted or were still considering an earlier version are
    offered the new one; their pending proffers of older versions are superseded. The
    ids of the suppliers whose proffers changed."""
    earlier = session.scalars(
        select(Proffer)
        .where(Proffer.member_id == member.id, Proffer.terms_version_id != version.id)
        .order_by(Proffer.id)
    ).all()
    latest_status: dict[int, str] = {}
    touched: set[int] = set()
    for proffer in earlier:
        latest_status[proffer.supplier_id] = proffer.status
        if proffer.status == "pending":
            proffer.status = "superseded"
            proffer.decided_at = now()
            touched.add(proffer.supplier_id)
    for supplier_id, status in latest_status.items():
        if status in ("pending", "accepted"):
            session.add(
                Proffer(member_id=member.id, supplier_id=supplier_id, terms_version=version)
            )
            touched.add(supplier_id)
    session.flush()
    return touched


def withdraw(session: Session, *, actor: Member, member: Member) -> Terms:
    """Stop offering the terms. Agreements keep the version they accepted; proffers
    still waiting are withdrawn so nobody accepts terms the member took back."""
    _require_owner(actor, member)
    terms = locked_terms(session, member)
    if terms is None or terms.status != "published":
        raise Conflict("You have no published terms to withdraw.")
    terms.status = "withdrawn"
    terms.updated_at = now()
    touched: set[int] = set()
    for proffer in session.scalars(
        select(Proffer).where(Proffer.member_id == member.id, Proffer.status == "pending")
    ):
        proffer.status = "withdrawn"
        proffer.decided_at = now()
        touched.add(proffer.supplier_id)
    session.flush()
    tally.refresh(session, touched)
    # The actor id, never the handle: the event outlives an erased member's name.
    record(session, "terms.withdrawn", actor_id=member.id)
    log.info("member %s withdrew their terms", member.id)
    return terms
