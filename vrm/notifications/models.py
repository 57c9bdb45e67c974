from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vrm.db import NEVER_REUSED_IDS, Base, created_at, intpk


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (NEVER_REUSED_IDS,)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[str] = mapped_column(sa.String(500))
    link: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[created_at]
    read_at: Mapped[dt.datetime | None]
