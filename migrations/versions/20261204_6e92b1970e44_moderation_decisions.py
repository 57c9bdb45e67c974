"""moderation decisions

Every moderation decision on a review, citing a published rule, and the monthly tallies
the transparency page reads (kept on write). Reviews hidden before this cited no rule;
their tombstones say that no decision is recorded.

Revision ID: 6e92b1970e44
Revises: 743f172f23e6
Create Date: 2026-12-04 08:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import vrm.db

revision: str = "6e92b1970e44"
down_revision: str | None = "743f172f23e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "moderation_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("supplier_reports", sa.Integer(), nullable=False),
        sa.Column("created_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('hidden', 'restored', 'dismissed')",
            name=op.f("ck_moderation_decision_action_known"),
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["member.id"],
            name=op.f("fk_moderation_decision_moderator_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_moderation_decision_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_decision")),
    )
    op.create_index(op.f("ix_moderation_decision_review_id"), "moderation_decision", ["review_id"])
    op.create_index(
        op.f("ix_moderation_decision_created_at"), "moderation_decision", ["created_at"]
    )
    op.create_table(
        "moderation_tally",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "action", "rule", name=op.f("pk_moderation_tally")),
    )


def downgrade() -> None:
    op.drop_table("moderation_tally")
    op.drop_index(op.f("ix_moderation_decision_created_at"), table_name="moderation_decision")
    op.drop_index(op.f("ix_moderation_decision_review_id"), table_name="moderation_decision")
    op.drop_table("moderation_decision")
