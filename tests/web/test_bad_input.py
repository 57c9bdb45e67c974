"""Bad input anywhere gets a clear 4xx (a page, or problem+json under /api/), never a 500."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from tests.conftest import AuthActions, csrf_from
from tests.reviews.factories import make_member, make_supplier
from vrm.reviews.models import Review
from vrm.suppliers.models import Supplier

ID_MAX = 2**31 - 1  # INTEGER on PostgreSQL; SQLite's driver fails past 2**63
HUGE = "99999999999999999999"
NOT_ASCII = "%C2%B2"  # "²": str.isdigit() says yes, int() says no
PROBLEM = "application/problem+json"


# --- ids past the database's INTEGER ----------------------------------------------


def _int_rules(app: Flask) -> list:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]


def _url_with_ids(rule, number: int) -> str:
    """The rule's path with every int part set to NUMBER and every other part to a word."""
    return re.sub(
        r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>",
        lambda part: str(number) if part.group(1) == "int" else "x",
        rule.rule,
    )


def test_every_int_route_stops_at_the_id_range(app: Flask) -> None:
    rules = _int_rules(app)
    assert len(rules) >= 25
    for rule in rules:
        for converter in rule._converters.values():
            if isinstance(converter, IntegerConverter):
                assert converter.max == ID_MAX, rule.rule


