"""/compare: two to four suppliers side by side, as HTML (no script), CSV and JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.reputation.conftest import Clock
from tests.reputation.test_pages import reviewed
from tests.reviews.factories import make_member, make_review
from tests.support.cost import statement_counts
from vrm.compare.charts import comparison_chart


def test_two_suppliers_side_by_side(
    client: FlaskClient, db_session: Session, frozen_clock: Clock
) -> None:
    reviewed(db_session, [5, 4, 5, 4, 5], name="Good Power", slug="good-power")
    reviewed(db_session, [1, 2, 1], name="Grim Power", slug="grim-power")
    answer = client.get("/compare?s=good-power&s=grim-power")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Compare: Good Power · Grim Power" in html
    assert "4.4" in html or "4.5" in html or "4.3" in html  # Good Power's score shown
    assert "Reviews answered" in html and "Promises kept" in html
    assert "Members’ terms accepted" in html and "Resolving the problem" in html
    assert 'class="chart-line chart-series-0"' in html and "chart-series-1" in html
    assert "<script" not in html.split("<main", 1)[-1]  # works without any script
    assert "/compare.csv?s=good-power&amp;s=grim-power" in html


@pytest.mark.parametrize(
    "query",
    ["?s=", "?s=good-power", "?s=good-power&s=good-power",
     "?s=a&s=b&s=c&s=d&s=e", "?s=&s="],
)  # fmt: skip
def test_too_few_or_too_many_is_a_clear_400(
    client: FlaskClient, db_session: Session, query: str
) -> None:
    reviewed(db_session, [5], name="Good Power", slug="good-power")
    answer = client.get(f"/compare{query}")
    assert answer.status_code == 400 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert "Choose" in html and 'name="s"' in html  # says why, offers the form
    data = client.get(f"/compare.json{query}")
    assert data.status_code == 400 and data.mimetype == "application/problem+json"


def test_the_bare_address_offers_the_chooser(client: FlaskClient, db_session: Session) -> None:
    answer = client.get("/compare")
    assert answer.status_code == 200 and 'name="s"' in answer.get_data(as_text=True)
    assert client.get("/compare.json").status_code == 400


def test_unknown_supplier_is_404_and_names_are_accepted(
    client: FlaskClient, db_session: Session
) -> None:
    reviewed(db_session, [5], name="Good Power", slug="good-power")
    reviewed(db_session, [3], name="Other Water", slug="other-water", sector="water")
    missing = client.get("/compare?s=good-power&s=no-such-thing")
    assert missing.status_code == 404 and "no-such-thing" in missing.get_data(as_text=True)
    by_name = client.get("/compare?s=good-power&s=other+water")
    assert by_name.status_code == 200
    by_url = client.get("/compare?s=http://localhost/s/good-power&s=/s/other-water/")
    assert by_url.status_code == 200
    assert client.get("/compare.xlsx?s=good-power&s=other-water").status_code == 404


def test_an_old_slug_finds_the_supplier_it_now_leads_to(
    client: FlaskClient, db_session: Session
) -> None:
    from vrm.suppliers.models import SupplierSlugRedirect

    good = reviewed(db_session, [5], name="Good Power", slug="good-power")
    reviewed(db_session, [3], name="Other Water", slug="other-water", sector="water")
    db_session.add(SupplierSlugRedirect(old_slug="rsted", supplier_id=good.id))
    db_session.flush()
    answer = client.get("/compare?s=rsted&s=other-water")
    assert answer.status_code == 200 and "Compare: Good Power · Other Water" in answer.get_data(
        as_text=True
    )


def test_csv_and_json(client: FlaskClient, db_session: Session, frozen_clock: Clock) -> None:
    reviewed(db_session, [5, 4, 5, 4], name="Good Power", slug="good-power")
    reviewed(db_session, [2], name="=cmd()", slug="formula")
    table = client.get("/compare.csv?s=good-power&s=formula")
    assert table.mimetype == "text/csv" and table.headers["Access-Control-Allow-Origin"] == "*"
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert [r["slug"] for r in rows] == ["good-power", "formula"]
    assert rows[0]["reviews"] == "4" and rows[0]["enough_reviews"] == "true"
    assert rows[1]["enough_reviews"] == "false" and rows[1]["score"] == ""
    assert rows[1]["name"] == "'=cmd()" and rows[0]["stars_5"] == "2"
    document = client.get("/compare.json?s=good-power&s=formula").get_json()
    assert "CC BY 4.0" in document["licence"] and len(document["months"]) == 24
    first = document["suppliers"][0]
    assert first["reputation"]["overall"]["enough_reviews"] is True
    assert first["terms_accepted"] == {"accepted": 0, "declined": 0, "pending": 0, "standing": 0}
    assert "member" not in str(document) and "handle" not in str(document)


def test_reachable_from_league_search_and_supplier_pages(
    client: FlaskClient, db_session: Session
) -> None:
    reviewed(db_session, [5, 4, 5], name="Good Power", slug="good-power")
    reviewed(db_session, [4, 4, 4], name="Fine Power", slug="fine-power")
    league = client.get("/league").get_data(as_text=True)
    assert 'action="/compare"' in league and 'name="s" value="good-power"' in league
    supplier = client.get("/s/good-power").get_data(as_text=True)
    assert 'action="/compare"' in supplier
    assert '<input type="hidden" name="s" value="good-power">' in supplier


def test_cost_does_not_grow_with_reviews(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    a = reviewed(db_session, [5, 4], slug="cost-a")
    b = reviewed(db_session, [3], slug="cost-b")
    paths = ["/compare?s=cost-a&s=cost-b", "/compare.csv?s=cost-a&s=cost-b"]
    before = statement_counts(app, client, paths)
    for supplier in (a, b):
        for _ in range(15):
            make_review(db_session, make_member(db_session), supplier)
    assert statement_counts(app, client, paths) == before


def test_chart_lines_break_at_empty_months() -> None:
    import datetime as dt

    months = [dt.date(2026, m, 1) for m in range(1, 5)]
    chart = comparison_chart(months, [("A", [5.0, None, 3.0, 1.0]), ("B", [None] * 4)])
    first, second = chart.series
    assert len(first.lines) == 2 and len(first.dots) == 3 and second.lines == ()
    assert first.dots[0][1] < first.dots[-1][1]  # 5 stars drawn above 1 star
    assert "A, B" in chart.desc


def test_search_results_can_be_ticked_to_compare(
    client: FlaskClient,
    db_session: Session,
    commit: Callable[[], None],
    search_dir: Path,
) -> None:
    from tests.search.factories import make_supplier

    make_supplier(db_session, "Alpha Power")
    make_supplier(db_session, "Beta Power")
    commit()
    html = client.get("/search?q=power&type=supplier").get_data(as_text=True)
    assert 'action="/compare"' in html
    assert 'type="checkbox" name="s" value="alpha-power"' in html
    assert client.get("/compare?s=alpha-power&s=beta-power").status_code == 200
