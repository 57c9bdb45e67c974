"""Suppliers, the areas they serve, and representatives' claims to speak for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrm.db import NEVER_REUSED_IDS, Base, created_at, intpk
from vrm.members.models import Member


class Area(Base):
    """A region, nation or local authority area (GSS code where one exists)."""

    __tablename__ = "area"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))  # nation | region | local_authority
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))

    parent: Mapped[Area | None] = relationship(remote_side="Area.id")

    def __repr__(self) -> str:
        return f"<Area {self.code} {self.name}>"


def _where_not_null(column: str) -> dict[str, Any]:
    condition = sa.text(f"{column} IS NOT NULL")
    return {"sqlite_where": condition, "postgresql_where": condition}


class Supplier(Base):
    __tablename__ = "supplier"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('business', 'public_service')", name="kind_known"),
        sa.CheckConstraint("visibility IN ('public', 'removed')", name="visibility_known"),
        # The directory's order: a page of it reads its rows, not every supplier sorted.
        sa.Index("ix_supplier_directory_order", sa.text("lower(name)"), "id"),
        # Links between suppliers, for "its children", "it replaced" and merges. Partial:
        # almost every supplier has none, and a full index would tempt the planner to
        # read every supplier through it for "merged_into_id IS NULL".
        *(
            sa.Index(f"ix_supplier_{column}", column, **_where_not_null(column))
            for column in ("parent_id", "replaced_by_id", "merged_into_id")
        ),
    )

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    sector: Mapped[str] = mapped_column(sa.String(40), index=True)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supplier.id"))
    website_domain: Mapped[str | None] = mapped_column(sa.String(253), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # A stable key from an imported register (e.g. "la:ADU"), so imports are idempotent.
    register_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    ended_on: Mapped[dt.date | None]
    replaced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supplier.id"))
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supplier.id"))
    visibility: Mapped[str] = mapped_column(sa.String(16), default="public")
    visibility_reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    area: Mapped[Area | None] = relationship()
    parent: Mapped[Supplier | None] = relationship(
        remote_side="Supplier.id", foreign_keys=[parent_id]
    )
    replaced_by: Mapped[Supplier | None] = relationship(
        remote_side="Supplier.id", foreign_keys=[replaced_by_id]
    )
    merged_into: Mapped[Supplier | None] = relationship(
        remote_side="Supplier.id", foreign_keys=[merged_into_id]
    )
    aliases: Mapped[list[SupplierAlias]] = relationship(
        back_populates="supplier", cascade="all, delete-orphan", order_by="SupplierAlias.name"
    )

    @hybrid_property
    def is_public(self) -> bool:
        """The one rule for a public supplier: not removed, not merged into another.

        In Python on a loaded row, and as SQL in queries (``.where(Supplier.is_public)``).
        """
        return self.visibility == "public" and self.merged_into_id is None

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.visibility == "public", cls.merged_into_id.is_(None))

    def __repr__(self) -> str:
        return f"<Supplier {self.slug}>"


class SupplierAlias(Base):
    __tablename__ = "supplier_alias"
    __table_args__ = (sa.UniqueConstraint("supplier_id", "name"),)

    id: Mapped[intpk]
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("supplier.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))

    supplier: Mapped[Supplier] = relationship(back_populates="aliases")


class SupplierSlugRedirect(Base):
    """An old slug (from a rename or a merge) and where it now leads."""

    __tablename__ = "supplier_slug_redirect"

    id: Mapped[intpk]
    old_slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("supplier.id", ondelete="CASCADE"))


class RepresentativeClaim(Base):
    """A member's claim to speak for a supplier, and how (whether) it was verified."""

    __tablename__ = "representative_claim"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending', 'verified', 'rejected', 'revoked')", name="status_known"
        ),
        sa.CheckConstraint("method IN ('domain', 'email', 'moderator')", name="method_known"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[intpk]
    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    domain: Mapped[str | None] = mapped_column(sa.String(253))
    token: Mapped[str | None] = mapped_column(sa.String(100))
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[created_at]
    verified_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    supplier: Mapped[Supplier] = relationship()
    member: Mapped[Member] = relationship()

    def __repr__(self) -> str:
        return f"<RepresentativeClaim {self.member_id}→{self.supplier_id} {self.status}>"


class ClaimEvent(Base):
    """The log of every grant, refusal and revocation of a representative claim."""

    __tablename__ = "claim_event"

    id: Mapped[intpk]
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("representative_claim.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(20))  # requested|verified|rejected|revoked
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[created_at]