def test_an_id_past_the_id_range_matches_no_route(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    with pytest.raises(NotFound):
        adapter.match(f"/reviews/{ID_MAX + 1}")
    assert adapter.match(f"/reviews/{ID_MAX}")[1] == {"review_id": ID_MAX}


def test_no_int_route_fails_on_a_huge_id(client: FlaskClient, app: Flask) -> None:
    for rule in _int_rules(app):
        url = _url_with_ids(rule, ID_MAX + 1)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answer = client.open(url, method=method)
            assert answer.status_code == 404, (method, url)
            if url.startswith("/api/"):
                assert answer.mimetype == PROBLEM, url


@pytest.mark.parametrize("number", [ID_MAX, ID_MAX + 1, 2**63, int("9" * 40)])
def test_huge_review_ids_are_404(client: FlaskClient, number: int) -> None:
    assert client.get(f"/reviews/{number}").status_code == 404
    api = client.get(f"/api/v1/reviews/{number}")
    assert api.status_code == 404 and api.mimetype == PROBLEM


# --- list parameters ----------------------------------------------------------------


@pytest.mark.parametrize("page", [HUGE, NOT_ASCII, "9" * 5000, "-1", "0"])
def test_suppliers_list_refuses_a_page_it_cannot_have(client: FlaskClient, page: str) -> None:
    answer = client.get(f"/suppliers?page={page}")
    assert answer.status_code == 400
    assert "page must be a whole number from 1 to 100000" in answer.get_data(as_text=True)
    api = client.get(f"/api/v1/suppliers?page={page}")
    assert api.status_code == 400 and api.mimetype == PROBLEM


def test_suppliers_past_the_last_page_shows_the_last_with_a_notice(
    client: FlaskClient, db_session: Session
) -> None:
    for number in range(25):
        make_supplier(db_session, f"paged-{number:02d}", sector="retail")
    html = client.get("/sectors/retail?page=500").get_data(as_text=True)
    assert "There is no page 500; the last page, 2, is shown." in html
    assert "Paged 24" in html and "Paged 00" not in html
    assert "page 500 of" not in html and "page=499" not in html
    assert "There is no page" not in client.get("/sectors/retail?page=2").get_data(as_text=True)


@pytest.mark.parametrize("page", [HUGE, NOT_ASCII, "9" * 5000])
def test_supplier_page_survives_a_page_it_cannot_have(
    client: FlaskClient, db_session: Session, page: str
) -> None:
    # The reviews list there falls back to defaults for bad values, by design.
    make_supplier(db_session, "north-power")
    assert client.get(f"/s/north-power?page={page}").status_code == 200


def test_supplier_page_past_the_last_review_page_says_so(
    client: FlaskClient, db_session: Session
) -> None:
    make_supplier(db_session, "north-power")
    html = client.get("/s/north-power?page=7").get_data(as_text=True)
    assert "There is no page 7; the last page, 1, is shown." in html


@pytest.mark.parametrize("page", [HUGE, NOT_ASCII, "9" * 5000, "-1"])
def test_member_page_survives_a_page_it_cannot_have(
    client: FlaskClient, db_session: Session, page: str
) -> None:
    make_member(db_session, "alice")
    assert client.get(f"/members/alice?page={page}").status_code == 200


@pytest.mark.parametrize("page", [HUGE, NOT_ASCII, "9" * 5000])
def test_reviews_api_refuses_a_page_it_cannot_have(
    client: FlaskClient, db_session: Session, page: str
) -> None:
    make_supplier(db_session, "north-power")
    api = client.get(f"/api/v1/suppliers/north-power/reviews?page={page}")
    assert api.status_code == 400 and api.mimetype == PROBLEM


# --- NUL characters -------------------------------------------------------------------

NUL_WORDS = "contains a NUL character"


@pytest.mark.parametrize(
    "url", ["/suppliers?q=%00", "/search?q=a%00b", "/suppliers?%00=1", "/s/a%00b"]
)
def test_nul_in_the_address_is_400(client: FlaskClient, url: str) -> None:
    answer = client.get(url)
    assert answer.status_code == 400 and NUL_WORDS in answer.get_data(as_text=True)


def test_nul_under_api_is_problem_json(client: FlaskClient) -> None:
    answer = client.get("/api/v1/suppliers?q=%00")
    assert answer.status_code == 400 and answer.mimetype == PROBLEM
    assert NUL_WORDS in answer.get_json()["detail"]
    sent = client.post("/api/v1/suppliers", json={"names": [{"x": "a\u0000b"}]})
    assert sent.status_code == 400 and sent.mimetype == PROBLEM


@pytest.mark.parametrize("body", ["[" * 5000 + "]" * 5000, r'{"text": "a\\u0000"}'])
def test_json_without_nul_is_not_refused(client: FlaskClient, body: str) -> None:
    # The second is a backslash followed by the letters u0000, not a NUL.
    answer = client.post("/api/v1/suppliers", data=body, content_type="application/json")
    assert answer.status_code == 405


def test_a_review_title_with_nul_is_refused_and_not_stored(
    auth: AuthActions, db_session: Session
) -> None:
    make_supplier(db_session, "north-power")
    auth.sign_up("nully")
    token = csrf_from(auth.client.get("/s/north-power/review").get_data(as_text=True))
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    form = {"rating": "2", "title": "a\x00b", "body": "Billed twice.", "experienced_on": yesterday}
    answer = auth.client.post("/s/north-power/review", data={"csrf_token": token, **form})
    assert answer.status_code == 400 and NUL_WORDS in answer.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Review)) == 0


def test_a_supplier_name_with_nul_is_refused_and_not_stored(
    auth: AuthActions, db_session: Session
) -> None:
    auth.sign_up("nully")
    token = csrf_from(auth.client.get("/suppliers/new").get_data(as_text=True))
    form = {"name": "Nul\x00 Ltd", "kind": "business", "sector": "retail", "confirm_new": "y"}
    answer = auth.client.post("/suppliers/new", data={"csrf_token": token, **form})
    assert answer.status_code == 400 and NUL_WORDS in answer.get_data(as_text=True)
    assert db_session.scalar(select(Supplier).where(Supplier.name.like("Nul%"))) is None


@pytest.mark.parametrize("page", [HUGE, NOT_ASCII, "9" * 5000, "-1", "0"])
def test_league_refuses_a_page_it_cannot_have(client: FlaskClient, page: str) -> None:
    assert client.get(f"/league?page={page}").status_code == 400
