"""Web: composing, publishing and withdrawing terms; public pages and canonical JSON."""

from __future__ import annotations

import hashlib

import pytest

from tests.terms.conftest import counts, login, token
from vrm.terms.models import Clause, ClauseVersion

EDIT = "/members/alice/terms/edit"


def _form(csrf: str, action: str = "save", **extra) -> dict:
    data = {
        "csrf_token": csrf,
        "action": action,
        "clause": ["parley:no-stalking", "parley:retention-limit", "parley:contact-channels"],
        "version-parley:no-stalking": "1",
        "version-parley:retention-limit": "1",
        "version-parley:contact-channels": "1",
        "p-parley:retention-limit-retention_days": "90",
        "p-parley:contact-channels-contact_channels": ["email", "post"],
        "text": "Please be **kind**. <script>alert(1)</script>",
    }
    data.update(extra)
    return data


@pytest.fixture
def alice(client, library, make_member):
    member = make_member("alice")
    login(client, member)
    return member


def test_compose_and_publish(client, alice, db_session) -> None:
    answer = client.post(EDIT, data=_form(token(client, EDIT), action="publish"))
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/members/alice/terms")
    page = client.get("/members/alice/terms").get_data(as_text=True)
    assert "Version 1" in page and "No stalking" in page and "90 days" in page
    assert "<strong>kind</strong>" in page and "<script>alert" not in page
    assert "email, post" in page


def test_json_is_served_byte_for_byte_as_hashed(client, alice, db_session) -> None:
    client.post(EDIT, data=_form(token(client, EDIT), action="publish"))
    body = client.get("/members/alice/terms.json").get_data()
    same = client.get("/members/alice/terms/v/1.json").get_data()
    page = client.get("/members/alice/terms/v/1").get_data(as_text=True)
    digest = hashlib.sha256(body).hexdigest()
    assert body == same
    assert digest in page
    assert client.get("/members/alice/terms/v/2").status_code == 404


def test_every_version_stays_addressable(client, alice, db_session) -> None:
    client.post(EDIT, data=_form(token(client, EDIT), action="publish"))
    client.post(EDIT, data=_form(token(client, EDIT), action="publish", text="Changed."))
    first = client.get("/members/alice/terms/v/1").get_data(as_text=True)
    assert "Superseded" in first
    assert "Changed." in client.get("/members/alice/terms").get_data(as_text=True)
    assert b"Changed." not in client.get("/members/alice/terms/v/1.json").get_data()


def test_only_the_member_edits_their_terms(client, library, make_member, db_session) -> None:
    make_member("alice")
    mallory = make_member("mallory")
    login(client, mallory)
    before = counts(db_session)
    assert client.get(EDIT).status_code == 403
    csrf = token(client, "/members/mallory/terms/edit")
    assert client.post(EDIT, data=_form(csrf, action="publish")).status_code == 403
    assert (
        client.post("/members/alice/terms/withdraw", data={"csrf_token": csrf}).status_code == 403
    )
    assert counts(db_session) == before


def test_anonymous_is_sent_to_sign_in(client, library, make_member) -> None:
    make_member("alice")
    answer = client.get(EDIT)
    assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"p-parley:retention-limit-retention_days": "0"}, "from 1 to 3650 days"),
        ({"p-parley:retention-limit-retention_days": "99999"}, "from 1 to 3650 days"),
        ({"p-parley:retention-limit-retention_days": "soon"}, "whole number"),
        ({"p-parley:contact-channels-contact_channels": ["email", "pigeon"]}, "pigeon"),
        ({"p-parley:contact-channels-contact_channels": []}, "at least one"),
        ({"clause": ["parley:made-up"], "version-parley:made-up": "1"}, "no such clause"),
        ({"clause": [], "text": ""}, "at least one clause"),
    ],
)
def test_bad_input_is_shown_at_the_field_and_nothing_changes(
    client, alice, db_session, changes, message
) -> None:
    before = counts(db_session)
    answer = client.post(EDIT, data=_form(token(client, EDIT), action="publish", **changes))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    errors_at_fields = page.split('class="field-errors"', 1)[1]
    assert message in errors_at_fields.split("</ul>", 1)[0]
    assert counts(db_session) == before


