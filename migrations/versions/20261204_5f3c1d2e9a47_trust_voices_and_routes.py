"""voices and escalation routes

Reviews (and each revision) say whose experience they tell: the writer's own ("self",
every existing review) or someone the writer speaks for.

Revision ID: 5f3c1d2e9a47
Revises: edc98a0b21ea
Create Date: 2026-12-04 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5f3c1d2e9a47"
down_revision: str | None = "edc98a0b21ea"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VOICES = ("self", "advocate", "carer", "relative", "councillor", "mp_office")


def upgrade() -> None:
    for table in ("review", "review_revision"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("voice", sa.String(length=20), nullable=False, server_default="self")
            )
            batch_op.create_check_constraint(
                op.f(f"ck_{table}_voice_known"), f"voice IN {VOICES!r}"
            )


def downgrade() -> None:
    for table in ("review_revision", "review"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_voice_known"), type_="check")
            batch_op.drop_column("voice")
