"""Signal handlers of this feature, connected once by the factory."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.members.models import Member
from vrm.suppliers.models import Supplier


def export_suppliers_added(
    member: Member, *, session: Session, **_: Any
) -> tuple[str, list[dict[str, Any]]]:
    suppliers = session.scalars(
        select(Supplier).where(Supplier.created_by_id == member.id).order_by(Supplier.id)
    )
    return "suppliers_added", [
        {"slug": s.slug, "name": s.name, "created_at": s.created_at.isoformat()} for s in suppliers
    ]


def connect() -> None:
    """Connect this feature's handlers to the domain signals."""
    signals.member_exporting.connect(export_suppliers_added, weak=False)
