"""The supplier page panel: response rate, median time to first answer, resolved share,
representatives, and what the viewer may do — on known data."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import render_template

from tests.representatives import factories as make
from vrm.clock import now
from vrm.representatives import service
from vrm.representatives.queries import (
    human_duration,
    response_stats,
    supplier_panel_context,
)
from vrm.reputation.recompute import recompute_supplier
from vrm.watch import service as watching
from vrm.watch.targets import resolve

T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def test_response_stats_on_known_data():
    stats = response_stats(
        [
            (T0, T0 + 1 * HOUR, "resolved"),
            (T0, T0 + 3 * HOUR, None),
            (T0, T0 + 50 * HOUR, "not_resolved"),
            (T0, None, None),
        ]
    )
    assert (stats.public_reviews, stats.answered, stats.resolved) == (4, 3, 1)
    assert stats.response_rate == 0.75 and stats.resolved_share == 0.25
    assert stats.median_first_answer == 3 * HOUR


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    stats = response_stats([(T0, T0 + 2 * HOUR, None), (T0, T0 + 4 * HOUR, None)])
    assert stats.median_first_answer == 3 * HOUR


def test_no_reviews_no_rates():
    stats = response_stats([])
    assert stats.response_rate is None and stats.median_first_answer is None


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (None, "no answers yet"),
        (dt.timedelta(seconds=30), "under a minute"),
        (dt.timedelta(minutes=1), "1 minute"),
        (dt.timedelta(minutes=40), "40 minutes"),
        (HOUR, "1 hour"),
        (5 * HOUR, "5 hours"),
        (47 * HOUR, "47 hours"),
        (dt.timedelta(days=3), "3 days"),
    ],
)
def test_human_duration(delta, text):
    assert human_duration(delta) == text


class Anonymous:
    is_authenticated = False


def test_panel_context_on_the_database(db_session):
    acme = make.supplier(db_session, "Acme Energy")
    start = now() - dt.timedelta(days=10)
    answered = [(1, "resolved"), (3, None), (50, None)]
    for hours, resolution in answered:
        review = make.review(
            db_session, author=make.member(db_session), supplier=acme, created_at=start
        )
        review.first_answer_at = start + hours * HOUR
        review.resolution = resolution
    make.review(db_session, author=make.member(db_session), supplier=acme, created_at=start)
    gone = make.review(db_session, author=make.member(db_session), supplier=acme, created_at=start)
    gone.status = "withdrawn"  # withdrawn reviews are not counted
    other = make.supplier(db_session)
    make.review(db_session, author=make.member(db_session), supplier=other)
    rep = make.representative(db_session, supplier=acme)
    db_session.flush()
    # The reviews were written straight to their table: bring the aggregates level.
    recompute_supplier(db_session, acme.id)

    panel = supplier_panel_context(db_session, acme, Anonymous())["panel"]
    assert panel.response_rate_text == "75%" and panel.median_first_answer_text == "3 hours"
    assert panel.resolved_text == "25%" and panel.representatives == 1
    assert not panel.signed_in and not panel.can_claim

    assert supplier_panel_context(db_session, acme, rep)["panel"].is_representative
    claimant = make.member(db_session)
    service.request_claim(db_session, member=claimant, supplier=acme, method="moderator")
    watching.watch(db_session, member=claimant, target=resolve(db_session, {"supplier": acme.slug}))
    mine = supplier_panel_context(db_session, acme, claimant)["panel"]
    assert mine.has_pending_claim and not mine.can_claim and mine.watching == "every"
    fresh = supplier_panel_context(db_session, acme, make.member(db_session))["panel"]
    assert fresh.can_claim and not fresh.watching and not fresh.is_representative


def test_panel_template_renders_spread_or_nested(app, db_session):
    acme = make.supplier(db_session, "Acme Energy")
    context = supplier_panel_context(db_session, acme, make.member(db_session))
    with app.test_request_context():
        spread = render_template("representatives/_supplier_panel.html", **context)
        nested = render_template("representatives/_supplier_panel.html", panel=context)
    for html in (spread, nested):
        assert "Response rate" in html and "no answers yet" in html
        assert f"/watch?supplier={acme.slug}" in html and f"/s/{acme.slug}/represent" in html
        assert "style=" not in html and "<script" not in html
