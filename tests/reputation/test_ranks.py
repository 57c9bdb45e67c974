"""The league's order is kept on write: each supplier's rank key is stored with its
stats, so a league page reads one indexed page of suppliers instead of scoring them all."""

from __future__ import annotations

import random

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.reputation.conftest import Clock
from tests.reviews.factories import make_member, make_review, make_supplier
from tests.web.test_page_cost import work_per_statement
from vrm.reputation import ranks
from vrm.reputation.cli import reputation_group
from vrm.reputation.league import LeagueFilters, league, scored_suppliers
from vrm.reputation.models import ReputationStats
from vrm.reputation.service import current_parameters
from vrm.reviews.service import withdraw_review
from vrm.suppliers.models import Supplier


def _stored_key(session: Session, supplier: Supplier) -> float | None:
    session.flush()
    return session.scalar(
        select(ReputationStats.rank_key).where(ReputationStats.supplier_id == supplier.id)
    )


def _fresh_order(session: Session, filters: LeagueFilters) -> list[str]:
    """The order the league had when it scored every supplier per view."""
    ranked = [(s, score) for s, score in scored_suppliers(session, filters) if score.enough]
    ranked.sort(key=lambda pair: (-(pair[1].rank_key or 0.0), -pair[1].count, pair[0].name))
    return [supplier.name for supplier, _ in ranked]


def test_the_stored_order_is_the_order_of_scores_computed_now(
    app: Flask, db_session: Session, frozen_clock: Clock
) -> None:
    rng = random.Random(7)
    for number in range(12):
        supplier = make_supplier(db_session, name=f"Water {number:02}", sector="water")
        for _ in range(rng.randint(1, 9)):
            make_review(db_session, make_member(db_session), supplier, rating=rng.randint(1, 5))
    with app.app_context():
        # Later reviews moved the sector's prior under the keys stored before them (the
        # daily rerank's job): after it, the stored order is the order computed now.
        ranks.rerank(db_session, current_parameters())
        filters = LeagueFilters(sector="water")
        page = league(db_session, filters, per_page=5)
        second = league(db_session, LeagueFilters(sector="water", page=2), per_page=5)
        expected = _fresh_order(db_session, filters)
    shown = [row.supplier.name for row in page.items + second.items]
    assert shown == expected[:10]
    assert page.total == len(expected)
    assert [row.rank for row in second.items] == list(range(6, 6 + len(second.items)))
    for row in page.items:  # the figures shown are computed now, for the rows shown
        assert row.score.rank_key is not None


def test_a_review_moves_its_supplier_at_once_and_a_withdrawal_back(
    app: Flask, db_session: Session, frozen_clock: Clock
) -> None:
    supplier = make_supplier(db_session, name="Moving Water", sector="water")
    reviews = [
        make_review(db_session, make_member(db_session), supplier, rating=4) for _ in range(2)
    ]
    assert _stored_key(db_session, supplier) is None  # two reviews: not ranked yet
    third = make_review(db_session, make_member(db_session), supplier, rating=5)
    ranked = _stored_key(db_session, supplier)
    assert ranked is not None
    withdraw_review(db_session, actor=third.author, review=third)
    assert _stored_key(db_session, supplier) is None  # two public reviews again
    assert len(reviews) == 2


def test_rerank_fills_missing_keys_and_refreshes_decayed_ones(
    app: Flask, db_session: Session, frozen_clock: Clock
) -> None:
    supplier = make_supplier(db_session, name="Steady Water", sector="water")
    for rating in (5, 4, 5, 4):
        make_review(db_session, make_member(db_session), supplier, rating=rating)
    key = _stored_key(db_session, supplier)
    assert key is not None
    db_session.execute(update(ReputationStats).values(rank_key=None, ranked_day=None))
    db_session.expire_all()
    with app.app_context():
        result = app.test_cli_runner().invoke(reputation_group, ["rerank", "--only-unranked"])
    assert result.exit_code == 0, result.output
    assert "League order refreshed for 1 supplier(s)." in result.output
    assert _stored_key(db_session, supplier) == key

    frozen_clock.advance(days=400)  # a year on, the evidence has decayed: a wider band
    with app.app_context():
        assert ranks.rerank(db_session, current_parameters()) == 1
    db_session.expire_all()
    later = _stored_key(db_session, supplier)
    assert later is not None and later < key


def _page_work(app: Flask, session: Session) -> int:
    """SQLite VM steps (÷ 8) of the statement that picks the first page's suppliers."""
    with app.app_context(), work_per_statement(app) as done:
        league(session, LeagueFilters(), per_page=5)
    [steps] = [s for statement, s in done if "ORDER BY reputation_stats.rank_key" in statement]
    return int(steps)


def test_a_page_of_the_league_reads_its_rows_not_every_supplier(
    app: Flask, db_session: Session, frozen_clock: Clock
) -> None:
    # Joined from the supplier side, SQLite read and sorted every supplier for each page
    # (1.1 ms at 5,000 suppliers); through the rank-key index it stops after the page.
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("counts SQLite's virtual machine steps; the plans on PostgreSQL differ")
    members = [make_member(db_session) for _ in range(6)]
    rng = random.Random(3)  # varied scores: a run of equal rank keys is sorted whole

    def add_ranked(first: int, how_many: int) -> None:
        for number in range(first, first + how_many):
            supplier = make_supplier(db_session, name=f"Water {number:03}", sector="water")
            for member in members[: rng.randint(3, 6)]:
                make_review(db_session, member, supplier, rating=rng.randint(1, 5))
        with app.app_context():
            ranks.rerank(db_session, current_parameters())

    add_ranked(0, 10)
    before = _page_work(app, db_session)
    add_ranked(10, 60)
    after = _page_work(app, db_session)
    assert after <= 2 * before + 20, (before, after)
