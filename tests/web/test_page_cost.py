"""A page costs O(what it shows): its SQL statement count does not grow with the data."""

from __future__ import annotations

import os
import re
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
def before_each_statement(app: Flask, listener) -> Iterator[None]:  # type: ignore[no-untyped-def]
    engine = get_db(app).engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", listener)


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    with before_each_statement(app, count):
        yield seen


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


@contextmanager
def work_per_statement(app: Flask) -> Iterator[list[list]]:
    """[statement, SQLite VM steps ÷ 8] for each statement run, the rows it fetched
    included (steps are charged to the statement begun last). The steps show what a
    statement count cannot: a query that reads a whole table to return a few rows."""
    done: list[list] = []
    touched = []

    def progress() -> int:
        if done:
            done[-1][1] += 1
        return 0  # go on

    def begin(conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        raw = conn.connection.dbapi_connection
        if raw not in touched:
            raw.set_progress_handler(progress, 8)
            touched.append(raw)
        done.append([statement, 0])

    try:
        with before_each_statement(app, begin):
            yield done
    finally:
        for raw in touched:
            raw.set_progress_handler(None, 8)


def _work(app: Flask, client, path: str) -> dict[str, int]:
    """Steps per distinct statement of one page view (IN lists of any length as one)."""
    with work_per_statement(app) as done:
        answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    work: dict[str, int] = {}
    for statement, steps in done:
        key = re.sub(r"IN \((\?, )*\?\)", "IN (…)", statement)
        work[key] = work.get(key, 0) + steps
    return work


# Pages that list every supplier by design (open data is the whole table): their work
# grows with the directory, as what they show does.
SHOWS_EVERY_SUPPLIER = ("/open-data/reputation.csv", "/open-data/reputation.json")


def _grows_by_design(statement: str) -> bool:
    """Statements whose work may grow, and why it stays bounded."""
    return (
        # Counts for "page N of M" stop at COUNT_LIMIT rows (a LIMIT inside the count).
        (statement.startswith("SELECT count(*)") and "LIMIT" in statement)
        # The directory's "N suppliers": a count of the suppliers table (thousands, not
        # the reviews), over the filters the visitor chose.
        or statement.startswith("SELECT count(*) AS count_1 \nFROM supplier \nWHERE")
        # The home page's month of shifts: bounded by the month's detections.
        or "FROM supplier_shift JOIN supplier" in statement
    )


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_no_query_on_a_page_reads_more_rows_with_more_data(
    app: Flask, client, db_session: Session, uncached, signed_in: bool
) -> None:
    """Each statement's work at 22 reviews (page 2 full) and 60 suppliers, then at 3× the
    reviews and 3× the suppliers: none may grow with them (an unindexed filter, a count over the
    supplier's reviews, a sort of all of them)."""
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("counts SQLite's virtual machine steps; the plans on PostgreSQL differ")
    supplier = make_supplier(db_session, "busy", name="Busy Ltd")
    representative = make_member(db_session, "rep")
    make_representative(db_session, representative, supplier)
    first = _add_reviews(db_session, supplier, representative, 22)
    for n in range(60):
        make_review(db_session, make_member(db_session), make_supplier(db_session, f"o-{n}"))
    if signed_in:
        sign_in_as(client, make_member(db_session, "viewer"))
    paths = [p.format(review=first[0].id) for p in PAGES if p not in SHOWS_EVERY_SUPPLIER]
    before = {path: _work(app, client, path) for path in paths}

    _add_reviews(db_session, supplier, representative, 44)
    for n in range(60, 180):
        make_supplier(db_session, f"o-{n}", sector="water")
    after = {path: _work(app, client, path) for path in paths}

    show = bool(os.environ.get("PARLEY_SHOW_SQL"))
    grown = [
        (path, before[path].get(statement, 0), steps, statement if show else statement[:160])
        for path in paths
        for statement, steps in after[path].items()
        if steps > 2 * before[path].get(statement, 0) + 20 and not _grows_by_design(statement)
    ]
    assert not grown, "statements whose work grew with the data:\n" + "\n".join(map(str, grown))
