"""Demo data: members a newcomer can sign in as at the local demo provider."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.members.models import Identity
from vrm.members.service import create_member

DEMO_MEMBERS = ("alice", "bob", "carol")


def seed(session: Session, *, issuer: str) -> int:
    """Create what is missing; running it twice creates nothing the second time."""
    created = 0
    for handle in DEMO_MEMBERS:
        exists = session.scalar(
            select(Identity).where(Identity.issuer == issuer, Identity.subject == handle)
        )
        if exists is None:
            create_member(session, handle=handle, issuer=issuer, subject=handle)
            created += 1
    return created
