"""agreements that accept some clauses

Parley itself is a party to its members' terms: it accepts the clauses it honours and
declines the rest with a reason, in one agreement. ``clauses`` lists the identifiers an
agreement accepted (NULL: the whole version, as representatives accept it) and
``declined`` the ones it did not, each with its reason.

Revision ID: 3f1c2b7d9a10
Revises: edc98a0b21ea
Create Date: 2026-12-04 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f1c2b7d9a10"
down_revision: str | None = "edc98a0b21ea"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("terms_agreement") as batch_op:
        batch_op.add_column(sa.Column("clauses", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("declined", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("terms_agreement") as batch_op:
        batch_op.drop_column("declined")
        batch_op.drop_column("clauses")
