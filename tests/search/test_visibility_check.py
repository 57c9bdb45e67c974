"""The check that a page's hits are still public: right, and O(hits) on SQLite."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.reviews.factories import make_member, make_review, make_supplier
from tests.web.test_page_cost import work_per_statement
from vrm.search.sources import visible_keys


def test_only_public_suppliers_and_their_public_reviews_pass(db_session: Session) -> None:
    shown, hidden = make_supplier(db_session, "shown"), make_supplier(db_session, "hidden")
    author = make_member(db_session)
    kept, gone = make_review(db_session, author, shown), make_review(db_session, author, hidden)
    hidden.visibility = "removed"
    db_session.flush()
    keys = [("supplier", shown.id), ("supplier", hidden.id), ("review", kept.id),
            ("review", gone.id), ("review", 2**31 - 1)]  # fmt: skip
    assert visible_keys(db_session, keys) == {("supplier", shown.id), ("review", kept.id)}
    assert visible_keys(db_session, []) == set()


def test_the_check_reads_the_hits_not_every_supplier(app: Flask, db_session: Session) -> None:
    # A second "supplier IN (every public supplier)" made SQLite list all 5,000
    # suppliers for each search (1.4 ms of a 9 ms page).
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("counts SQLite's virtual machine steps; the plans on PostgreSQL differ")
    author = make_member(db_session)
    hits = [make_review(db_session, author, make_supplier(db_session, f"s-{n}")) for n in range(5)]
    keys = [("review", review.id) for review in hits]

    def work() -> int:
        with work_per_statement(app) as done:
            visible_keys(db_session, keys)
        return sum(steps for _, steps in done)

    before = work()
    for n in range(5, 300):
        make_supplier(db_session, f"s-{n}")
    db_session.flush()
    after = work()
    assert after <= 2 * before + 20, (before, after)
