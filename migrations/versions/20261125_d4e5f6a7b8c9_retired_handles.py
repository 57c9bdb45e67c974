"""retired handles

A member who erases their account leaves a digest of their handle behind, so the
handle cannot come to name someone else in old links, answers and notifications.

Revision ID: d4e5f6a7b8c9
Revises: c3d4e5f6a7b8
Create Date: 2026-11-25 18:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import vrm.db

revision: str = "d4e5f6a7b8c9"
down_revision: str | None = "c3d4e5f6a7b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retired_handle",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("retired_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_retired_handle")),
    )


def downgrade() -> None:
    op.drop_table("retired_handle")
