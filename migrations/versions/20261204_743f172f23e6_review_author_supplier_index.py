"""review author supplier index

Posting checks for the member's live review of the supplier (reviews.queries.
live_review_by). The partial unique index cannot serve that query (its WHERE has a
condition the query lacks), so the planner walked every live review of the supplier:
35 ms at 100,000. This index answers it in a few rows whatever the supplier's history.

Revision ID: 743f172f23e6
Revises: 3d5001fda318
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "743f172f23e6"
down_revision: str | None = "3d5001fda318"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_review_author_supplier_status", "review", ["author_id", "supplier_id", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_review_author_supplier_status", table_name="review")
