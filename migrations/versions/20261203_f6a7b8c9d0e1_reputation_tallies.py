"""reputation tallies

Sector level counts and per-supplier answer-delay histograms, kept on write so that a
supplier page, the league and open data never add up a sector or a supplier's history.
Filled here from the stored aggregates.

Revision ID: f6a7b8c9d0e1
Revises: e5f6a7b8c9d0
Create Date: 2026-12-03 22:20:00
"""

import math
from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f6a7b8c9d0e1"
down_revision: str | None = "e5f6a7b8c9d0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS = ("n1", "n2", "n3", "n4", "n5")


def bucket_of(seconds: float) -> int:
    """vrm.reputation.tallies.bucket_of as it was written (a migration keeps its meaning)."""
    if seconds <= 60.0:
        return 0
    return 1 + math.floor(math.log2(seconds / 60.0) * 4)


def upgrade() -> None:
    op.create_table(
        "reputation_sector",
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        *(sa.Column(n, sa.Integer(), nullable=False) for n in LEVELS),
        sa.PrimaryKeyConstraint("sector", "dimension", name=op.f("pk_reputation_sector")),
    )
    buckets = op.create_table(
        "reputation_response_bucket",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_reputation_response_bucket_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "supplier_id", "bucket", name=op.f("pk_reputation_response_bucket")
        ),
    )
    op.execute(
        "INSERT INTO reputation_sector (sector, dimension, n1, n2, n3, n4, n5) "
        "SELECT p.sector, s.dimension, SUM(s.n1), SUM(s.n2), SUM(s.n3), SUM(s.n4), SUM(s.n5) "
        "FROM reputation_sums s JOIN supplier p ON p.id = s.supplier_id "
        "GROUP BY p.sector, s.dimension"
    )
    delays = op.get_bind().execute(
        sa.text(
            "SELECT supplier_id, response_seconds FROM reputation_entry "
            "WHERE response_seconds IS NOT NULL"
        )
    )
    tally = Counter((supplier, bucket_of(max(s, 0.0))) for supplier, s in delays)
    rows = [{"supplier_id": s, "bucket": b, "count": n} for (s, b), n in tally.items()]
    if rows:
        op.bulk_insert(buckets, rows)


def downgrade() -> None:
    op.drop_table("reputation_response_bucket")
    op.drop_table("reputation_sector")
