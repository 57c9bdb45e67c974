"""The methodology page, the league tables, the supplier partial, the API and the CLI."""

from __future__ import annotations

import re

from flask import Flask, render_template
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.reputation.conftest import Clock
from tests.reviews.factories import make_member, make_review, make_supplier
from vrm.reputation.cli import reputation_group
from vrm.reputation.models import ReputationEntry, ReputationSums
from vrm.reputation.queries import supplier_reputation_context
from vrm.suppliers.models import Area, Supplier


def reviewed(session: Session, ratings: list[int], **fields: object) -> Supplier:
    supplier = make_supplier(session, **fields)
    for rating in ratings:
        make_review(session, make_member(session), supplier, rating=rating)
    return supplier


def test_methodology_explains_the_formulas_and_parameters(client: FlaskClient) -> None:
    page = client.get("/methodology")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "365.0 days" in html and "p_i = (r_i + C·a_i)" in html and "Var(S)" in html
    assert "flask reputation recompute" in html and "/api/v1/league" in html


def test_league_ranks_by_lower_bound(
    client: FlaskClient, db_session: Session, frozen_clock: Clock
) -> None:
    north = Area(code="E12000001", name="North East", kind="region")
    db_session.add(north)
    db_session.flush()
    db_session.add(Area(code="E06000047", name="County Durham", kind="local_authority",
                        parent_id=north.id))  # fmt: skip
    db_session.flush()
    durham = db_session.scalar(select(Area).where(Area.code == "E06000047"))
    steady = reviewed(db_session, [5, 4, 5, 4, 5, 4, 5, 5, 4, 5] * 3, sector="water",
                      name="Steady Water", area_id=durham.id)  # fmt: skip
    lucky = reviewed(db_session, [5, 5, 5], sector="water", name="Lucky Water")
    reviewed(db_session, [5], sector="water", name="Lonely Water")
    reviewed(db_session, [1, 2, 1], sector="energy", name="Grim Energy")

    html = client.get("/league?sector=water").get_data(as_text=True)
    assert html.index(steady.name) < html.index(lucky.name)
    assert "Lonely Water" not in html and "1 with fewer than 3 reviews is not ranked" in html
    assert "Grim Energy" not in html

    html = client.get("/league?area=E12000001").get_data(as_text=True)
    assert steady.name in html and lucky.name not in html
    html = client.get("/league?kind=public_service").get_data(as_text=True)
    assert "No one to rank yet" in html


def test_league_refuses_bad_filters(client: FlaskClient, db_session: Session) -> None:
    for query, field, words in [
        ("kind=shop", "kind", "business or public service"),
        ("sector=nope", "sector", "no such sector"),
        ("area=XX999", "area", "no such area"),
        ("page=0", "page", "whole number"),
        ("page=abc", "page", "whole number"),
    ]:
        page = client.get(f"/league?{query}")
        html = page.get_data(as_text=True)
        assert page.status_code == 400, query
        assert f'id="league-{field}-errors"' in html and words in html
    assert client.get("/league?page=7").status_code == 404


def test_supplier_partial_renders_scores_charts_and_tables(
    app: Flask, db_session: Session, frozen_clock: Clock
) -> None:
    supplier = reviewed(db_session, [1, 5, 5, 4])
    thin = reviewed(db_session, [3])
    with app.test_request_context("/"):
        html = render_template(
            "reputation/_supplier_reputation.html",
            **supplier_reputation_context(db_session, supplier),
        )
        thin_html = render_template(
            "reputation/_supplier_reputation.html",
            **supplier_reputation_context(db_session, thin),
        )
    assert "from 4 reviews" in html and "likely between" in html
    assert html.count('role="img"') == 2 and '<title id="dist-title">' in html
    assert '<desc id="trend-desc">' in html and '<details class="chart-data">' in html
    assert not re.search(r"\sstyle=|<script|\son\w+=", html)
    assert "Not enough reviews yet" in thin_html and "1 of the 3 needed" in thin_html


def test_reputation_api(client: FlaskClient, db_session: Session, frozen_clock: Clock) -> None:
    supplier = reviewed(db_session, [2, 4, 4, 5], sector="telecoms")
    body = client.get(f"/api/v1/suppliers/{supplier.slug}/reputation").get_json()
    assert body["overall"]["count"] == 4 and body["overall"]["enough_reviews"] is True
    assert body["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 2, "5": 1}
    assert set(body["aspects"]) == {"ease", "resolution", "fairness", "respect"}
    assert len(body["monthly"]) == 24 and body["monthly"][-1]["reviews"] == 4
    assert body["parameters"]["half_life_days"] == 365.0

    missing = client.get("/api/v1/suppliers/nobody-here/reputation")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"

    league = client.get("/api/v1/league?sector=telecoms").get_json()
    assert league["total"] == 1 and league["items"][0]["slug"] == supplier.slug
    bad = client.get("/api/v1/league?kind=shop")
    assert bad.status_code == 400 and "business or public service" in bad.get_json()["detail"]

    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/suppliers/{slug}/reputation" in spec["paths"] and "/league" in spec["paths"]
    assert "Reputation" in spec["components"]["schemas"]


def test_cli_recompute(app: Flask, db_session: Session) -> None:
    supplier = reviewed(db_session, [3, 4])
    db_session.execute(ReputationSums.__table__.delete())
    with app.app_context():
        result = app.test_cli_runner().invoke(reputation_group, ["recompute"])
    assert result.exit_code == 0, result.output
    assert "Recomputed reputation from" in result.output
    assert db_session.get(ReputationSums, (supplier.id, "overall")) is not None
    assert db_session.scalar(select(func.count()).select_from(ReputationEntry)) >= 2


def test_sort_score_is_the_lower_bound(db_session: Session, frozen_clock: Clock) -> None:
    from vrm.reputation.queries import sort_score, supplier_reputation

    supplier = reviewed(db_session, [4, 4, 5])
    assert (
        sort_score(db_session, supplier.id) == supplier_reputation(db_session, supplier).overall.low
    )
    assert sort_score(db_session, reviewed(db_session, [5]).id) is None
