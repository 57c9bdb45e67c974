"""What Parley knows about where complaints about a supplier go onward."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vrm.db import Base, created_at, intpk


class EscalationRoute(Base):
    """A route an operator added for every supplier of a sector (optionally one nation)."""

    __tablename__ = "escalation_route"
    __table_args__ = (
        sa.CheckConstraint("url LIKE 'https://%'", name="url_https"),
        sa.CheckConstraint(
            "nation IS NULL OR nation IN ('England', 'Scotland', 'Wales', 'Northern Ireland')",
            name="nation_known",
        ),
    )

    id: Mapped[intpk]
    sector: Mapped[str] = mapped_column(sa.String(40), index=True)
    nation: Mapped[str | None] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.String(500))
    explanation: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<EscalationRoute {self.sector} {self.title!r}>"


class ComplaintsContact(Base):
    """A public body's own complaints page and its GOV.UK identifier, where known."""

    __tablename__ = "complaints_contact"
    __table_args__ = (
        sa.CheckConstraint(
            "complaints_url IS NULL OR complaints_url LIKE 'https://%'", name="url_https"
        ),
    )

    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), primary_key=True
    )
    complaints_url: Mapped[str | None] = mapped_column(sa.String(500))
    gov_uk_slug: Mapped[str | None] = mapped_column(sa.String(120))

    def __repr__(self) -> str:
        return f"<ComplaintsContact {self.supplier_id}>"
