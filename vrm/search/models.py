"""The search outbox: what the index must catch up on, written in the same transaction
as the change itself, so an update is never lost even if indexing fails or waits."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vrm.db import Base, created_at, intpk


class SearchOutbox(Base):
    """One document to re-read and re-index (or drop). Rows are deleted only after the
    Whoosh writer has committed them; replaying a row is harmless."""

    __tablename__ = "search_outbox"
    __table_args__ = (
        sa.CheckConstraint("doc_type IN ('supplier', 'review')", name="doc_type_known"),
        sa.CheckConstraint("action IN ('upsert', 'delete')", name="action_known"),
        # Ids are never reused (SQLite would otherwise reuse a deleted max id): a drainer
        # deletes the ids it applied, and must never delete a newer row by accident.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[intpk]
    doc_type: Mapped[str] = mapped_column(sa.String(16))
    doc_id: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<SearchOutbox {self.id} {self.action} {self.doc_type}:{self.doc_id}>"
