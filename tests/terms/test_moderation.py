"""Moderators publish clauses and new versions from the web; others may not."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.terms.conftest import login, token
from vrm.terms.models import ClauseVersion


def test_moderator_adds_a_clause_and_a_version(client, library, make_member, db_session) -> None:
    login(client, make_member("mod", role="moderator"))
    csrf = token(client, "/terms/clauses/new")
    data = {
        "csrf_token": csrf,
        "identifier": "parley:no-cold-calls",
        "title": "No cold calls",
        "text": "Do not phone me unasked.",
        "category": "contact",
        "parameters": "",
        "standard": "",
    }
    assert client.post("/terms/clauses/new", data=data).status_code == 303
    again = client.post("/terms/clauses/new", data=data)
    assert again.status_code == 409 and "already exists" in again.get_data(as_text=True)
    url = "/terms/clauses/parley:no-cold-calls/versions/new"
    bad = client.post(url, data={**data, "parameters": "{not json"})
    assert bad.status_code == 400 and "not valid JSON" in bad.get_data(as_text=True)
    params = {"hours": {"type": "int", "label": "Hours", "min": 1, "max": 5}}
    ok = client.post(url, data={**data, "parameters": json.dumps(params)})
    assert ok.status_code == 303
    page = client.get("/terms/clauses/parley:no-cold-calls").get_data(as_text=True)
    assert "Version 2" in page and "Version 1" in page


def test_every_clause_form_error_comes_in_one_round(
    client, library, make_member, db_session
) -> None:
    """Issue 17: the parameters were only read once every other field was right."""
    login(client, make_member("mod", role="moderator"))
    data = {
        "csrf_token": token(client, "/terms/clauses/new"),
        "identifier": "parley:no-cold-calls",
        "title": "",
        "text": "Do not phone me unasked.",
        "category": "contact",
        "parameters": "{not json",
        "standard": "",
    }
    answer = client.post("/terms/clauses/new", data=data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="title-errors"' in page and 'id="parameters-errors"' in page
    assert "not valid JSON" in page


def test_members_cannot_change_the_library(client, library, make_member, db_session) -> None:
    login(client, make_member("plain"))
    before = db_session.scalar(select(func.count()).select_from(ClauseVersion))
    csrf = {"csrf_token": token(client, "/members/plain/terms/edit"), "title": "x"}
    assert client.get("/terms/clauses/new").status_code == 403
    assert client.post("/terms/clauses/new", data=csrf).status_code == 403
    url = "/terms/clauses/parley:no-stalking/versions/new"
    assert client.post(url, data=csrf).status_code == 403
    assert db_session.scalar(select(func.count()).select_from(ClauseVersion)) == before


def test_demo_seed_is_idempotent(app, library, make_member, make_supplier) -> None:
    from vrm.members.service import create_member
    from vrm.terms.demo import seed_terms_demo

    with app.app_context():  # retired handles are checked with a keyed digest
        for handle in ("alice", "bob", "carol"):
            create_member(library, handle=handle, issuer="http://demo", subject=handle)
    make_supplier("octopus-energy")
    first = seed_terms_demo(library, "http://demo")
    assert first > 0
    assert seed_terms_demo(library, "http://demo") == 0


def test_cli_seed(app, db_session) -> None:
    from vrm.terms.cli import terms_group

    result = app.test_cli_runner().invoke(terms_group, ["seed"])
    assert result.exit_code == 0 and "Clause library ready" in result.output


CLAUSE = {
    "identifier": "parley:big-numbers",
    "title": "Big numbers",
    "text": "Some text.",
    "category": "contact",
    "standard": "",
}


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        (json.dumps({"n": {"type": "int", "min": 1, "max": 10**26}}), "9007199254740991"),
        (json.dumps({"n": {"type": "int", "min": 1, "max": 5, "default": 10**26}}), "from 1 to 5"),
        ("[" * 5000 + "]" * 5000, "nest too deeply"),
        ("{" + " " * 30_000 + "}", "under 20,000 characters"),
        ("null", "JSON object"),
        ("[]", "JSON object"),
    ],
)
def test_unusable_parameters_are_a_form_error_keeping_what_was_typed(
    client, library, make_member, db_session, parameters, message
) -> None:
    login(client, make_member("mod", role="moderator"))
    before = db_session.scalar(select(func.count()).select_from(ClauseVersion))
    data = {"csrf_token": token(client, "/terms/clauses/new"), **CLAUSE, "parameters": parameters}
    answer = client.post("/terms/clauses/new", data=data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="parameters-errors"' in page and message in page
    assert 'value="parley:big-numbers"' in page and 'value="Big numbers"' in page
    assert db_session.scalar(select(func.count()).select_from(ClauseVersion)) == before
    version = client.post(
        "/terms/clauses/parley:no-stalking/versions/new", data={**data, "title": "Reworded"}
    )
    assert version.status_code == 400 and message in version.get_data(as_text=True)
    assert 'value="Reworded"' in version.get_data(as_text=True)
