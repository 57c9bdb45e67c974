"""The background drainer: requests never wait for Whoosh, rows a crash left are applied
when the process starts serving, and the thread keeps draining on its own.

The thread-mode tests use their own SQLite file and commit for real: the drainer reads
with its own connections, which cannot see a test's uncommitted savepoint."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from flask import Flask

from tests.conftest import make_settings
from tests.search.factories import make_member, make_review, make_supplier
from vrm import create_app
from vrm.db import get_db, get_session
from vrm.members.models import Member
from vrm.schema import alembic_config
from vrm.search import handlers, index, rebuild, searching
from vrm.search.drainer import Drainer
from vrm.search.location import index_dir
from vrm.search.outbox import DIRTY, DrainReport
from vrm.search.searching import SearchRequest
from vrm.suppliers.models import Supplier


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> float:
    """Seconds until CONDITION held; fails after SECONDS."""
    began = time.monotonic()
    while not condition():
        assert time.monotonic() - began < seconds, "condition not met in time"
        time.sleep(0.02)
    return time.monotonic() - began


# -- the thread on its own ----------------------------------------------------------------


class Recorder:
    def __init__(self, reports: list[DrainReport | None] | None = None) -> None:
        self.calls = 0
        self.reports = reports or []
        self.called = threading.Event()

    def __call__(self) -> DrainReport | None:
        self.calls += 1
        self.called.set()
        return self.reports.pop(0) if self.reports else None


@pytest.fixture
def recorder() -> Iterator[tuple[Drainer, Recorder]]:
    record = Recorder()
    drainer = Drainer(record, interval=3600)
    yield drainer, record
    drainer.stop()


def test_drains_once_on_start_and_again_when_woken(recorder: tuple[Drainer, Recorder]) -> None:
    drainer, record = recorder
    drainer.ensure_started()
    wait_for(lambda: drainer.rounds == 1)  # the start-up round: what a crash left
    drainer.ensure_started()  # already running: no second thread, no extra round
    time.sleep(0.1)
    assert record.calls == 1
    drainer.wake()
    wait_for(lambda: drainer.rounds == 2)
    assert threading.active_count() >= 2 and drainer.running


def test_drains_periodically_without_being_woken() -> None:
    record = Recorder()
    drainer = Drainer(record, interval=0.05)
    try:
        drainer.ensure_started()
        wait_for(lambda: record.calls >= 4, seconds=5)
    finally:
        drainer.stop()


def test_rows_left_behind_are_retried_soon_and_failures_do_not_stop_it() -> None:
    def failing() -> DrainReport:
        raise RuntimeError("database went away")

    busy = DrainReport(applied=0, pending=3, locked=True)
    record = Recorder([busy, busy, DrainReport(applied=3, pending=0)])
    drainer = Drainer(record, interval=3600)
    try:
        drainer.ensure_started()
        wait_for(lambda: record.calls == 3, seconds=5)  # retried without a wake
        drainer._drain = failing  # type: ignore[method-assign]
        drainer.wake()
        wait_for(lambda: drainer.rounds == 4)
        drainer._drain = record  # type: ignore[method-assign]
        drainer.wake()
        wait_for(lambda: record.calls == 4)
    finally:
        drainer.stop()


def test_a_forked_child_starts_its_own_thread(recorder: tuple[Drainer, Recorder]) -> None:
    drainer, record = recorder
    drainer.ensure_started()
    wait_for(lambda: record.calls == 1)
    drainer._pid = -1  # as seen from a child forked after the thread started
    assert not drainer.running
    drainer.ensure_started()
    # Here the parent's thread still exists too (a real child has none): both may run.
    wait_for(lambda: record.calls >= 2)
    assert drainer.running


# -- the thread in a real app ---------------------------------------------------------------


@pytest.fixture
def threaded_app(tmp_path: Path) -> Iterator[Flask]:
    url = f"sqlite:///{tmp_path / 'drainer.db'}"
    command.upgrade(alembic_config(url), "heads")
    app = create_app(
        make_settings(
            url,
            tmp_path / "instance",
            search_dir=tmp_path / "search",
            search_drain="thread",
            search_drain_interval=0.5,
        )
    )
    rebuild.rebuild(get_db(app).session_factory, tmp_path / "search")
    yield app
    handlers.drainer(app).stop()
    get_db(app).engine.dispose()


def index_base(app: Flask) -> Path:
    return index_dir(app)


def total(app: Flask, text: str) -> int:
    return searching.search(index_base(app), SearchRequest(text=text)).total


def test_a_post_does_not_wait_for_a_busy_index(threaded_app: Flask) -> None:
    app = threaded_app
    with app.app_context():
        session = get_db(app).session_factory()
        supplier = make_supplier(session, "Heron Water")
        author = make_member(session)
        session.commit()  # no request: drained before returning
        supplier_id, author_id = supplier.id, author.id
        session.close()
    assert total(app, "heron") == 1
    holder = index.open_index(index_base(app)).writer()  # another process holds Whoosh
    try:
        with app.test_request_context("/s/heron-water/reviews", method="POST"):
            session = get_session()
            began = time.monotonic()
            make_review(
                session,
                session.get(Supplier, supplier_id),  # type: ignore[arg-type]
                author=session.get(Member, author_id),
                body="the otter flooded the cellar",
            )
            session.commit()
            took = time.monotonic() - began
        # An inline drain would have waited index.WRITE_TIMEOUT for the lock.
        assert took < index.WRITE_TIMEOUT / 2
        assert handlers.drainer(app).running
        assert total(app, "otter") == 0
    finally:
        holder.cancel()
    seconds = wait_for(lambda: total(app, "otter") == 1)
    assert seconds < 2.0  # commit -> searchable, once the index is free


def test_rows_left_by_a_crash_are_drained_when_serving_starts(threaded_app: Flask) -> None:
    app = threaded_app
    with app.app_context():
        session = get_db(app).session_factory()
        make_supplier(session, "Osprey Telecom")
        session.info.pop(DIRTY)  # the process died between the commit and its drain
        session.commit()
        session.close()
    assert total(app, "osprey") == 0
    assert not handlers.drainer(app).running
    assert app.test_client().get("/healthz").status_code in (200, 503)
    wait_for(lambda: total(app, "osprey") == 1)


def test_drain_settings_from_the_environment(tmp_path: Path) -> None:
    from vrm.settings import Settings, SettingsError

    env = {"PARLEY_INSTANCE_PATH": str(tmp_path), "PARLEY_SECRET_KEY": "k"}
    default = Settings.from_env(env)
    assert (default.search_drain, default.search_drain_interval) == ("thread", 5.0)
    chosen = Settings.from_env(
        {**env, "PARLEY_SEARCH_DRAIN": "inline", "PARLEY_SEARCH_DRAIN_INTERVAL": "2.5"}
    )
    assert (chosen.search_drain, chosen.search_drain_interval) == ("inline", 2.5)
    for bad in ({"PARLEY_SEARCH_DRAIN": "cron"}, {"PARLEY_SEARCH_DRAIN_INTERVAL": "soon"}):
        with pytest.raises(SettingsError):
            Settings.from_env({**env, **bad})
