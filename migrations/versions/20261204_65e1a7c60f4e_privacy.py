"""privacy: no email, reviews that outlive their author, ids never reused

- ``member.email`` goes, with every address stored: Parley sends no email.
- ``review.author_id`` may be empty: a member who erases their account may leave their
  reviews as "a former member" (ON DELETE SET NULL instead of CASCADE).
- On SQLite, tables whose ids appear in URLs, anchors or receipts get AUTOINCREMENT, so
  an erased row's id is never handed to a new row (PostgreSQL's sequences never go back).
  SQLite can only add it by rebuilding the table; env.py turns foreign keys off while
  migrating, so dropping the old copy does not cascade.

Revision ID: 65e1a7c60f4e
Revises: 6e92b1970e44
Create Date: 2026-12-04 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "65e1a7c60f4e"
down_revision: str | None = "6e92b1970e44"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A copy, not an import: a migration must keep meaning what it meant when written.
NEVER_REUSED = (
    "member",
    "identity",
    "review",
    "review_message",
    "review_flag",
    "change_claim",
    "notification",
    "representative_claim",
    "terms_proffer",
    "terms_agreement",
    "terms_standing",
    "terms_report",
)
AUTHOR_FK = "fk_review_author_id_member"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _batch(table: str, autoincrement: bool) -> object:
    if _sqlite():
        return op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        )
    return op.batch_alter_table(table)


def upgrade() -> None:
    with _batch("member", True) as batch_op:  # type: ignore[attr-defined]
        batch_op.drop_column("email")
    with _batch("review", True) as batch_op:  # type: ignore[attr-defined]
        batch_op.drop_constraint(AUTHOR_FK, type_="foreignkey")
        batch_op.alter_column("author_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(AUTHOR_FK, "member", ["author_id"], ["id"], ondelete="SET NULL")
    if _sqlite():
        for table in NEVER_REUSED:
            if table not in ("member", "review"):
                with _batch(table, True):
                    pass


def downgrade() -> None:
    if _sqlite():
        for table in NEVER_REUSED:
            if table not in ("member", "review"):
                with _batch(table, False):
                    pass
    op.execute(sa.text("DELETE FROM review WHERE author_id IS NULL"))
    with _batch("review", False) as batch_op:  # type: ignore[attr-defined]
        batch_op.drop_constraint(AUTHOR_FK, type_="foreignkey")
        batch_op.alter_column("author_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(AUTHOR_FK, "member", ["author_id"], ["id"], ondelete="CASCADE")
    with _batch("member", False) as batch_op:  # type: ignore[attr-defined]
        batch_op.add_column(sa.Column("email", sa.String(254), nullable=True))
