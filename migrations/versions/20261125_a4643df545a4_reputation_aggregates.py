"""reputation aggregates: decayed rating sums, stats, monthly series, per-review entries

Revision ID: a4643df545a4
Revises: 0c9ee7100ce6
Create Date: 2026-11-25 14:40:27.111007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a4643df545a4"
down_revision: str | None = "0c9ee7100ce6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reputation_entry",
        sa.Column("review_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Double(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("rating_ease", sa.Integer(), nullable=True),
        sa.Column("rating_resolution", sa.Integer(), nullable=True),
        sa.Column("rating_fairness", sa.Integer(), nullable=True),
        sa.Column("rating_respect", sa.Integer(), nullable=True),
        sa.Column("response_seconds", sa.Double(), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("claims_confirmed", sa.Integer(), nullable=False),
        sa.Column("claims_denied", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_reputation_entry_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", name=op.f("pk_reputation_entry")),
    )
    with op.batch_alter_table("reputation_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reputation_entry_supplier_response",
            ["supplier_id", "response_seconds"],
            unique=False,
        )

    op.create_table(
        "reputation_month",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("review_count", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_reputation_month_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("supplier_id", "month", name=op.f("pk_reputation_month")),
    )
    op.create_table(
        "reputation_stats",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_public", sa.Boolean(), nullable=False),
        sa.Column("review_count", sa.Integer(), nullable=False),
        sa.Column("answered_count", sa.Integer(), nullable=False),
        sa.Column("resolved_count", sa.Integer(), nullable=False),
        sa.Column("not_resolved_count", sa.Integer(), nullable=False),
        sa.Column("claims_confirmed", sa.Integer(), nullable=False),
        sa.Column("claims_denied", sa.Integer(), nullable=False),
        sa.Column("terms_kept", sa.Integer(), nullable=False),
        sa.Column("terms_broken", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_reputation_stats_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("supplier_id", name=op.f("pk_reputation_stats")),
    )
    op.create_table(
        "reputation_sums",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("epoch_day", sa.Double(), nullable=False),
        sa.Column("s1", sa.Double(), nullable=False),
        sa.Column("s2", sa.Double(), nullable=False),
        sa.Column("s3", sa.Double(), nullable=False),
        sa.Column("s4", sa.Double(), nullable=False),
        sa.Column("s5", sa.Double(), nullable=False),
        sa.Column("n1", sa.Integer(), nullable=False),
        sa.Column("n2", sa.Integer(), nullable=False),
        sa.Column("n3", sa.Integer(), nullable=False),
        sa.Column("n4", sa.Integer(), nullable=False),
        sa.Column("n5", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_reputation_sums_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("supplier_id", "dimension", name=op.f("pk_reputation_sums")),
    )


def downgrade() -> None:
    op.drop_table("reputation_sums")
    op.drop_table("reputation_stats")
    op.drop_table("reputation_month")
    with op.batch_alter_table("reputation_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_reputation_entry_supplier_response")

    op.drop_table("reputation_entry")
