"""search outbox

Revision ID: 0c9ee7100ce6
Revises: db705c161d9d
Create Date: 2026-11-25 14:38:43.087996
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import vrm.db

revision: str = "0c9ee7100ce6"
down_revision: str | None = "db705c161d9d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(length=16), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("created_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('upsert', 'delete')", name=op.f("ck_search_outbox_action_known")
        ),
        sa.CheckConstraint(
            "doc_type IN ('supplier', 'review')", name=op.f("ck_search_outbox_doc_type_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("search_outbox")
