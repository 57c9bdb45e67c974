"""The voices migration: existing reviews and revisions become the writer's own, and on
SQLite the rebuilt review table keeps AUTOINCREMENT and its highest id ever given."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from vrm.schema import alembic_config

BEFORE, AFTER = "edc98a0b21ea", "5f3c1d2e9a47"


def test_existing_reviews_become_own_experiences_and_ids_stay_unused(tmp_path: Path) -> None:
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
        insert = sa.text(
            "INSERT INTO review (id, supplier_id, author_id, status, visibility, rating, "
            "title, body, body_html, experienced_on, revision_count, helpful_count, "
            "created_at) VALUES (:id, 3, 7, :status, 'public', 4, 'Fine', 'b', '<p>b</p>', "
            "'2026-01-01', 1, 0, '2026-01-02 00:00:00')"
        )
        db.execute(insert, {"id": 1, "status": "live"})
        db.execute(insert, {"id": 2, "status": "withdrawn"})
        db.execute(sa.text("DELETE FROM review WHERE id = 2"))  # erased: 2 never comes back
    command.upgrade(config, AFTER)
    with engine.begin() as db:
        assert db.execute(sa.text("SELECT id, voice FROM review")).all() == [(1, "self")]
        assert (
            db.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'review'")).scalar()
            == 2
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.execute(sa.text("UPDATE review SET voice = 'judge' WHERE id = 1"))
    command.downgrade(config, BEFORE)
    with engine.connect() as db:
        assert db.execute(sa.text("SELECT id FROM review")).all() == [(1,)]
    engine.dispose()
