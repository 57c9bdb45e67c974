"""`flask search reindex` never blocks the site: it reads in short read-only transactions,
so pages answer and writers commit while it runs, and what they change reaches the new
index. Its own SQLite file and real commits: SQLite's single write lock is the point (on
PostgreSQL a read never blocks a writer anyway)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import insert, select

from tests.conftest import make_settings
from tests.search.factories import make_supplier
from vrm import create_app
from vrm.db import get_db
from vrm.members.models import Member
from vrm.reputation.recompute import recompute_supplier
from vrm.reviews.models import Review
from vrm.schema import alembic_config
from vrm.search import handlers, rebuild, searching
from vrm.search.cli import search_group
from vrm.search.location import index_dir
from vrm.search.searching import SearchRequest

REVIEWS = 300


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Flask]:
    url = f"sqlite:///{tmp_path / 'serving.db'}"
    command.upgrade(alembic_config(url), "heads")
    app = create_app(make_settings(url, tmp_path / "instance", search_dir=tmp_path / "search"))
    with app.app_context(), get_db(app).session_factory() as session:
        supplier = make_supplier(session, "Lapwing Energy")
        session.execute(insert(Member), [{"handle": f"m{n}"} for n in range(REVIEWS)])
        members = session.scalars(select(Member.id).order_by(Member.id)).all()
        when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        session.execute(
            insert(Review),
            [
                {
                    "supplier_id": supplier.id,
                    "author_id": member_id,
                    "rating": 1 + n % 5,
                    "title": f"Review {n}",
                    "body": "the lapwing meter",
                    "body_html": "",
                    "experienced_on": when.date(),
                    "created_at": when,
                }
                for n, member_id in enumerate(members)
            ],
        )
        recompute_supplier(session, supplier.id)
        session.commit()
    yield app
    handlers.drainer(app).stop()
    get_db(app).engine.dispose()


def total(app: Flask, text: str) -> int:
    return searching.search(index_dir(app), SearchRequest(text=text)).total


def test_pages_and_writes_go_on_while_the_index_is_rebuilt(site: Flask) -> None:
    app = site
    midway, resume = threading.Event(), threading.Event()
    seen = [0]

    def progress(step: int) -> None:
        seen[0] += step
        if seen[0] == REVIEWS // 2:  # halfway through the reviews: hold the rebuild here
            midway.set()
            assert resume.wait(30)

    database = get_db(app)
    rebuilding = threading.Thread(
        target=lambda: rebuild.rebuild(
            database.session_factory,
            index_dir(app),
            progress=progress,
            read_factory=database.read_session_factory,
        )
    )
    rebuilding.start()
    try:
        assert midway.wait(30)
        client = app.test_client()
        began = time.monotonic()
        assert client.get("/suppliers").status_code == 200
        assert client.post("/suppliers/new", data={"name": "x"}).status_code < 500
        with app.app_context(), database.session_factory() as session:
            make_supplier(session, "Plover Water")
            session.commit()  # the write lock is free: the rebuild holds no transaction
        assert time.monotonic() - began < 5  # a blocked writer waits 15 s, then fails
    finally:
        resume.set()
        rebuilding.join(60)
    assert total(app, "lapwing") == REVIEWS + 1
    assert total(app, "plover") == 1  # written meanwhile, replayed into the new index


def test_the_reindex_command_reads_with_read_only_sessions(site: Flask) -> None:
    app = site
    database = get_db(app)
    writes = []
    original = database.session_factory

    def counting() -> object:
        writes.append(1)
        return original()

    database.session_factory = counting  # type: ignore[assignment]
    try:
        with app.app_context():
            result = CliRunner().invoke(search_group, ["reindex"])
    finally:
        database.session_factory = original
    assert result.exit_code == 0, result.output
    assert f"Indexed {REVIEWS + 1} documents" in result.output
    assert len(writes) <= 1  # only forgetting replayed outbox rows writes
