"""Signal handlers of the activity log, connected once by the factory.

The log is append-only except for erasure: an erased member's events go whole (a row
with its actor emptied would still say, in its payload and time, what they did), and so
do events whose payload names them or their representative claims.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.activity.export import export_activity
from vrm.activity.models import ActivityEvent
from vrm.members.models import Member
from vrm.suppliers.models import RepresentativeClaim


def forget_erased_member(member: Member, *, session: Session, **_: Any) -> None:
    session.execute(delete(ActivityEvent).where(ActivityEvent.actor_id == member.id))
    claims = set(
        session.scalars(
            select(RepresentativeClaim.id).where(RepresentativeClaim.member_id == member.id)
        )
    )
    # Events about the member that others (or Parley) caused: few kinds, read in Python
    # because the payload is JSON and the two databases query JSON differently.
    about = session.scalars(
        select(ActivityEvent).where(
            (ActivityEvent.kind == "member.role_changed") | ActivityEvent.kind.like("claim_%")
        )
    )
    for event in list(about):
        payload = event.payload or {}
        if payload.get("member_id") == member.id or payload.get("claim_id") in claims:
            session.delete(event)
    session.flush()


def connect() -> None:
    """Connect this feature's handlers to the domain signals (idempotent)."""
    signals.member_erasing.connect(forget_erased_member, weak=False)
    signals.member_exporting.connect(export_activity, weak=False)
