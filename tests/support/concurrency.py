"""Real commits on separate connections, for tests that force an interleaving.

The suite's ``db_session`` runs every test inside one savepoint on one connection, which
cannot show two transactions racing. These helpers give such tests a database of their
own (a fresh SQLite file, or a fresh schema in the PostgreSQL test database, dropped
afterwards) and a way to hold one transaction open while another is blocked on its locks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from vrm.db import get_db
from vrm.schema import alembic_config

SCHEMA = "parley_concurrency"
BLOCKED_WITHIN = 20.0  # seconds: far longer than a lock wait takes to show


@contextmanager
def separate_database(suite_url: str, scratch: Path, schema: str = SCHEMA) -> Iterator[str]:
    """A freshly migrated database beside the suite's, removed on leaving: on PostgreSQL
    the suite's database with its own ``schema``."""
    if suite_url.startswith("sqlite"):
        url = f"sqlite:///{scratch / 'concurrency.db'}"
        command.upgrade(alembic_config(url), "heads")
        yield url
        return
    admin = sa.create_engine(suite_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = make_url(suite_url).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    try:
        command.upgrade(alembic_config(rendered), "heads")
        yield rendered
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def is_postgres(app: Flask) -> bool:
    return get_db(app).engine.dialect.name == "postgresql"


class Outcome:
    """What the waiting transaction ended with: its value, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None


def interleave(
    app: Flask, hold: Callable[[Session], Any], wait: Callable[[Session], Any]
) -> tuple[Any, Outcome]:
    """Run HOLD and keep its transaction open; run WAIT on another connection until the
    database shows it blocked on HOLD's locks; then commit HOLD and let WAIT finish (its
    session commits, or rolls back if it raised). PostgreSQL only: on SQLite the second
    writer cannot even begin while the first is open (BEGIN IMMEDIATE)."""
    factory = get_db(app).session_factory
    pids: list[int] = []
    outcome = Outcome()

    def second() -> None:
        with app.app_context(), factory() as session:
            pids.append(session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar())
            try:
                outcome.value = wait(session)
                session.commit()
            except BaseException as exc:  # handed to the test, which asserts on it
                outcome.error = exc
                session.rollback()

    with app.app_context(), factory() as session:
        held = hold(session)
        session.flush()
        thread = threading.Thread(target=second)
        thread.start()
        _until_blocked(session, pids, thread)
        session.commit()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the second transaction never finished"
    return held, outcome


def _until_blocked(session: Session, pids: list[int], thread: threading.Thread) -> None:
    # Poll the server's own view of lock waits: deterministic, unlike a sleep.
    deadline = time.monotonic() + BLOCKED_WITHIN
    probe = sa.text("SELECT cardinality(pg_blocking_pids(:pid))")
    while time.monotonic() < deadline:
        if not thread.is_alive():
            return  # it finished without waiting: the test's assertions will say so
        if pids:
            with get_engine(session).connect() as watcher:
                if watcher.execute(probe, {"pid": pids[0]}).scalar():
                    return
        time.sleep(0.01)
    raise AssertionError("the second transaction never waited for the first")


def get_engine(session: Session) -> sa.Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, sa.Engine) else bind.engine
