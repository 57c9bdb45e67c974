"""The rules for members: handles, identities, export and erasure."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.clock import now
from vrm.errors import Conflict, DomainError, NotFound
from vrm.members.models import Identity, Member, RetiredHandle

log = logging.getLogger(__name__)

HANDLE_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{2,29}$")
RESERVED_HANDLES = frozenset(
    {
        "admin",
        "administrator",
        "api",
        "moderator",
        "parley",
        "root",
        "staff",
        "support",
        "system",
        "help",
        "about",
        "account",
        "sign-in",
        "sign-out",
        "anonymous",
        "null",
    }
)


class HandleError(DomainError):
    title = "Choose another handle"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, field="handle")


def normalise_handle(raw: str) -> str:
    """Lower-case and check a handle; raise HandleError saying what is wrong."""
    handle = unicodedata.normalize("NFKC", raw).strip().lower()
    if not handle:
        raise HandleError("Choose a handle.")
    if not HANDLE_PATTERN.fullmatch(handle):
        raise HandleError(
            "A handle is 3 to 30 characters: letters a–z, digits, '-' or '_', "
            "starting with a letter."
        )
    if handle in RESERVED_HANDLES:
        raise HandleError("That handle is reserved. Choose another.")
    return handle


def suggest_handle(claims: Mapping[str, Any]) -> str:
    """A starting point for the handle form, from what the provider offered."""
    for key in ("preferred_username", "nickname", "name", "email"):
        value = str(claims.get(key) or "").split("@")[0].lower()
        candidate = re.sub(r"[^a-z0-9_-]+", "-", value).strip("-_")[:30]
        if len(candidate) >= 3 and candidate[0].isalpha() and candidate not in RESERVED_HANDLES:
            return candidate
    return ""


def find_by_identity(session: Session, issuer: str, subject: str) -> Member | None:
    """The member this (issuer, subject) belongs to, recording that it was used."""
    identity = session.scalar(
        select(Identity).where(Identity.issuer == issuer, Identity.subject == subject)
    )
    if identity is None:
        return None
    identity.last_used_at = now()
    return identity.member


def handle_taken(session: Session, handle: str) -> bool:
    """In use, or once used by a member who erased their account: old links, answers
    and notifications named them, and must not come to name someone else."""
    if session.scalar(select(func.count()).where(Member.handle == handle)):
        return True
    digests = (handle_digest(handle), legacy_handle_digest(handle))
    return bool(session.scalar(select(func.count()).where(RetiredHandle.digest.in_(digests))))


def handle_digest(handle: str, key: str | None = None) -> str:
    """An HMAC of the handle under a server secret kept outside the database: a copy of
    the database alone cannot be turned back into the handles of those who left by
    trying likely names (a plain hash could)."""
    secret = key if key is not None else retired_handle_key()
    return hmac.new(secret.encode(), handle.encode(), hashlib.sha256).hexdigest()


def legacy_handle_digest(handle: str) -> str:
    """The unkeyed digest of handles retired before the HMAC (still refused)."""
    return hashlib.sha256(handle.encode()).hexdigest()


def retired_handle_key() -> str:
    from vrm.settings_access import get_settings

    settings = get_settings()
    return settings.retired_handle_key or settings.secret_key


def create_member(session: Session, *, handle: str, issuer: str, subject: str) -> Member:
    """Create a member with their first identity: a handle and (issuer, subject), no more."""
    handle = normalise_handle(handle)
    if handle_taken(session, handle):
        raise HandleError("That handle is taken. Choose another.")
    if session.scalar(
        select(Identity).where(Identity.issuer == issuer, Identity.subject == subject)
    ):
        raise Conflict("That identity already belongs to a member. Sign in with it instead.")
    member = Member(handle=handle)
    member.identities.append(Identity(issuer=issuer, subject=subject, last_used_at=now()))
    session.add(member)
    session.flush()
    signals.member_joined.send(member, session=session)
    log.info("member %s joined via %s", member.id, issuer)
    return member


def link_identity(session: Session, member: Member, *, issuer: str, subject: str) -> Identity:
    """Add another identity to a member; one identity belongs to one member only."""
    existing = session.scalar(
        select(Identity).where(Identity.issuer == issuer, Identity.subject == subject)
    )
    if existing is not None:
        if existing.member_id == member.id:
            return existing
        raise Conflict(
            "That identity already belongs to another member, so it cannot be linked here.",
            hint="Sign in with it to use that member account instead.",
        )
    identity = Identity(issuer=issuer, subject=subject, last_used_at=now())
    member.identities.append(identity)
    session.flush()
    signals.member_identities_changed.send(member, session=session)
    log.info("member %s linked an identity at %s", member.id, issuer)
    return identity


def unlink_identity(session: Session, member: Member, identity_id: int) -> None:
    """Remove one of the member's identities — never the last, never another's."""
    identity = session.get(Identity, identity_id)
    if identity is None or identity.member_id != member.id:
        raise NotFound("You have no such identity.")
    if len(member.identities) <= 1:
        raise Conflict(
            "This is your only identity; without it you could never sign in again.",
            hint="Link another identity first, or erase your account.",
        )
    member.identities.remove(identity)
    session.flush()
    signals.member_identities_changed.send(member, session=session)
    log.info("member %s unlinked an identity at %s", member.id, identity.issuer)


def export_member(session: Session, member: Member) -> dict[str, Any]:
    """Everything Parley holds about the member, as one JSON-ready document."""
    document: dict[str, Any] = {
        "format": "parley-member-export/2",
        "exported_at": now().isoformat(),
        "member": {
            "handle": member.handle,
            "role": member.role,
            "joined_at": member.created_at.isoformat(),
        },
        "identities": [
            {
                "issuer": identity.issuer,
                "subject": identity.subject,
                "linked_at": identity.created_at.isoformat(),
                "last_used_at": identity.last_used_at.isoformat()
                if identity.last_used_at
                else None,
            }
            for identity in member.identities
        ],
    }
    # Each feature exports its own rows (its handlers, vrm/<feature>/export.py).
    for _handler, section in signals.member_exporting.send(member, session=session):
        if section:
            name, data = section
            if name in document:
                raise RuntimeError(f"two exports fill the {name!r} section")
            document[name] = data
    return document


def erase_member(session: Session, member: Member, *, keep_reviews: bool = False) -> None:
    """Erase the member and, through the handlers, what each feature holds of theirs.

    With KEEP_REVIEWS their live reviews stay, with their ratings and their thread, as
    "a former member's": no column links them to the member or to each other. Everything
    else goes either way (see ERASURE_CHOICES). After the commit, the caller runs
    members.erasure.scrub_storage so that no copy survives in the files either."""
    signals.member_erasing.send(member, session=session, keep_reviews=keep_reviews)
    signals.member_erasing_last.send(member, session=session, keep_reviews=keep_reviews)
    member_id = member.id
    session.add(RetiredHandle(digest=handle_digest(member.handle)))
    session.delete(member)
    session.flush()
    log.info("member %s erased their account (reviews kept: %s)", member_id, keep_reviews)
