"""Reads never take the write lock: GET requests read in read-only transactions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from vrm.db import WriteInReadOnlyRequest, get_db, get_session
from vrm.members.models import Member


def test_pages_answer_while_a_writer_holds_its_transaction_open(
    build_app, database_url: str
) -> None:
    app: Flask = build_app(database_url)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # schema checked before the lock
    engine = get_db(app).engine
    # On SQLite the writer takes the one write lock (BEGIN IMMEDIATE); on PostgreSQL it
    # locks the rows it touches. Before reads were read-only, every GET queued behind
    # it on SQLite and failed after the busy timeout.
    pages = ("/", "/suppliers", "/league", "/api/v1/suppliers", "/open-data/reputation.csv")
    with engine.connect() as writer:
        transaction = writer.begin()
        try:
            writer.execute(sa.text("UPDATE area SET name = name"))
            for path in pages:
                assert client.get(path).status_code == 200, path
        finally:
            transaction.rollback()


def test_a_write_attempted_in_a_get_is_an_error(build_app, database_url: str, caplog) -> None:
    app: Flask = build_app(database_url)

    @app.get("/test-writes-in-get")
    def _writes_in_get() -> str:
        get_session().add(Member(handle="sneaky"))
        get_session().flush()
        return "written"

    assert app.test_client().get("/test-writes-in-get").status_code == 500
    (logged,) = [r for r in caplog.records if r.exc_info]
    assert isinstance(logged.exc_info[1], WriteInReadOnlyRequest)


def test_the_database_itself_refuses_a_write_from_a_read_only_session(
    build_app, database_url: str
) -> None:
    app: Flask = build_app(database_url)
    with (
        app.app_context(),
        get_db(app).read_session_factory() as session,
        pytest.raises(sa.exc.DBAPIError),
    ):
        session.execute(sa.text("UPDATE area SET name = name"))
