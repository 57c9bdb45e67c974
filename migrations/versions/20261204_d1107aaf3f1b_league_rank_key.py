"""league rank key kept on write

The league scored every supplier on each view (1.7 s at 5,000 suppliers). Each
supplier's rank key is now stored beside its stats and indexed, so a league page reads
one page of suppliers. `flask db upgrade` fills the keys of existing suppliers after
migrating (vrm.cli: the rank step); until then they count as unranked.

Revision ID: d1107aaf3f1b
Revises: 5a7d2c9e1b34
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d1107aaf3f1b"
down_revision: str | None = "5a7d2c9e1b34"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reputation_stats") as batch:
        batch.add_column(sa.Column("rank_key", sa.Double(), nullable=True))
        batch.add_column(sa.Column("ranked_day", sa.Double(), nullable=True))
        batch.create_index("ix_reputation_stats_rank_key", ["rank_key"])


def downgrade() -> None:
    with op.batch_alter_table("reputation_stats") as batch:
        batch.drop_index("ix_reputation_stats_rank_key")
        batch.drop_column("ranked_day")
        batch.drop_column("rank_key")
