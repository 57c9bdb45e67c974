"""One slow provider must not stall the site: while a stranger's server takes its time
over a sign-in, Parley holds no database transaction, so other visitors' pages and
writes go on (on SQLite, the one write lock is free). No clocks: the slow server says
when it has started, and is released only after the others were served."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.conftest import csrf_from
from tests.support.local_http import Drip
from tests.support.scripted_provider import scripted_provider, state_of
from vrm.db import TransactionDuringOutboundCall, get_db, get_session
from vrm.identity import safe_http
from vrm.identity.safe_http import guarded_session

WAIT = 30  # seconds to wait for an event before calling the test broken (not a measure)


@pytest.fixture
def fresh_app(build_app, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Flask:
    # The release event ends the slow answer here, not the deadline (tested elsewhere).
    monkeypatch.setattr(safe_http, "TOTAL_SECONDS", 120.0)
    return build_app(database_url)


def _begin(client: Any, issuer: str) -> Any:
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    return client.post("/sign-in", data={"csrf_token": token, "identifier": issuer})


def _in_background(call: Any) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    return thread, result


def _others_are_served(app: Flask) -> None:
    """Another visitor reads pages, and something else writes, while the slow call runs."""
    other = app.test_client()
    for path in ("/suppliers", "/healthz", "/"):
        assert other.get(path).status_code == 200, path
    # A writer must get the lock at once: before, it queued behind the sign-in's
    # transaction and failed with "database is locked" after the busy timeout.
    with get_db(app).engine.begin() as writer:
        writer.execute(sa.text("UPDATE area SET name = name"))


def _hold_and_check(app: Flask, drip: Drip, thread: threading.Thread) -> None:
    assert drip.started.wait(WAIT), "the slow endpoint was never called"
    try:
        _others_are_served(app)
        assert thread.is_alive() and not drip.release.is_set()  # still in progress
    finally:
        drip.release.set()
        thread.join(WAIT)


def test_a_slow_token_endpoint_stalls_nobody_else(fresh_app: Flask) -> None:
    drip = Drip()
    with scripted_provider(token=drip) as issuer:
        signing_in = fresh_app.test_client()
        started = _begin(signing_in, issuer)
        assert started.status_code == 303, started.get_data(as_text=True)[:500]
        callback = f"/sign-in/callback?code=abc&state={state_of(started.headers['Location'])}"
        thread, result = _in_background(lambda: signing_in.get(callback))
        _hold_and_check(fresh_app, drip, thread)
    assert result[0].status_code == 502  # the provider's answer was spaces, not a token


def test_a_slow_registration_stalls_nobody_else(fresh_app: Flask) -> None:
    drip = Drip()
    with scripted_provider(register=drip) as issuer:
        signing_in = fresh_app.test_client()
        token = csrf_from(signing_in.get("/sign-in").get_data(as_text=True))
        thread, result = _in_background(
            lambda: signing_in.post("/sign-in", data={"csrf_token": token, "identifier": issuer})
        )
        _hold_and_check(fresh_app, drip, thread)
    assert result[0].status_code == 502


def test_the_guarded_adapter_refuses_to_call_out_inside_a_transaction(
    fresh_app: Flask,
) -> None:
    with fresh_app.test_request_context("/sign-in", method="POST"):
        get_session().execute(sa.text("SELECT 1"))
        with pytest.raises(TransactionDuringOutboundCall):
            guarded_session(True).get("http://127.0.0.1:9/")
