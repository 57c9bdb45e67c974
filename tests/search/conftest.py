"""Search fixtures: a fresh Whoosh index per test, and the engine a behaviour test runs on.

``search_dir`` is Whoosh's index, in its own directory, built from the test's database
(tests of Whoosh's own machinery use it). ``search_backend`` runs a test once per engine:
Whoosh everywhere, and the postgres backend too when the tests run on PostgreSQL; the
test itself searches through the app's boundary and never knows which engine answered.
``own_schema`` is a migrated schema of its own in the PostgreSQL test database, where
commits really commit (for several apps, threads or servers on one database).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.support.concurrency import separate_database
from vrm.db import get_db
from vrm.search import rebuild
from vrm.search.backend import CONFIG_KEY, get_backend
from vrm.search.searching import SearchRequest, SearchResults


def engines() -> list[str]:
    """The engines this run can test: postgres only on PostgreSQL."""
    on_postgres = (os.environ.get("PARLEY_TEST_DATABASE_URL") or "").startswith("postgresql")
    return ["whoosh", "postgres"] if on_postgres else ["whoosh"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "search_backend" in metafunc.fixturenames:
        metafunc.parametrize("search_backend", engines(), indirect=True)


@pytest.fixture
def search_dir(app: Flask, db_session: Session, tmp_path: Path) -> Iterator[Path]:
    base = tmp_path / "search"
    app.config["SEARCH_DIR"] = str(base)
    previous = app.config[CONFIG_KEY]
    app.config[CONFIG_KEY] = "whoosh"
    rebuild.rebuild(get_db(app).session_factory, base)
    try:
        yield base
    finally:
        app.config.pop("SEARCH_DIR", None)
        app.config[CONFIG_KEY] = previous


@pytest.fixture
def search_backend(
    request: pytest.FixtureRequest, app: Flask, db_session: Session
) -> Iterator[str]:
    """The engine this run of the test searches with (see pytest_generate_tests)."""
    name: str = request.param
    if name == "whoosh":
        request.getfixturevalue("search_dir")
        yield name
        return
    previous = app.config[CONFIG_KEY]
    app.config[CONFIG_KEY] = name
    try:
        yield name
    finally:
        app.config[CONFIG_KEY] = previous


@pytest.fixture
def commit(app: Flask, db_session: Session) -> Callable[[], None]:
    """Commit as a view would: inside an app context, so the index follows."""

    def _commit() -> None:
        with app.app_context():
            db_session.commit()

    return _commit


@pytest.fixture
def find(app: Flask, db_session: Session, search_backend: str) -> Callable[..., SearchResults]:
    def _find(text: str = "", **options: object) -> SearchResults:
        with app.app_context():
            return get_backend().search(db_session, SearchRequest(text=text, **options))  # type: ignore[arg-type]

    return _find


@pytest.fixture
def suggest(app: Flask, db_session: Session, search_backend: str) -> Callable[[str], list[str]]:
    def _suggest(prefix: str) -> list[str]:
        with app.app_context():
            return get_backend().suggest(db_session, prefix)

    return _suggest


@pytest.fixture
def own_schema(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A schema of its own in the test database, migrated, where commits really commit."""
    with separate_database(database_url, tmp_path, f"search_{secrets.token_hex(4)}") as url:
        yield url
