"""watching sectors, areas and saved searches; change-point state and shifts

The supplier-only watch table grows a kind, a target key (unique per member: watching
again is an upsert), a mode (every review, or only real shifts) and the columns of the
other targets. Existing watches are kept: each becomes kind "supplier", target
"supplier:<id>", mode "every" (what they did before).

Revision ID: 3d5001fda318
Revises: a7b8c9d0e1f2
Create Date: 2026-12-04 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import vrm.db

revision: str = "3d5001fda318"
down_revision: str | None = "a7b8c9d0e1f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("watch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="supplier")
        )
        batch_op.add_column(sa.Column("target", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("mode", sa.String(length=16), nullable=False, server_default="every")
        )
        batch_op.add_column(sa.Column("sector", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("search_query", sa.String(length=1000), nullable=True))
    op.execute("UPDATE watch SET target = 'supplier:' || CAST(supplier_id AS VARCHAR(20))")
    with op.batch_alter_table("watch", schema=None) as batch_op:
        batch_op.alter_column("target", existing_type=sa.String(length=80), nullable=False)
        batch_op.alter_column("supplier_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("kind", server_default=None)
        batch_op.alter_column("mode", server_default=None)
        batch_op.drop_constraint("uq_watch_member_id", type_="unique")
        batch_op.create_unique_constraint("uq_watch_member_target", ["member_id", "target"])
        batch_op.create_check_constraint(
            "kind_known", "kind IN ('supplier', 'sector', 'area', 'search')"
        )
        batch_op.create_check_constraint("mode_known", "mode IN ('every', 'shifts')")
        batch_op.create_foreign_key(
            batch_op.f("fk_watch_area_id_area"), "area", ["area_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index(batch_op.f("ix_watch_target"), ["target"], unique=False)
        batch_op.create_index(batch_op.f("ix_watch_sector"), ["sector"], unique=False)
        batch_op.create_index(batch_op.f("ix_watch_area_id"), ["area_id"], unique=False)

    op.create_table(
        "shift_state",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_shift_state_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("supplier_id", name=op.f("pk_shift_state")),
    )
    op.create_table(
        "supplier_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("since", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("detected_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before_mean", sa.Double(), nullable=False),
        sa.Column("after_mean", sa.Double(), nullable=False),
        sa.Column("after_low", sa.Double(), nullable=False),
        sa.Column("after_high", sa.Double(), nullable=False),
        sa.Column("before_count", sa.Integer(), nullable=False),
        sa.Column("after_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_supplier_shift_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_shift")),
    )
    with op.batch_alter_table("supplier_shift", schema=None) as batch_op:
        batch_op.create_index("ix_supplier_shift_detected", ["detected_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supplier_shift_supplier_id"), ["supplier_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("supplier_shift")
    op.drop_table("shift_state")
    # Only supplier watches existed before; the others cannot be kept.
    op.execute("DELETE FROM watch WHERE kind <> 'supplier'")
    with op.batch_alter_table("watch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watch_area_id"))
        batch_op.drop_index(batch_op.f("ix_watch_sector"))
        batch_op.drop_index(batch_op.f("ix_watch_target"))
        batch_op.drop_constraint(batch_op.f("fk_watch_area_id_area"), type_="foreignkey")
        batch_op.drop_constraint("mode_known", type_="check")
        batch_op.drop_constraint("kind_known", type_="check")
        batch_op.drop_constraint("uq_watch_member_target", type_="unique")
        batch_op.create_unique_constraint("uq_watch_member_id", ["member_id", "supplier_id"])
        batch_op.alter_column("supplier_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("search_query")
        batch_op.drop_column("area_id")
        batch_op.drop_column("sector")
        batch_op.drop_column("mode")
        batch_op.drop_column("target")
        batch_op.drop_column("kind")
