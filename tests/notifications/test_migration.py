"""The migration from stored URLs to foreign keys: each existing notification keeps what
it is about, a link to something gone goes, and afterwards deleting a review takes its
notifications with it (ON DELETE CASCADE). Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from tests.support.scratch_db import scratch_database
from vrm.schema import alembic_config

BEFORE, AFTER = "c3b1f0a2d9e4", "5a7d2c9e1b34"
WHEN = "2026-01-01 00:00:00"

NOTES = [
    # id, kind, stored link → what it names afterwards (None: the row goes)
    (1, "review_posted", "/reviews/10", {"review_id": 10}),
    (2, "review_answered", "/parley/reviews/10#message-20", {"review_id": 10, "message_id": 20}),
    (3, "claim_verified", "/s/acme/represent", {"supplier_id": 3}),
    (4, "terms_proffered", "/s/old-acme/terms/proffers", {"supplier_id": 3}),
    (5, "terms_declined", "/account/agreements", {}),
    (6, "shift", "/s/acme#over-time", {"supplier_id": 3}),
    (7, "review_posted", "/reviews/99", None),  # that review is gone
    (8, "terms_accepted", "/agreements/5", None),  # so is that agreement
    (9, "test", "/", {}),
]
COLUMNS = ("review_id", "message_id", "supplier_id", "agreement_id", "report_id")


def _seed(db: sa.Connection) -> None:
    at = {"at": WHEN}
    db.execute(sa.text("INSERT INTO member (id, handle, role, created_at, session_generation) "
                       "VALUES (7, 'ann', 'member', :at, 0)"), at)  # fmt: skip
    db.execute(sa.text("INSERT INTO supplier (id, slug, name, kind, sector, description, "
                       "visibility, created_at) VALUES (3, 'acme', 'Acme', 'business', "
                       "'energy', '', 'public', :at)"), at)  # fmt: skip
    db.execute(sa.text("INSERT INTO supplier_slug_redirect (old_slug, supplier_id) "
                       "VALUES ('old-acme', 3)"))  # fmt: skip
    db.execute(sa.text("INSERT INTO review (id, supplier_id, author_id, status, visibility, "
                       "rating, title, body, body_html, experienced_on, revision_count, "
                       "helpful_count, created_at) VALUES (10, 3, 7, 'live', 'public', 4, "
                       "'Fine', 'Fine.', '<p>Fine.</p>', '2026-01-01', 1, 0, :at)"),
               at)  # fmt: skip
    db.execute(sa.text("INSERT INTO review_message (id, review_id, author_id, as_supplier, "
                       "body, body_html, states_change_made, created_at) VALUES (20, 10, 7, "
                       "false, 'Thanks', '<p>Thanks</p>', false, :at)"), at)  # fmt: skip
    for id_, kind, link, _about in NOTES:
        db.execute(
            sa.text("INSERT INTO notification (id, member_id, kind, text, link, created_at) "
                    "VALUES (:id, 7, :kind, 'Something happened', :link, :at)"),
            {"id": id_, "kind": kind, "link": link, "at": WHEN},
        )  # fmt: skip


def test_links_become_foreign_keys_and_back(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, BEFORE)
        engine = sa.create_engine(url)
        with engine.begin() as db:
            _seed(db)
        command.upgrade(config, AFTER)
        with engine.connect() as db:
            rows = db.execute(
                sa.select(sa.table("notification", *map(sa.column, ("id", *COLUMNS))))
            )
            found = {row.id: {c: getattr(row, c) for c in COLUMNS if getattr(row, c)}
                     for row in rows}  # fmt: skip
        assert found == {id_: about for id_, _k, _l, about in NOTES if about is not None}

        command.downgrade(config, BEFORE)
        with engine.connect() as db:
            links = dict(db.execute(sa.text("SELECT id, link FROM notification")).all())
        assert links == {1: "/reviews/10", 2: "/reviews/10#message-20", 3: "/s/acme/represent",
                         4: "/s/acme/terms/proffers", 5: "/account/agreements",
                         6: "/s/acme#over-time", 9: "/"}  # fmt: skip

        command.upgrade(config, AFTER)
        with engine.begin() as db:
            if db.dialect.name == "sqlite":
                db.execute(sa.text("PRAGMA foreign_keys=ON"))  # as vrm.db does
            db.execute(sa.text("DELETE FROM review_message"))
            db.execute(sa.text("DELETE FROM review"))
        with engine.connect() as db:
            left = set(db.scalars(sa.text("SELECT id FROM notification")))
        assert left == {3, 4, 5, 6, 9}  # the review's notifications went with it
        engine.dispose()
