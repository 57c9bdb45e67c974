"""Who may speak for a supplier. Every write on a supplier's behalf asks here."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from vrm.suppliers.models import RepresentativeClaim


def is_verified_representative(session: Session, member_id: int | None, supplier_id: int) -> bool:
    """True when the member holds a verified, unrevoked claim for this supplier."""
    if member_id is None:
        return False
    return bool(
        session.scalar(
            select(
                exists().where(
                    RepresentativeClaim.member_id == member_id,
                    RepresentativeClaim.supplier_id == supplier_id,
                    RepresentativeClaim.status == "verified",
                )
            )
        )
    )


def represented_supplier_ids(session: Session, member_id: int | None) -> set[int]:
    """The suppliers a member speaks for."""
    if member_id is None:
        return set()
    return set(
        session.scalars(
            select(RepresentativeClaim.supplier_id).where(
                RepresentativeClaim.member_id == member_id,
                RepresentativeClaim.status == "verified",
            )
        )
    )
