"""A notification names the rows it is about by foreign key; its link is built when it
is shown (vrm.notifications.links), never stored. When such a row is deleted (an erased
member's reviews, say), its notifications go with it by ON DELETE CASCADE."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrm.db import NEVER_REUSED_IDS, Base, created_at, intpk
from vrm.suppliers.models import Supplier


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (NEVER_REUSED_IDS,)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[created_at]
    read_at: Mapped[dt.datetime | None]
    # What it is about (each nullable; which are set depends on ``kind``).
    review_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("review.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("review_message.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    agreement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("terms_agreement.id", ondelete="CASCADE"), index=True
    )
    report_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("terms_report.id", ondelete="CASCADE"), index=True
    )

    supplier: Mapped[Supplier | None] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} for {self.member_id}>"
