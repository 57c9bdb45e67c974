"""The search boundary: which engine answers, chosen by PARLEY_SEARCH_BACKEND.

Pages, the API, feeds and the erasure ask the app's backend; none knows which engine it
is. Both take the same SearchRequest (words and "phrases" from params.py) and give the
same SearchResults. They differ only in how the index is kept:

- ``whoosh``: files in the instance folder, filled after each commit from the outbox
  (outbox.py, drainer.py). One machine, or hosts sharing one index directory.
- ``postgres``: rows of ``search_document`` written in the writer's own transaction
  (postgres/indexing.py), so every host sees every write at commit and nothing is
  queued. Needs PostgreSQL.

The setting is read into ``app.config["SEARCH_BACKEND"]`` so a test can switch it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

from vrm.search.location import index_dir
from vrm.search.searching import SearchRequest, SearchResults
from vrm.settings import SettingsError

BACKENDS = ("whoosh", "postgres")
CONFIG_KEY = "SEARCH_BACKEND"


class SearchBackend(Protocol):
    name: str

    def search(self, session: Session, request: SearchRequest) -> SearchResults:
        """Every match of REQUEST, its page of hits, facets and a spelling suggestion;
        raises SearchUnavailable when the engine cannot answer."""
        ...

    def suggest(self, session: Session, prefix: str) -> list[str]:
        """Supplier names with every typed word, the last perhaps half typed."""
        ...

    def purge_erased(self) -> bool:
        """After an erasure committed: leave none of the erased words in the index."""
        ...


class WhooshBackend:
    """The embedded index (searching.py, executor.py), read from the app's index folder."""

    name = "whoosh"

    def __init__(self, app: Flask) -> None:
        self._app = app

    @property
    def base(self) -> Path:
        return index_dir(self._app)  # read each time: a test may point it elsewhere

    def search(self, session: Session, request: SearchRequest) -> SearchResults:
        from vrm.search import service

        return service.whoosh_search(self.base, request)

    def suggest(self, session: Session, prefix: str) -> list[str]:
        from vrm.search import service

        return service.whoosh_suggest(self.base, prefix)

    def purge_erased(self) -> bool:
        from vrm.db import get_db
        from vrm.search.erasure import purge_erased

        return purge_erased(get_db(self._app).session_factory, self.base)


def default_backend(database_url: str) -> str:
    """Whoosh on SQLite (one machine); PostgreSQL's own search on PostgreSQL, where
    several hosts share the database but not a disk (see the README)."""
    return "postgres" if database_url.startswith("postgresql") else "whoosh"


def check_backend(name: str, database_url: str) -> str:
    """NAME when it can run on DATABASE_URL, else a SettingsError saying why."""
    if name not in BACKENDS:
        raise SettingsError(f"PARLEY_SEARCH_BACKEND must be one of {', '.join(BACKENDS)}")
    if name == "postgres" and not database_url.startswith("postgresql"):
        raise SettingsError(
            "PARLEY_SEARCH_BACKEND=postgres needs a PostgreSQL database "
            "(PARLEY_DATABASE_URL=postgresql+psycopg://...); use whoosh with SQLite"
        )
    return name


def backend_name(app: Flask | None = None) -> str:
    return str((app or current_app).config.get(CONFIG_KEY, "whoosh"))


def get_backend(app: Flask | None = None) -> SearchBackend:
    """The engine that answers for APP (the current app when not given)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if backend_name(app) == "postgres":
        from vrm.search.postgres.backend import PostgresBackend

        return PostgresBackend(app)
    return WhooshBackend(app)
