"""postgres search

The PostgreSQL search backend's tables (vrm/search/postgres/tables.py): documents with
stored generated tsvector columns and GIN indexes, and the word list for "did you mean"
(a pg_trgm index). Nothing on SQLite, where only Whoosh searches. unaccent is used when
the server has it; without it accents are kept. Run `flask search reindex` once after
choosing PARLEY_SEARCH_BACKEND=postgres on an existing database: it fills the table.

Revision ID: 3c1f9a2b7d10
Revises: 5f3c1d2e9a47
Create Date: 2026-12-04 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from vrm.search.postgres.tables import DROP_STATEMENTS, create_statements

revision: str = "3c1f9a2b7d10"
down_revision: str | None = "5f3c1d2e9a47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _has_unaccent(connection: sa.Connection) -> bool:
    available = connection.scalar(
        sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'unaccent'")
    )
    if not available:
        return False
    try:
        with connection.begin_nested():
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public"))
    except sa.exc.DBAPIError:  # not allowed to create it: accents stay as typed
        return False
    return True


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    for statement in create_statements(with_unaccent=_has_unaccent(connection)):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in DROP_STATEMENTS:
        op.execute(statement)
