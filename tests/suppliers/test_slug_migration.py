"""The Unicode slug migration: names that lost letters get their transliterated slug,
their old slug keeps answering through a redirect row, plain ASCII slugs stay as they are."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from tests.support.scratch_db import scratch_database
from vrm.schema import alembic_config

BEFORE, AFTER = "edc98a0b21ea", "c3b1f0a2d9e4"

SUPPLIERS = [
    # id, old slug, name, merged into
    (1, "rsted", "Ørsted", None),
    (2, "supplier", "Газпром", None),
    (3, "supplier-2", "中国移动", None),
    (4, "octopus-energy", "Octopus Energy", None),
    (5, "ynys-mon-council", "Ynys Môn Council", None),  # NFKD kept every letter
    (6, "gazprom", "Gazprom", None),  # the transliteration is taken: -2
    (7, "supplier-3", "Газпром", 6),  # merged away: only leads to where it went
]


def test_slugs_that_lost_letters_move_and_the_old_ones_redirect(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, BEFORE)
        engine = sa.create_engine(url)
        with engine.begin() as db:
            for id_, slug, name, _merged in SUPPLIERS:
                db.execute(
                    sa.text(
                        "INSERT INTO supplier (id, slug, name, kind, sector, description, "
                        "visibility, created_at, merged_into_id) VALUES (:id, :slug, :name, "
                        "'business', 'energy', '', 'public', '2026-01-01 00:00:00', NULL)"
                    ),
                    {"id": id_, "slug": slug, "name": name},
                )
            for id_, _slug, _name, merged in SUPPLIERS:
                if merged:
                    db.execute(
                        sa.text("UPDATE supplier SET merged_into_id = :m WHERE id = :id"),
                        {"m": merged, "id": id_},
                    )
            db.execute(
                sa.text(
                    "INSERT INTO supplier_slug_redirect (old_slug, supplier_id) "
                    "VALUES ('supplier-3', 6)"
                )
            )
        command.upgrade(config, AFTER)
        with engine.connect() as db:
            slugs = dict(db.execute(sa.text("SELECT id, slug FROM supplier")).all())
            redirects = dict(
                db.execute(
                    sa.text("SELECT old_slug, supplier_id FROM supplier_slug_redirect")
                ).all()
            )
        assert slugs == {
            1: "orsted",
            2: "gazprom-2",
            3: "zhong-guo-yi-dong",
            4: "octopus-energy",
            5: "ynys-mon-council",
            6: "gazprom",
            7: "supplier-3",
        }
        assert redirects == {"rsted": 1, "supplier": 2, "supplier-2": 3, "supplier-3": 6}
        command.downgrade(config, BEFORE)  # keeps the new slugs; both addresses work
        with engine.connect() as db:
            assert db.scalar(sa.text("SELECT slug FROM supplier WHERE id = 1")) == "orsted"
        engine.dispose()
