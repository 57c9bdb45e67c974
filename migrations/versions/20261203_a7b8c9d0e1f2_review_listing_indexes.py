"""review listing indexes

The supplier page reads ten reviews in order (newest, by rating, most helpful); these
indexes let it read just those ten instead of sorting every review of the supplier.

Revision ID: a7b8c9d0e1f2
Revises: f6a7b8c9d0e1
Create Date: 2026-12-03 22:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a7b8c9d0e1f2"
down_revision: str | None = "f6a7b8c9d0e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A copy, not an import: a migration must keep meaning what it meant when written.
LISTING_INDEXES = {
    "newest": ("supplier_id", "status", "visibility", "created_at", "id"),
    "rating": ("supplier_id", "status", "visibility", "rating", "created_at", "id"),
    "helpful": ("supplier_id", "status", "visibility", "helpful_count", "created_at", "id"),
}


def upgrade() -> None:
    for name, columns in LISTING_INDEXES.items():
        op.create_index(f"ix_review_supplier_by_{name}", "review", list(columns))


def downgrade() -> None:
    for name in LISTING_INDEXES:
        op.drop_index(f"ix_review_supplier_by_{name}", table_name="review")
