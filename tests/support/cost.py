"""How many SQL statements pages cost, rendered afresh (the page cache off)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient

from tests.web.test_page_cost import statements


@contextmanager
def uncached(app: Flask) -> Iterator[None]:
    app.config["PARLEY_PAGE_CACHE"] = False
    try:
        yield
    finally:
        app.config["PARLEY_PAGE_CACHE"] = True


def statement_counts(app: Flask, client: FlaskClient, paths: Sequence[str]) -> list[int]:
    """Statements per path, each asserted to answer 200."""
    found = []
    with uncached(app):
        for path in paths:
            with statements(app) as seen:
                answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
            found.append(len(seen))
    return found
