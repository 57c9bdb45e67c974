"""Numbers in any script, and bodies of the wrong kind: a 4xx with a clear page, never
a 500. Numbers from outside are read in one place, vrm/numbers.py."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from
from tests.reviews.factories import make_member, make_supplier, sign_in_as
from vrm import numbers
from vrm.reviews.models import Review
from vrm.terms.seed import seed_library

NOT_ASCII_DIGITS = ["²", "③", "٣", "１", "9" * 20, "9" * 5000, "1e3", "0x10", "+1", " ", "½"]


@pytest.mark.parametrize("text", NOT_ASCII_DIGITS)
def test_whole_number_reads_only_ascii_digits_in_range(text: str) -> None:
    assert numbers.whole_number(text, minimum=1, maximum=2**31 - 1) is None


def test_whole_number_reads_what_it_should() -> None:
    assert numbers.whole_number(" 42 ", minimum=1, maximum=100) == 42
    assert numbers.whole_number("-3", minimum=-5, maximum=5) == -3
    assert numbers.whole_number(7, minimum=1, maximum=9) == 7
    assert numbers.whole_number(True, minimum=0, maximum=9) is None
    assert numbers.whole_number("101", minimum=1, maximum=100) is None


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e300, True, "5", None, [1]])
def test_timestamp_refuses_what_a_date_cannot_hold(value: object) -> None:
    assert numbers.timestamp(value) is None


def test_timestamp_passes_an_ordinary_date() -> None:
    assert numbers.timestamp(1_700_000_000) == 1_700_000_000.0


@pytest.fixture
def member_client(client, db_session):
    seed_library(db_session)
    member = make_member(db_session, "alice")
    sign_in_as(client, member)
    return client


@pytest.mark.parametrize("version", ["²", "③", "٣", "9" * 20, "99999999999"])
def test_terms_editor_refuses_a_version_that_is_no_number(member_client, version: str) -> None:
    edit = "/members/alice/terms/edit"
    token = csrf_from(member_client.get(edit).get_data(as_text=True))
    answer = member_client.post(
        edit,
        data={
            "csrf_token": token,
            "action": "save",
            "clause": ["parley:no-stalking"],
            "version-parley:no-stalking": version,
        },
    )
    assert answer.status_code == 400


@pytest.mark.parametrize("rating", ["²", "③", "٣"])
def test_review_form_refuses_a_rating_in_other_digits(client, db_session, rating: str) -> None:
    make_supplier(db_session, "north-power")
    sign_in_as(client, make_member(db_session, "rater"))
    token = csrf_from(client.get("/s/north-power/review").get_data(as_text=True))
    fields = {"rating": "3", "ease": rating, "title": "Fine", "body": "All fine, thanks."}
    answer = client.post("/s/north-power/review", data={"csrf_token": token, **fields})
    assert answer.status_code == 400
    assert db_session.scalar(select(func.count()).select_from(Review)) == 0


@pytest.mark.parametrize(
    "body", [[1, 2], {"clause": [1, {"a": 2}], "text": None}, 3, "text", {"title": [["x"]]}]
)
@pytest.mark.parametrize("path", ["/members/alice/terms/edit", "/account", "/sign-in"])
def test_a_form_endpoint_refuses_json_with_415(member_client, body, path: str) -> None:
    """With a valid CSRF token in the header, Flask-WTF would read the JSON as the form."""
    token = csrf_from(member_client.get("/members/alice/terms/edit").get_data(as_text=True))
    answer = member_client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 415, answer.get_data(as_text=True)[:300]
    assert "takes a web form" in answer.get_data(as_text=True)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-thing"])
def test_other_bodies_are_415_too(member_client, content_type: str) -> None:
    token = csrf_from(member_client.get("/members/alice/terms/edit").get_data(as_text=True))
    answer = member_client.post(
        "/members/alice/terms/edit",
        data="csrf_token=" + token,
        content_type=content_type,
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 415


def test_the_json_api_still_takes_json(client) -> None:
    answer = client.post("/api/v1/suppliers", json={"name": "x"})
    assert answer.status_code != 415
