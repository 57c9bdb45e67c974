"""The activity log's part of a member's export: what they did on Parley."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.activity.models import ActivityEvent
from vrm.members.models import Member
from vrm.suppliers.models import Supplier


def _at(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_activity(
    member: Member, *, session: Session, **_: Any
) -> tuple[str, list[dict[str, Any]]]:
    """The log of what the member did on Parley, as the activity feature recorded it."""
    rows = session.execute(
        select(ActivityEvent, Supplier.slug)
        .outerjoin(Supplier, ActivityEvent.supplier_id == Supplier.id)
        .where(ActivityEvent.actor_id == member.id)
        .order_by(ActivityEvent.id)
    )
    return "activity", [
        {
            "kind": event.kind,
            "supplier": slug,
            "review": event.review_id,
            "details": event.payload,
            "at": _at(event.created_at),
        }
        for event, slug in rows
    ]
