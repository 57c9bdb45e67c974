"""page order indexes

A supplier page lists the supplier's children and predecessors (parent_id,
replaced_by_id), and a merge repoints rows by merged_into_id: without an index each
of these read every supplier, on every view of every supplier page. The directory
is ordered by lower(name), id, and the home page's best and worst answerers by the
smoothed answered share (vrm.reputation.models.ANSWER_SHARE): with these indexes a
page reads the rows it shows instead of sorting every supplier.

Revision ID: 9d4a6b2c8e15
Revises: 7b2e4c1d9f30
Create Date: 2026-12-04 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d4a6b2c8e15"
down_revision: str | None = "7b2e4c1d9f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("parent_id", "replaced_by_id", "merged_into_id")


# Frozen here: the model's constant may change in a later migration, not this one.
ANSWER_SHARE = "CAST(answered_count + 1 AS FLOAT) / (review_count + 2)"


def upgrade() -> None:
    for column in COLUMNS:
        where = sa.text(f"{column} IS NOT NULL")  # partial: almost every supplier has none
        op.create_index(
            f"ix_supplier_{column}",
            "supplier",
            [column],
            sqlite_where=where,
            postgresql_where=where,
        )
    op.create_index("ix_supplier_directory_order", "supplier", [sa.text("lower(name)"), "id"])
    op.create_index(
        "ix_reputation_stats_answer_share", "reputation_stats", [sa.text(f"({ANSWER_SHARE})")]
    )


def downgrade() -> None:
    op.drop_index("ix_reputation_stats_answer_share", "reputation_stats")
    op.drop_index("ix_supplier_directory_order", "supplier")
    for column in COLUMNS:
        op.drop_index(f"ix_supplier_{column}", "supplier")
