"""Who may do what, by role: the one place the moderator rule is written."""

from __future__ import annotations

from vrm.errors import NotAllowed
from vrm.members.models import Member


def require_moderator(member: Member | None, refusal: str) -> Member:
    """MEMBER, if a moderator; else NotAllowed with REFUSAL (which says what was refused)."""
    if member is None or not getattr(member, "is_moderator", False):
        raise NotAllowed(refusal)
    return member


def is_moderator(member: object) -> bool:
    return bool(
        getattr(member, "is_authenticated", False) and getattr(member, "is_moderator", False)
    )
