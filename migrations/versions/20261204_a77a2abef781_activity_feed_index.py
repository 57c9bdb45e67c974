"""activity feed index

A supplier's feed reads its newest events: (supplier_id, created_at, id) lets the
database walk them in order and stop after a page, whatever the supplier's history.

Revision ID: a77a2abef781
Revises: 65e1a7c60f4e
Create Date: 2026-12-04 08:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a77a2abef781"
down_revision: str | None = "65e1a7c60f4e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_activity_event_supplier_created",
        "activity_event",
        ["supplier_id", "created_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_activity_event_supplier_created", table_name="activity_event")
