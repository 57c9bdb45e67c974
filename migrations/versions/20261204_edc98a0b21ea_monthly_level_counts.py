"""monthly level counts

Each supplier's month row also counts its reviews at each star level, so the open data
can give the score at every month's end from these rows alone. Filled here from the
per-review entries the aggregates keep.

Revision ID: edc98a0b21ea
Revises: a77a2abef781
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "edc98a0b21ea"
down_revision: str | None = "a77a2abef781"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS = ("n1", "n2", "n3", "n4", "n5")


def upgrade() -> None:
    with op.batch_alter_table("reputation_month") as batch_op:
        for name in LEVELS:
            batch_op.add_column(
                sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0"))
            )
    month = sa.table("reputation_month", sa.column("supplier_id"), sa.column("month"),
                     *(sa.column(name) for name in LEVELS))  # fmt: skip
    entry = sa.table("reputation_entry", sa.column("supplier_id"), sa.column("month"),
                     sa.column("rating"))  # fmt: skip
    for level, name in enumerate(LEVELS, start=1):
        count = (
            sa.select(sa.func.count())
            .where(
                entry.c.supplier_id == month.c.supplier_id,
                entry.c.month == month.c.month,
                entry.c.rating == level,
            )
            .scalar_subquery()
        )
        op.execute(sa.update(month).values({name: count}))


def downgrade() -> None:
    with op.batch_alter_table("reputation_month") as batch_op:
        for name in LEVELS:
            batch_op.drop_column(name)
