"""agreements that accept some clauses; activity and watch ids never reused

Parley itself is a party to its members' terms: it accepts the clauses it honours and
declines the rest with a reason, in one agreement. ``clauses`` lists the identifiers an
agreement accepted (NULL: the whole version, as representatives accept it) and
``declined`` the ones it did not, each with its reason.

On SQLite, ``activity_event`` (its id is in every Atom entry's id) and ``watch`` (in
the unwatch URL) get AUTOINCREMENT, like the tables of 65e1a7c60f4e: an erased member's
row id is never handed to a new row.

Revision ID: 3f1c2b7d9a10
Revises: d1107aaf3f1b
Create Date: 2026-12-04 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f1c2b7d9a10"
down_revision: str | None = "d1107aaf3f1b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NEVER_REUSED = ("activity_event", "watch")


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's sequences never go back
    for table in NEVER_REUSED:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    with op.batch_alter_table("terms_agreement") as batch_op:
        batch_op.add_column(sa.Column("clauses", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("declined", sa.JSON(), nullable=True))
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
    with op.batch_alter_table("terms_agreement") as batch_op:
        batch_op.drop_column("declined")
        batch_op.drop_column("clauses")
