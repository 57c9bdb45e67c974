"""The clause library: moderators add clauses and publish new versions of them.

There is deliberately no function that changes a published ClauseVersion: members' terms
and suppliers' standing acceptances point at versions, so a new wording is a new version.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.activity.service import record
from vrm.errors import Conflict, DomainError, NotAllowed, NotFound
from vrm.members.models import Member
from vrm.terms.models import Clause, ClauseVersion
from vrm.terms.parameters import ParameterError, check_schema

log = logging.getLogger(__name__)

IDENTIFIER_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,30}:[a-z0-9][a-z0-9-]{1,46}$")
CATEGORIES: dict[str, str] = {
    "tracking": "Tracking",
    "sharing": "Sharing with third parties",
    "retention": "Retention and deletion",
    "contact": "Contact",
    "automated-decisions": "Automated decisions",
    "response-times": "Response times",
    "fairness": "Fair dealing",
    "security": "Security",
    "accessibility": "Accessibility",
}


def clause_by_identifier(session: Session, identifier: str) -> Clause | None:
    return session.scalar(select(Clause).where(Clause.identifier == identifier))


def clause_version(session: Session, identifier: str, version: int) -> ClauseVersion | None:
    return session.scalar(
        select(ClauseVersion)
        .join(Clause)
        .where(Clause.identifier == identifier, ClauseVersion.version == version)
    )


def _require_moderator(actor: Member | None) -> None:
    if actor is not None and not actor.is_moderator:
        raise NotAllowed("Only moderators change the clause library.")


def _check_wording(title: str, text: str, category: str) -> None:
    if not title.strip() or len(title) > 200:
        raise DomainError("Give a title of up to 200 characters.", field="title")
    if not text.strip():
        raise DomainError("Give the clause's plain-language text.", field="text")
    if category not in CATEGORIES:
        raise DomainError("Choose one of the library's categories.", field="category")


def add_clause(
    session: Session,
    *,
    actor: Member | None,
    identifier: str,
    title: str,
    text: str,
    category: str,
    parameters: Mapping[str, Any] | None = None,
    standard: str | None = None,
) -> ClauseVersion:
    """Add a clause with its first published version. ``actor`` None means the system
    (the seed command); a member must be a moderator."""
    _require_moderator(actor)
    identifier = identifier.strip().lower()
    if not IDENTIFIER_PATTERN.fullmatch(identifier):
        raise DomainError(
            "An identifier looks like 'parley:no-stalking': a prefix, a colon, then "
            "lower-case letters, digits and hyphens.",
            field="identifier",
        )
    if clause_by_identifier(session, identifier) is not None:
        raise Conflict("A clause with that identifier already exists.", field="identifier")
    clause = Clause(identifier=identifier, created_by_id=actor.id if actor else None)
    session.add(clause)
    session.flush()
    return publish_version(
        session,
        actor=actor,
        clause=clause,
        title=title,
        text=text,
        category=category,
        parameters=parameters,
        standard=standard,
    )


def publish_version(
    session: Session,
    *,
    actor: Member | None,
    clause: Clause,
    title: str,
    text: str,
    category: str,
    parameters: Mapping[str, Any] | None = None,
    standard: str | None = None,
) -> ClauseVersion:
    """Publish the next version of a clause. Earlier versions stay exactly as they were."""
    _require_moderator(actor)
    _check_wording(title, text, category)
    try:
        # None is "no parameters"; any other non-object (a JSON null typed in) is refused.
        schema = check_schema({} if parameters is None else parameters)
    except ParameterError as error:
        raise DomainError(str(error), field="parameters") from error
    number = (clause.versions[-1].version + 1) if clause.versions else 1
    version = ClauseVersion(
        clause=clause,
        version=number,
        title=title.strip(),
        text=text.strip(),
        category=category,
        parameters=schema,
        standard=(standard or "").strip() or None,
        published_by_id=actor.id if actor else None,
    )
    session.add(version)
    session.flush()
    record(
        session,
        "terms.clause_published",
        actor_id=actor.id if actor else None,
        clause=clause.identifier,
        version=number,
    )
    log.info("clause %s v%s published by %s", clause.identifier, number, actor)
    return version


def get_clause(session: Session, identifier: str) -> Clause:
    clause = clause_by_identifier(session, identifier)
    if clause is None or not clause.versions:
        raise NotFound("There is no clause with that identifier in the library.")
    return clause
