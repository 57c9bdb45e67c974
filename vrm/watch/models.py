"""What members watch, and each supplier's change-point state and detected shifts.

* ``Watch``: one row per member and target (a supplier, a sector, an area or a saved
  search); ``target`` is the target's key ("supplier:12", "sector:energy", "area:3",
  "search:<digest of the canonical query string>"), unique per member, so watching again
  is an upsert that only changes ``mode``. The foreign keys are there for cascades:
  a deleted supplier or area takes its watches with it.
* ``ShiftState``: per supplier, the bounded state of vrm/watch/changepoints.py (the
  level counts of the last 1…100 reviews and of the regime; a few kilobytes of JSON),
  folded forward per review.
* ``SupplierShift``: each declared shift, as the chart, the home page and alerts show it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vrm.db import NEVER_REUSED_IDS, Base, UTCDateTime, created_at, intpk

KINDS = ("supplier", "sector", "area", "search")
MODES = ("every", "shifts")


class Watch(Base):
    __tablename__ = "watch"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "target", name="uq_watch_member_target"),
        sa.CheckConstraint("kind IN ('supplier', 'sector', 'area', 'search')", name="kind_known"),
        sa.CheckConstraint("mode IN ('every', 'shifts')", name="mode_known"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16), default="supplier")
    target: Mapped[str] = mapped_column(sa.String(80), index=True)
    mode: Mapped[str] = mapped_column(sa.String(16), default="every")
    supplier_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    sector: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    area_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("area.id", ondelete="CASCADE"), index=True
    )
    # A saved search: the canonical query string of its /search URL.
    search_query: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<Watch {self.member_id}→{self.target} {self.mode}>"


class ShiftState(Base):
    __tablename__ = "shift_state"

    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    seen: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ShiftState {self.supplier_id} seen={self.seen}>"


class SupplierShift(Base):
    __tablename__ = "supplier_shift"
    __table_args__ = (sa.Index("ix_supplier_shift_detected", "detected_at"),)

    id: Mapped[intpk]
    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    # When the new regime began (its first review) and when the shift was declared.
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    before_mean: Mapped[float] = mapped_column(sa.Double)
    after_mean: Mapped[float] = mapped_column(sa.Double)
    after_low: Mapped[float] = mapped_column(sa.Double)
    after_high: Mapped[float] = mapped_column(sa.Double)
    before_count: Mapped[int]
    after_count: Mapped[int]

    @property
    def size(self) -> float:
        return self.after_mean - self.before_mean

    def __repr__(self) -> str:
        return f"<SupplierShift {self.supplier_id} {self.before_mean:.1f}→{self.after_mean:.1f}>"
