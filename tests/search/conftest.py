"""A fresh search index per test, in its own directory, built from the test's database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from vrm.db import get_db
from vrm.search import rebuild, searching
from vrm.search.searching import SearchRequest, SearchResults


@pytest.fixture
def search_dir(app: Flask, db_session: Session, tmp_path: Path) -> Iterator[Path]:
    base = tmp_path / "search"
    app.config["SEARCH_DIR"] = str(base)
    rebuild.rebuild(get_db(app).session_factory, base)
    try:
        yield base
    finally:
        app.config.pop("SEARCH_DIR", None)


@pytest.fixture
def commit(app: Flask, db_session: Session) -> Callable[[], None]:
    """Commit as a view would: inside an app context, so the outbox drains after it."""

    def _commit() -> None:
        with app.app_context():
            db_session.commit()

    return _commit


@pytest.fixture
def find(search_dir: Path) -> Callable[..., SearchResults]:
    def _find(text: str = "", **options: object) -> SearchResults:
        return searching.search(search_dir, SearchRequest(text=text, **options))  # type: ignore[arg-type]

    return _find
