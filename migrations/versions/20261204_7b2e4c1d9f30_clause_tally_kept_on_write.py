"""clause tally kept on write

What members asked each supplier, per clause, counted when proffers change
(vrm/terms/tally.py) instead of on every view of the supplier's page. The rows are
filled for existing proffers by `flask db upgrade` (data, with the ORM's rules).

Revision ID: 7b2e4c1d9f30
Revises: 3c1f9a2b7d10
Create Date: 2026-12-04 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b2e4c1d9f30"
down_revision: str | None = "3c1f9a2b7d10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _supplier_key() -> sa.Column[int]:
    return sa.Column(
        "supplier_id",
        sa.Integer(),
        sa.ForeignKey("supplier.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "terms_clause_tally",
        _supplier_key(),
        sa.Column("clause", sa.String(80), primary_key=True),
        sa.Column("proffered", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("declined", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
    )
    op.create_table(
        "terms_clause_tally_lock",
        _supplier_key(),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("terms_clause_tally_lock")
    op.drop_table("terms_clause_tally")
