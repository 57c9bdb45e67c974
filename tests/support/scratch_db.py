"""An empty database to run migrations in, apart from the test database.

SQLite: a file under TMP. PostgreSQL (PARLEY_TEST_DATABASE_URL): a schema of its own in
the test database, made the connection's search_path, dropped afterwards, so a test can
migrate step by step without touching the tables the other tests use.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa


@contextmanager
def scratch_database(tmp: Path) -> Iterator[str]:
    url = os.environ.get("PARLEY_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp / 'scratch.db'}"
        return
    schema = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as db:
        db.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as db:
            db.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
