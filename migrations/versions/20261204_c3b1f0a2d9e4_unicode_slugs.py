"""unicode slugs

Slugs used to drop every letter outside ASCII: "Ørsted" became ``rsted``, a Cyrillic or
Chinese name ``supplier`` (then ``supplier-2``…). The rule now transliterates
(vrm.suppliers.naming.slugify). Here each current supplier whose name lost letters under
the old rule gets its new slug, and its old slug becomes a redirect row, so every old
address still answers (301 to the new one, vrm.suppliers.queries.public_by_slug).
Suppliers whose names are plain ASCII keep their slugs exactly; merged-away suppliers
keep theirs (they only lead to where they were merged).

The rule is frozen here, as it was when this ran, so that a later change to the app's
slugify cannot change what this migration does.

Downgrade keeps the new slugs: the old code reads the redirect rows too, so both the new
and the old addresses go on working.

Revision ID: c3b1f0a2d9e4
Revises: edc98a0b21ea
Create Date: 2026-12-04 15:00:00
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from slugify import slugify as _slugify

revision: str = "c3b1f0a2d9e4"
down_revision: str | None = "edc98a0b21ea"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SLUG_MAX = 100


def slugify(text: str) -> str:
    slug = _slugify(text, replacements=[["&", " and "], ["'", ""], ["’", ""]], lowercase=True)
    return slug[:SLUG_MAX].rstrip("-") or "supplier"


def lost_letters(name: str) -> bool:
    """Whether the old rule (NFKD, then drop what is not ASCII) dropped a letter or digit."""
    return any(
        ch.isalnum() and not unicodedata.normalize("NFKD", ch).encode("ascii", "ignore")
        for ch in name
    )


def new_slug(name: str, area: str | None, taken: set[str]) -> str:
    """The app's unique_slug of that day: the name, then with its area, then -2, -3…"""
    slug = base = slugify(name)
    if slug in taken and area is not None:
        slug = slugify(f"{base} {area}")
    number = 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


supplier = sa.table(
    "supplier",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("slug", sa.String),
    sa.column("area_id", sa.Integer),
    sa.column("merged_into_id", sa.Integer),
)
area = sa.table("area", sa.column("id", sa.Integer), sa.column("name", sa.String))
redirect = sa.table(
    "supplier_slug_redirect",
    sa.column("old_slug", sa.String),
    sa.column("supplier_id", sa.Integer),
)


def upgrade() -> None:
    bind = op.get_bind()
    taken = set(bind.scalars(sa.select(supplier.c.slug)))
    taken |= set(bind.scalars(sa.select(redirect.c.old_slug)))
    rows = bind.execute(
        sa.select(supplier.c.id, supplier.c.name, supplier.c.slug, area.c.name.label("area"))
        .outerjoin(area, area.c.id == supplier.c.area_id)
        .where(supplier.c.merged_into_id.is_(None))
        .order_by(supplier.c.id)
    ).all()
    for row in rows:
        if not lost_letters(row.name) or slugify(row.name) == row.slug:
            continue
        slug = new_slug(row.name, row.area, taken)
        taken.add(slug)
        bind.execute(sa.update(supplier).where(supplier.c.id == row.id).values(slug=slug))
        bind.execute(sa.insert(redirect).values(old_slug=row.slug, supplier_id=row.id))


def downgrade() -> None:
    pass
