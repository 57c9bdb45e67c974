"""The watching migration keeps every existing supplier watch, as "every new review"."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from vrm.schema import alembic_config

BEFORE, AFTER = "a7b8c9d0e1f2", "3d5001fda318"


def test_existing_watches_survive_the_migration_and_its_reversal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = alembic_config(url)
    command.upgrade(config, BEFORE)
    engine = sa.create_engine(url)
    with engine.begin() as db:
        db.execute(sa.text("INSERT INTO member (id, handle, role, created_at, session_generation) "
                           "VALUES (7, 'ann', 'member', '2026-01-01 00:00:00', 0)"))  # fmt: skip
        db.execute(sa.text("INSERT INTO supplier (id, slug, name, kind, sector, description, "
                           "visibility, created_at) VALUES (3, 'acme', 'Acme', 'business', "
                           "'energy', '', 'public', '2026-01-01 00:00:00')"))  # fmt: skip
        db.execute(sa.text("INSERT INTO watch (member_id, supplier_id, created_at) "
                           "VALUES (7, 3, '2026-01-02 00:00:00')"))  # fmt: skip
    command.upgrade(config, AFTER)
    with engine.connect() as db:
        rows = db.execute(sa.text("SELECT member_id, kind, target, mode FROM watch")).all()
    assert rows == [(7, "supplier", "supplier:3", "every")]
    command.downgrade(config, BEFORE)
    with engine.connect() as db:
        assert db.execute(sa.text("SELECT member_id, supplier_id FROM watch")).all() == [(7, 3)]
    engine.dispose()