def test_every_problem_comes_in_one_round(client, alice, db_session) -> None:
    """Issue 17: a too-long text used to hide the clauses' problems until the next try."""
    before = counts(db_session)
    answer = client.post(
        EDIT,
        data=_form(
            token(client, EDIT),
            action="publish",
            text="x" * 10_001,
            **{
                "p-parley:retention-limit-retention_days": "soon",
                "p-parley:contact-channels-contact_channels": ["pigeon"],
            },
        ),
    )
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    summary = page.split('class="notice notice-error error-summary" tabindex="-1" autofocus>')[1]
    summary = summary.split("</div>", 1)[0]
    assert summary.count("<li>") == 3
    assert "Keep the free text under 10000 characters." in summary
    assert "whole number" in summary and "pigeon" in summary
    assert counts(db_session) == before


def test_publishing_the_same_again_is_409(client, alice, db_session) -> None:
    client.post(EDIT, data=_form(token(client, EDIT), action="publish"))
    before = counts(db_session)
    answer = client.post(EDIT, data=_form(token(client, EDIT), action="publish"))
    assert answer.status_code == 409
    assert "already says exactly this" in answer.get_data(as_text=True)
    assert counts(db_session) == before


def test_save_draft_then_withdraw(client, alice, db_session) -> None:
    assert client.post(EDIT, data=_form(token(client, EDIT))).status_code == 303
    assert client.get("/members/alice/terms").status_code == 404  # a draft is not public
    client.post(EDIT, data=_form(token(client, EDIT), action="publish"))
    csrf = token(client, EDIT)
    assert (
        client.post("/members/alice/terms/withdraw", data={"csrf_token": csrf}).status_code == 303
    )
    page = client.get("/members/alice/terms").get_data(as_text=True)
    assert "withdrawn" in page
    assert client.get("/members/alice/terms.json").status_code == 404
    assert client.get("/members/alice/terms/v/1.json").status_code == 200


def test_profile_partial_shows_current_terms(app, client, alice, db_session) -> None:
    client.post(EDIT, data=_form(token(client, EDIT), action="publish"))
    with app.test_request_context("/"):
        from flask import render_template_string

        html = render_template_string('{% include "terms/_profile_terms.html" %}', member=alice)
        assert "/members/alice/terms" in html and "version 1" in html
        bob = type(alice)(handle="bob")
        bob.id = -1
        assert "version" not in render_template_string(
            '{% include "terms/_profile_terms.html" %}', member=bob
        )


def test_library_and_clause_pages(client, library) -> None:
    page = client.get("/terms").get_data(as_text=True)
    assert "No stalking" in page and "parley:no-stalking" in page
    clause = client.get("/terms/clauses/parley:retention-limit")
    assert clause.status_code == 200 and "from 1 to 3650 days" in clause.get_data(as_text=True)
    assert client.get("/terms/clauses/parley:nothing").status_code == 404


@pytest.mark.parametrize(
    "value", ["99999999999999999999999", "-99999999999999999999999", "9" * 5000, "--5"]
)
def test_numbers_canonical_json_cannot_hold_are_a_form_error(
    client, alice, db_session, value
) -> None:
    # A clause from before bounds were checked, allowing numbers RFC 8785 refuses.
    clause = Clause(identifier="parley:legacy-hours")
    db_session.add(clause)
    db_session.flush()
    spec = {"type": "int", "label": "Hours", "min": -(10**26), "max": 10**26}
    db_session.add(
        ClauseVersion(
            clause=clause,
            version=1,
            title="Legacy hours",
            text="Answer within this many hours.",
            category="response-times",
            parameters={"hours": spec},
        )
    )
    db_session.flush()
    before = counts(db_session)
    extra = {
        "clause": ["parley:legacy-hours"],
        "version-parley:legacy-hours": "1",
        "p-parley:legacy-hours-hours": value,
        "text": "Kept as typed.",
    }
    for action in ("save", "publish"):
        answer = client.post(EDIT, data=_form(token(client, EDIT), action=action, **extra))
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400, action
        assert "Hours: give a" in page and "Kept as typed." in page
    assert counts(db_session) == before
