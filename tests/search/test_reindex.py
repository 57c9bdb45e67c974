"""Rebuilding into a fresh directory, swapping atomically, and the outbox under locks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh.qparser import QueryParser

from tests.search.factories import make_member, make_review, make_supplier
from vrm.db import get_db
from vrm.reviews.models import Review
from vrm.search import index, outbox, searching
from vrm.search.cli import search_group
from vrm.search.models import SearchOutbox

Find = Callable[..., searching.SearchResults]


def pending(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SearchOutbox)) or 0


def test_reindex_swaps_in_a_fresh_index_while_searches_go_on(
    app: Flask, db_session: Session, commit: Callable[[], None], find: Find, search_dir: Path
) -> None:
    supplier = make_supplier(db_session, "Kestrel Rail", sector="transport")
    make_review(db_session, supplier, body="kestrel delays")
    commit()
    old_name = (search_dir / "current").read_text()
    reader = index.open_index(search_dir).searcher()
    # A review that reached the database without a signal: only a rebuild finds it.
    db_session.add(
        Review(
            supplier_id=supplier.id,
            author_id=make_member(db_session).id,
            rating=3,
            title="Quiet one",
            body="kestrel silence",
            body_html="",
            experienced_on=supplier.created_at.date(),
        )
    )
    db_session.flush()
    assert find("silence").total == 0
    with app.app_context():
        result = CliRunner().invoke(search_group, ["reindex"])
    assert result.exit_code == 0, result.output
    # At least this test's supplier and two reviews (browser tests commit their own data).
    indexed = int(result.output.split("Indexed ", 1)[1].split()[0])
    assert indexed >= 3
    new_name = (search_dir / "current").read_text()
    assert new_name != old_name and (search_dir / new_name).is_dir()
    # The reader opened before the swap still answers, from the old index.
    old_hits = reader.search(QueryParser("body", reader.schema).parse("kestrel"))
    assert len(old_hits) == 1
    reader.close()
    assert find("silence").total == 1 and find("kestrel").total == 3


def test_sync_command(app: Flask, db_session: Session, search_dir: Path) -> None:
    make_supplier(db_session, "Waiting Ltd")
    db_session.flush()  # outbox row written, nothing drained (no commit yet)
    with app.app_context():
        result = CliRunner().invoke(search_group, ["sync"])
    assert result.exit_code == 0 and "Applied 1 changes; 0 waiting." in result.output


def test_locked_index_keeps_rows_for_the_next_drain(
    app: Flask, db_session: Session, commit: Callable[[], None], find: Find, search_dir: Path
) -> None:
    holder = index.open_index(search_dir).writer()  # another worker holds the lock
    try:
        make_review(db_session, make_supplier(db_session, "Busy Ltd"), body="marmot")
        db_session.flush()
        report = outbox.drain(get_db(app).session_factory, search_dir, timeout=0.1)
        assert report.locked and report.applied == 0
        assert pending(db_session) == 3  # supplier created, review posted (+ its supplier)
    finally:
        holder.cancel()
    report = outbox.drain(get_db(app).session_factory, search_dir, timeout=0.1)
    assert (report.applied, report.pending) == (3, 0)
    assert find("marmot").total == 1


def test_rows_are_kept_while_a_rebuild_runs(
    app: Flask, db_session: Session, find: Find, search_dir: Path
) -> None:
    (search_dir / index.REBUILD_MARKER).write_text("test")
    make_supplier(db_session, "During Rebuild")
    db_session.flush()
    outbox.drain(get_db(app).session_factory, search_dir)
    assert find("during").total == 1 and pending(db_session) == 1  # kept for the replay
    (search_dir / index.REBUILD_MARKER).unlink()
    outbox.drain(get_db(app).session_factory, search_dir)
    assert pending(db_session) == 0
