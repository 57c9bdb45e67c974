"""A page costs O(what it shows): its SQL statement count does not grow with the data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.reviews.factories import (
    make_member,
    make_representative,
    make_review,
    make_supplier,
    sign_in_as,
)
from vrm.db import get_db
from vrm.reviews.thread import answer_review


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = get_db(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def uncached(app: Flask) -> Iterator[None]:
    """The page cache would hide the cost of a rendering."""
    app.config["PARLEY_PAGE_CACHE"] = False
    yield
    app.config["PARLEY_PAGE_CACHE"] = True


def _add_reviews(session: Session, supplier, representative, how_many: int) -> list:
    reviews = []
    for _ in range(how_many):
        review = make_review(session, make_member(session), supplier, rating=1 + len(reviews) % 5)
        answer_review(session, representative=representative, review=review, body="Sorry.")
        reviews.append(review)
    session.flush()
    return reviews


def _cost(app: Flask, client, path: str) -> int:
    with statements(app) as seen:
        answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    return len(seen)


PAGES = (
    "/s/busy",
    "/s/busy?stars=1",
    "/s/busy?answered=yes&stars=2",
    "/s/busy?sort=helpful&page=2",
    "/reviews/{review}",
    "/league",
    "/open-data/reputation.csv",
    "/open-data/reputation.json",
    "/api/v1/suppliers",
    "/suppliers",
    "/",
)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_no_page_costs_more_statements_with_more_reviews(
    app: Flask, client, db_session: Session, uncached, signed_in: bool
) -> None:
    supplier = make_supplier(db_session, "busy", name="Busy Ltd")
    representative = make_member(db_session, "rep")
    make_representative(db_session, representative, supplier)
    first = _add_reviews(db_session, supplier, representative, 12)
    for n in range(3):
        make_supplier(db_session, f"other-{n}", sector="water")
    if signed_in:
        sign_in_as(client, make_member(db_session, "viewer"))
    paths = [p.format(review=first[0].id) for p in PAGES]
    before = {path: _cost(app, client, path) for path in paths}

    _add_reviews(db_session, supplier, representative, 25)
    for n in range(3, 12):
        other = make_supplier(db_session, f"other-{n}", sector="water")
        make_review(db_session, make_member(db_session), other)
    after = {path: _cost(app, client, path) for path in paths}

    grown = {path: (before[path], after[path]) for path in paths if after[path] > before[path]}
    assert not grown, f"statements per page grew with the data: {grown}"
