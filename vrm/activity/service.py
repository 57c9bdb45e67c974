"""Recording events. Every service that changes something public records one here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vrm.activity.models import ActivityEvent


def record(
    session: Session,
    kind: str,
    *,
    actor_id: int | None = None,
    supplier_id: int | None = None,
    review_id: int | None = None,
    **payload: Any,
) -> ActivityEvent:
    """Append one event in the current transaction."""
    event = ActivityEvent(
        kind=kind,
        actor_id=actor_id,
        supplier_id=supplier_id,
        review_id=review_id,
        payload=payload,
    )
    session.add(event)
    return event
