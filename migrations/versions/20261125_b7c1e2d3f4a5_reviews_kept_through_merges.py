"""reviews kept through merges

A member who reviewed both of two merged suppliers keeps both reviews live on the
target: the one-live-review index ignores reviews that arrived by a merge.

Revision ID: b7c1e2d3f4a5
Revises: a4643df545a4
Create Date: 2026-11-25 16:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7c1e2d3f4a5"
down_revision: str | None = "a4643df545a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_review_live_author_supplier"


def _live_index(where: str) -> None:
    op.create_index(
        INDEX,
        "review",
        ["author_id", "supplier_id"],
        unique=True,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def upgrade() -> None:
    op.drop_index(INDEX, table_name="review")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_review_merged_from_id_supplier"), "supplier", ["merged_from_id"], ["id"]
        )
    _live_index("status = 'live' AND merged_from_id IS NULL")


def downgrade() -> None:
    op.drop_index(INDEX, table_name="review")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_review_merged_from_id_supplier"), type_="foreignkey"
        )
        batch_op.drop_column("merged_from_id")
    _live_index("status = 'live'")
