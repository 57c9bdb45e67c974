"""terms of engagement

Revision ID: db705c161d9d
Revises: 9192696c0f63
Create Date: 2026-11-25 14:39:13.921659
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import vrm.db

revision: str = "db705c161d9d"
down_revision: str | None = "9192696c0f63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "terms_signing_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_jwk", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms_signing_key")),
        sa.UniqueConstraint("kid", name=op.f("uq_terms_signing_key_kid")),
    )
    op.create_table(
        "terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("created_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'withdrawn')", name=op.f("ck_terms_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_terms_member_id_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms")),
        sa.UniqueConstraint("member_id", name=op.f("uq_terms_member_id")),
    )
    op.create_table(
        "terms_clause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=80), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["member.id"],
            name=op.f("fk_terms_clause_created_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms_clause")),
        sa.UniqueConstraint("identifier", name=op.f("uq_terms_clause_identifier")),
    )
    op.create_table(
        "terms_clause_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("standard", sa.String(length=300), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clause_id"],
            ["terms_clause.id"],
            name=op.f("fk_terms_clause_version_clause_id_terms_clause"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["member.id"],
            name=op.f("fk_terms_clause_version_published_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms_clause_version")),
        sa.UniqueConstraint("clause_id", "version", name=op.f("uq_terms_clause_version_clause_id")),
    )
    with op.batch_alter_table("terms_clause_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_terms_clause_version_clause_id"), ["clause_id"], unique=False
        )

    op.create_table(
        "terms_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("canonical", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["terms_id"],
            ["terms.id"],
            name=op.f("fk_terms_version_terms_id_terms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms_version")),
        sa.UniqueConstraint("terms_id", "number", name=op.f("uq_terms_version_terms_id")),
    )
    with op.batch_alter_table("terms_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_terms_version_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_terms_version_terms_id"), ["terms_id"], unique=False)

    op.create_table(
        "terms_proffer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("terms_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("created_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", vrm.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'superseded', 'withdrawn')",
            name=op.f("ck_terms_proffer_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["member.id"],
            name=op.f("fk_terms_proffer_decided_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_terms_proffer_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_terms_proffer_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["terms_version_id"],
            ["terms_version.id"],
            name=op.f("fk_terms_proffer_terms_version_id_terms_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms_proffer")),
        sa.UniqueConstraint(
            "supplier_id", "terms_version_id", name=op.f("uq_terms_proffer_supplier_id")
        ),
    )
    with op.batch_alter_table("terms_proffer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_terms_proffer_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_terms_proffer_supplier_id"), ["supplier_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_terms_proffer_terms_version_id"), ["terms_version_id"], unique=False
        )

    op.create_table(
        "terms_standing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("clause_version_id", sa.Integer(), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clause_version_id"],
            ["terms_clause_version.id"],
            name=op.f("fk_terms_standing_clause_version_id_terms_clause_version"),
        ),
        sa.ForeignKeyConstraint(
            ["declared_by_id"],
            ["member.id"],
            name=op.f("fk_terms_standing_declared_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_terms_standing_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms_standing")),
        sa.UniqueConstraint(
            "supplier_id", "clause_version_id", name=op.f("uq_terms_standing_supplier_id")
        ),
    )
    with op.batch_alter_table("terms_standing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_terms_standing_clause_version_id"), ["clause_version_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_terms_standing_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "terms_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("terms_version_id", sa.Integer(), nullable=False),
        sa.Column("proffer_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("receipt_id", sa.String(length=36), nullable=False),
        sa.Column("receipt_jws", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["member.id"],
            name=op.f("fk_terms_agreement_accepted_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_terms_agreement_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proffer_id"],
            ["terms_proffer.id"],
            name=op.f("fk_terms_agreement_proffer_id_terms_proffer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_terms_agreement_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["terms_version_id"],
            ["terms_version.id"],
            name=op.f("fk_terms_agreement_terms_version_id_terms_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms_agreement")),
        sa.UniqueConstraint("receipt_id", name=op.f("uq_terms_agreement_receipt_id")),
        sa.UniqueConstraint(
            "supplier_id", "terms_version_id", name=op.f("uq_terms_agreement_supplier_id")
        ),
    )
    with op.batch_alter_table("terms_agreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_terms_agreement_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_terms_agreement_supplier_id"), ["supplier_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_terms_agreement_terms_version_id"), ["terms_version_id"], unique=False
        )

    op.create_table(
        "terms_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("clause", sa.String(length=80), nullable=False),
        sa.Column("kept", sa.Boolean(), nullable=False),
        sa.Column("account", sa.String(length=2000), nullable=False),
        sa.Column("created_at", vrm.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answer_html", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", vrm.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["terms_agreement.id"],
            name=op.f("fk_terms_report_agreement_id_terms_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["member.id"],
            name=op.f("fk_terms_report_answered_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_terms_report_supplier_id_supplier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms_report")),
    )
    with op.batch_alter_table("terms_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_terms_report_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_terms_report_supplier_id"), ["supplier_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("terms_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terms_report_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_terms_report_agreement_id"))

    op.drop_table("terms_report")
    with op.batch_alter_table("terms_agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terms_agreement_terms_version_id"))
        batch_op.drop_index(batch_op.f("ix_terms_agreement_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_terms_agreement_member_id"))

    op.drop_table("terms_agreement")
    with op.batch_alter_table("terms_standing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terms_standing_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_terms_standing_clause_version_id"))

    op.drop_table("terms_standing")
    with op.batch_alter_table("terms_proffer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terms_proffer_terms_version_id"))
        batch_op.drop_index(batch_op.f("ix_terms_proffer_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_terms_proffer_member_id"))

    op.drop_table("terms_proffer")
    with op.batch_alter_table("terms_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terms_version_terms_id"))
        batch_op.drop_index(batch_op.f("ix_terms_version_sha256"))

    op.drop_table("terms_version")
    with op.batch_alter_table("terms_clause_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terms_clause_version_clause_id"))

    op.drop_table("terms_clause_version")
    op.drop_table("terms_clause")
    op.drop_table("terms")
    op.drop_table("terms_signing_key")
