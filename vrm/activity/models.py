from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vrm.db import NEVER_REUSED_IDS, Base, created_at, intpk


class ActivityEvent(Base):
    """Something that happened, never updated or deleted except by erasure of its actor."""

    __tablename__ = "activity_event"
    # A supplier's feed walks its newest events in order and stops after a page.
    __table_args__ = (
        sa.Index("ix_activity_event_supplier_created", "supplier_id", "created_at", "id"),
        NEVER_REUSED_IDS,  # ids name Atom entries (vrm/feeds/queries.py)
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id", ondelete="SET NULL"))
    supplier_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    review_id: Mapped[int | None] = mapped_column(sa.ForeignKey("review.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[created_at] = mapped_column(index=True)
