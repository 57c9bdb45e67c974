"""Failures around a request that must not turn into a bare 500: the rate-limit store
going away, a database error before the error page renders. Every response names its
request id, and a 500 shows it."""

from __future__ import annotations

import logging
import socket

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tests.conftest import csrf_from
from tests.reviews.factories import make_member, sign_in_as
from vrm import retry
from vrm.db import get_db, get_session
from vrm.extensions import csrf
from vrm.members.models import Member
from vrm.settings import declared_workers


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_redis_away_falls_back_to_memory_not_500(build_app, database_url) -> None:
    url = f"redis://127.0.0.1:{_closed_port()}/0"  # nothing listens: Redis is down
    client = build_app(database_url, ratelimit_enabled=True, ratelimit_storage_url=url)
    client = client.test_client()
    statuses = []
    for _ in range(21):
        token = csrf_from(client.get("/sign-in").get_data(as_text=True))
        statuses.append(client.post("/sign-in", data={"csrf_token": token}).status_code)
    # Counted in this process's memory meanwhile: still 20 a minute, and never a 500.
    assert statuses == [400] * 20 + [429]


def test_several_workers_on_memory_storage_warn_at_start(build_app, database_url, caplog):
    with caplog.at_level(logging.WARNING, logger="vrm.extensions"):
        build_app(database_url, ratelimit_enabled=True, workers=4)
    assert "with 4 workers" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="vrm.extensions"):
        build_app(database_url, ratelimit_enabled=True, workers=1)
    assert caplog.text == ""


@pytest.mark.parametrize(
    ("env", "argv", "expected"),
    [
        ({}, ["gunicorn", "-w", "4", "app:app"], 4),
        ({}, ["/venv/bin/gunicorn", "--workers=3", "app:app"], 3),
        ({}, ["gunicorn", "-w2", "app:app"], 2),
        ({"GUNICORN_CMD_ARGS": "--bind :8000 --workers 5"}, ["gunicorn"], 5),
        ({"WEB_CONCURRENCY": "6"}, ["gunicorn", "app:app"], 6),
        ({}, ["flask", "run", "-w", "9"], 1),  # not gunicorn's argv
        ({}, [], 1),
    ],
)
def test_declared_workers(env, argv, expected) -> None:
    assert declared_workers(env, argv) == expected


def test_error_page_after_database_error_is_parleys_with_a_reference(
    app, db_session, build_app, database_url, caplog
) -> None:
    built = build_app(database_url)
    database = get_db(built)
    database.session_factory = database.read_session_factory = get_db(app).session_factory
    moderator = make_member(db_session, "watchful", role="moderator")

    @built.get("/boom")
    def boom() -> str:
        # A failed flush leaves the session needing a rollback; the page's layout asks
        # current_user.is_moderator, which must not use that session again.
        session = get_session()
        session.add(Member(handle=moderator.handle))
        session.flush()
        return "unreachable"

    client = built.test_client()
    sign_in_as(client, moderator)
    with caplog.at_level(logging.ERROR, logger="vrm.errors"):
        answer = client.get("/boom")
    reference = answer.headers["X-Request-ID"]
    page = answer.get_data(as_text=True)
    assert answer.status_code == 500
    assert "Go to the Parley home page" in page and reference in page
    assert "watchful" in page  # the member, loaded afresh: still signed in on the page
    assert reference in caplog.text


def test_problem_json_carries_the_request_id(build_app, database_url) -> None:
    built = build_app(database_url)

    @built.get("/api/v1/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    answer = built.test_client().get("/api/v1/boom", headers={"X-Request-ID": "edge-12345678"})
    assert answer.status_code == 500
    assert answer.headers["X-Request-ID"] == "edge-12345678"
    assert answer.get_json()["request_id"] == "edge-12345678"


def test_retry_gives_up_as_503_not_500(build_app, database_url) -> None:
    built = build_app(database_url)
    calls = []

    class Deadlock(Exception):
        sqlstate = "40P01"

    @built.post("/stuck")
    def stuck() -> str:
        calls.append(1)
        raise OperationalError("UPDATE …", {}, Deadlock("deadlock detected"))

    csrf.exempt(stuck)
    built.view_functions["stuck"] = retry.retrying(stuck)  # as the factory does for all
    answer = built.test_client().post("/stuck")
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert len(calls) == retry.ATTEMPTS


def test_an_exhausted_connection_pool_is_503_busy(build_app, database_url) -> None:
    built = build_app(database_url)

    @built.get("/api/v1/crowded")
    @built.get("/crowded")
    def crowded() -> str:
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached")

    client = built.test_client()
    answer = client.get("/api/v1/crowded")
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert answer.get_json()["request_id"] == answer.headers["X-Request-ID"]
    page = client.get("/crowded")  # rendered signed out: no connection to load anyone
    assert page.status_code == 503 and "Parley is busy" in page.get_data(as_text=True)
