"""bounded postgres search

What lets a PostgreSQL search stop early instead of reading every match
(vrm/search/postgres/backend.py): a small vector of the heavy fields (name, aliases,
domain, title) and one of adjacent word pairs for phrases, each under a GIN index;
indexes on the facets and the sorts; short GIN pending lists. Adding the two generated
columns rewrites search_document once. Nothing on SQLite.

Revision ID: dc7428624d01
Revises: 9d4a6b2c8e15
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

from alembic import op

from vrm.search.postgres.tables import BOUNDED_DROP_STATEMENTS, bounded_statements

revision: str = "dc7428624d01"
down_revision: str | None = "9d4a6b2c8e15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in bounded_statements():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in BOUNDED_DROP_STATEMENTS:
        op.execute(statement)
