"""notifications name their rows by foreign key, not by a stored URL

A notification now holds the ids of what it is about (review, message, supplier,
agreement, terms report), each ON DELETE CASCADE, and its link is built when it is shown.
Erasing a member's reviews takes the notifications about them along, without matching
URLs with LIKE.

Existing rows are converted by reading their stored links (with or without a script
root in front): ``/reviews/N[#message-M]``, ``/agreements/N``, ``/s/SLUG/…`` (the slug
looked up among current and old slugs) and ``/s/SLUG/terms#report-N``. A row whose link
names a row that no longer exists is deleted: it could only lead to a missing page.

Downgrade writes the plain paths back from the ids.

Revision ID: 5a7d2c9e1b34
Revises: c3b1f0a2d9e4
Create Date: 2026-12-04 15:20:00
"""

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "5a7d2c9e1b34"
down_revision: str | None = "c3b1f0a2d9e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# column → the table it names (a copy: a migration keeps meaning what it meant)
TARGETS = {
    "review_id": "review",
    "message_id": "review_message",
    "supplier_id": "supplier",
    "agreement_id": "terms_agreement",
    "report_id": "terms_report",
}
CHUNK = 1000

_REVIEW = re.compile(r"/reviews/(\d+)(?:#message-(\d+))?$")
_AGREEMENT = re.compile(r"/agreements/(\d+)$")
_SUPPLIER = re.compile(r"/s/([^/#?]+)(/represent|/terms/proffers|/terms|)(?:#(.*))?$")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _batch() -> Any:
    if _sqlite():  # rebuilding the table: keep its ids never reused (AUTOINCREMENT)
        return op.batch_alter_table(
            "notification", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        )
    return op.batch_alter_table("notification")


def _parse(link: str, slugs: dict[str, int]) -> dict[str, int] | None:
    """The ids a stored link names; {} when it names nothing; None when it names a
    supplier that is not there."""
    link = link.split("?")[0]
    if match := _REVIEW.search(link):
        ids = {"review_id": int(match[1])}
        if match[2]:
            ids["message_id"] = int(match[2])
        return ids
    if match := _AGREEMENT.search(link):
        return {"agreement_id": int(match[1])}
    if match := _SUPPLIER.search(link):
        supplier_id = slugs.get(match[1])
        if supplier_id is None:
            return None
        ids = {"supplier_id": supplier_id}
        if match[3] and match[3].startswith("report-") and match[3][7:].isdigit():
            ids["report_id"] = int(match[3][7:])
        return ids
    return {}


def upgrade() -> None:
    with _batch() as batch_op:
        for column, table in TARGETS.items():
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                f"fk_notification_{column}_{table}", table, [column], ["id"], ondelete="CASCADE"
            )
            batch_op.create_index(f"ix_notification_{column}", [column])
    bind = op.get_bind()
    slugs = dict(
        bind.execute(sa.text("SELECT old_slug, supplier_id FROM supplier_slug_redirect")).all()
    )
    slugs |= dict(bind.execute(sa.text("SELECT slug, id FROM supplier")).all())
    existing = {
        column: set(bind.scalars(sa.select(sa.table(table, sa.column("id")).c.id)))
        for column, table in TARGETS.items()
        if column != "supplier_id"
    }
    notification = sa.table("notification", sa.column("id"), sa.column("link"),
                            *(sa.column(c) for c in TARGETS))  # fmt: skip
    last = 0
    while True:
        rows = bind.execute(
            sa.select(notification.c.id, notification.c.link)
            .where(notification.c.id > last)
            .order_by(notification.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            break
        updates, gone = [], []
        for row in rows:
            ids = _parse(row.link or "", slugs)
            if ids is None or any(
                value not in existing[column] for column, value in ids.items() if column in existing
            ):
                gone.append(row.id)
            elif ids:
                updates.append({"nid": row.id, **{c: ids.get(c) for c in TARGETS}})
        if gone:
            bind.execute(sa.delete(notification).where(notification.c.id.in_(gone)))
        if updates:
            bind.execute(
                sa.update(notification)
                .where(notification.c.id == sa.bindparam("nid"))
                .values({c: sa.bindparam(c) for c in TARGETS}),
                updates,
            )
        last = rows[-1].id
    with _batch() as batch_op:
        batch_op.drop_column("link")


def _path(row: Any, slugs: dict[int, str]) -> str:
    if row.review_id is not None:
        anchor = f"#message-{row.message_id}" if row.message_id is not None else ""
        return f"/reviews/{row.review_id}{anchor}"
    if row.agreement_id is not None:
        return f"/agreements/{row.agreement_id}"
    if row.kind == "terms_declined":
        return "/account/agreements"
    slug = slugs.get(row.supplier_id)
    if slug is None:
        return "/"
    if row.kind == "claim_verified":
        return f"/s/{slug}/represent"
    if row.kind == "terms_proffered":
        return f"/s/{slug}/terms/proffers"
    if row.kind == "terms_broken":
        return f"/s/{slug}/terms" + (f"#report-{row.report_id}" if row.report_id else "")
    return f"/s/{slug}#over-time" if row.kind == "shift" else f"/s/{slug}"


def downgrade() -> None:
    with _batch() as batch_op:
        batch_op.add_column(sa.Column("link", sa.String(500), nullable=False, server_default="/"))
    bind = op.get_bind()
    slugs = dict(bind.execute(sa.text("SELECT id, slug FROM supplier")).all())
    rows = bind.execute(sa.text(
        "SELECT id, kind, review_id, message_id, supplier_id, agreement_id, report_id "
        "FROM notification"
    )).all()  # fmt: skip
    if rows:
        bind.execute(
            sa.text("UPDATE notification SET link = :link WHERE id = :nid"),
            [{"nid": row.id, "link": _path(row, slugs)} for row in rows],
        )
    with _batch() as batch_op:
        for column, table in TARGETS.items():
            batch_op.drop_index(f"ix_notification_{column}")
            batch_op.drop_constraint(f"fk_notification_{column}_{table}", type_="foreignkey")
            batch_op.drop_column(column)
        batch_op.alter_column("link", server_default=None)
