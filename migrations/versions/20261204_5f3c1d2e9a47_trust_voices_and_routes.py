"""voices and escalation routes

Reviews (and each revision) say whose experience they tell: the writer's own ("self",
every existing review) or someone the writer speaks for. Operators' escalation routes per
sector, and public bodies' own complaints pages and GOV.UK identifiers.

Revision ID: 5f3c1d2e9a47
Revises: 3f1c2b7d9a10
Create Date: 2026-12-04 15:10:00
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

import vrm.db

revision: str = "5f3c1d2e9a47"
down_revision: str | None = "3f1c2b7d9a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VOICES = ("self", "advocate", "carer", "relative", "councillor", "mp_office")
NEVER_REUSED = ("review",)  # a copy of vrm.db.NEVER_REUSED_IDS's tables touched here


@contextmanager
def _batch(table: str) -> Iterator[BatchOperations]:
    """SQLite rebuilds the table for a CHECK constraint: keep its AUTOINCREMENT, and the
    highest id it ever handed out (an erased review's id is never given again)."""
    if op.get_bind().dialect.name != "sqlite":
        with op.batch_alter_table(table) as batch_op:
            yield batch_op
        return
    autoincrement = table in NEVER_REUSED
    read = sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t")
    high = op.get_bind().execute(read, {"t": table}).scalar() if autoincrement else None
    with op.batch_alter_table(
        table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ) as batch_op:
        yield batch_op
    if high is not None:
        op.execute(
            sa.text("UPDATE sqlite_sequence SET seq = MAX(seq, :high) WHERE name = :t").bindparams(
                high=high, t=table
            )
        )


def upgrade() -> None:
    op.create_table(
        "escalation_route",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("nation", sa.String(length=20), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("explanation", sa.String(length=1000), nullable=False),
        sa.Column("created_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "nation IS NULL OR nation IN ('England', 'Scotland', 'Wales', 'Northern Ireland')",
            name=op.f("ck_escalation_route_nation_known"),
        ),
        sa.CheckConstraint("url LIKE 'https://%'", name=op.f("ck_escalation_route_url_https")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_route")),
    )
    op.create_index(
        op.f("ix_escalation_route_sector"), "escalation_route", ["sector"], unique=False
    )
    op.create_table(
        "complaints_contact",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("complaints_url", sa.String(length=500), nullable=True),
        sa.Column("gov_uk_slug", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "complaints_url IS NULL OR complaints_url LIKE 'https://%'",
            name=op.f("ck_complaints_contact_url_https"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_complaints_contact_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("supplier_id", name=op.f("pk_complaints_contact")),
    )
    for table in ("review", "review_revision"):
        with _batch(table) as batch_op:
            batch_op.add_column(
                sa.Column("voice", sa.String(length=20), nullable=False, server_default="self")
            )
            batch_op.create_check_constraint(
                op.f(f"ck_{table}_voice_known"), f"voice IN {VOICES!r}"
            )


def downgrade() -> None:
    op.drop_table("complaints_contact")
    op.drop_index(op.f("ix_escalation_route_sector"), table_name="escalation_route")
    op.drop_table("escalation_route")
    for table in ("review_revision", "review"):
        with _batch(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_voice_known"), type_="check")
            batch_op.drop_column("voice")
