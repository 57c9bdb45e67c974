"""Linking and unlinking identities, signing out, export and erasure — as a member would."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from tests.conftest import AuthActions, csrf_from
from tests.support.oidc_provider import complete_login
from vrm.members.models import Identity, Member


def member(db_session, handle: str) -> Member:
    found = db_session.scalar(select(Member).where(Member.handle == handle))
    assert found is not None
    return found


def link(auth: AuthActions, login: str, **begin) -> object:
    started = auth.begin(intent="link", page="/account", **begin)
    assert started.status_code == 303
    return auth.return_from(complete_login(started.headers["Location"], login))


def test_link_a_second_identity_then_sign_in_with_either(auth: AuthActions, db_session, provider):
    auth.sign_up("olga")
    answer = link(auth, "olga-work", identifier=f"olga-work@127.0.0.1:{provider.port}")
    assert answer.headers["Location"] == "/account"
    assert {i.subject for i in member(db_session, "olga").identities} == {"olga", "olga-work"}
    auth.sign_out()
    assert auth.authenticate("olga-work").headers["Location"] == "/"
    assert "signed in as <strong>olga</strong>" in auth.client.get("/").get_data(as_text=True)


def test_cannot_link_an_identity_that_belongs_to_someone_else(auth: AuthActions, db_session):
    auth.sign_up("pia")
    auth.sign_out()
    auth.sign_up("quin")
    answer = link(auth, "pia")
    assert answer.status_code == 409
    assert "belongs to another member" in answer.get_data(as_text=True)
    assert [i.subject for i in member(db_session, "quin").identities] == ["quin"]


def test_unlink_but_never_the_last(auth: AuthActions, db_session):
    auth.sign_up("rita")
    link(auth, "rita-2", provider="pkjwt")
    rita = member(db_session, "rita")
    second = next(i for i in rita.identities if i.subject == "rita-2")
    token = auth.csrf("/account")
    answer = auth.client.post(f"/account/identities/{second.id}/unlink", data={"csrf_token": token})
    assert answer.status_code == 303
    db_session.expire_all()
    only = member(db_session, "rita").identities
    assert [i.subject for i in only] == ["rita"]
    refused = auth.client.post(
        f"/account/identities/{only[0].id}/unlink", data={"csrf_token": token}
    )
    assert refused.status_code == 409
    assert "only identity" in refused.get_data(as_text=True)


def test_cannot_unlink_another_members_identity(auth: AuthActions, db_session):
    auth.sign_up("sam")
    sams = member(db_session, "sam").identities[0].id
    auth.sign_out()
    auth.sign_up("tess")
    link(auth, "tess-2", provider="pkjwt")
    token = auth.csrf("/account")
    answer = auth.client.post(f"/account/identities/{sams}/unlink", data={"csrf_token": token})
    assert answer.status_code == 404
    assert db_session.get(Identity, sams) is not None


def test_sign_out_logs_out_at_the_provider_too(auth: AuthActions, provider):
    auth.sign_up("uma")
    answer = auth.sign_out()
    assert answer.status_code == 303
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == provider.url
    query = parse_qs(location.query)
    assert query["client_id"] == ["parley-basic"]
    assert query["post_logout_redirect_uri"] == ["http://localhost/signed-out"]
    assert auth.client.get("/account").status_code == 302  # signed out of Parley


def test_sign_out_needs_a_post_with_csrf(auth: AuthActions):
    auth.sign_up("vic")
    assert auth.client.get("/sign-out").status_code == 405
    assert auth.client.post("/sign-out").status_code == 400
    assert auth.client.get("/account").status_code == 200


def test_export_holds_everything_and_nothing_of_others(auth: AuthActions):
    auth.sign_up("wyn")
    answer = auth.client.get("/account/export.json")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    document = json.loads(answer.get_data(as_text=True))
    assert document["member"]["handle"] == "wyn"
    assert [i["subject"] for i in document["identities"]] == ["wyn"]


def test_erase_removes_the_member_and_identities(auth: AuthActions, db_session):
    auth.sign_up("xia")
    page = auth.client.get("/account").get_data(as_text=True)
    wrong = auth.client.post(
        "/account/erase", data={"csrf_token": csrf_from(page), "confirm_handle": "nope"}
    )
    assert wrong.status_code == 400
    assert member(db_session, "xia")
    answer = auth.client.post(
        "/account/erase",
        data={"csrf_token": csrf_from(page), "confirm_handle": "xia", "choice": "everything"},
    )
    assert answer.status_code == 303
    assert db_session.scalar(select(func.count()).where(Member.handle == "xia")) == 0
    assert db_session.scalar(select(func.count()).where(Identity.subject == "xia")) == 0
    assert auth.client.get("/account").status_code == 302
    # Nobody else can come to be "xia": old links and answers named her.
    auth.authenticate("xib")
    token = csrf_from(auth.client.get("/welcome").get_data(as_text=True))
    taken = auth.client.post("/welcome", data={"csrf_token": token, "handle": "xia"})
    assert taken.status_code == 400 and "taken" in taken.get_data(as_text=True)


def test_handle_rules_on_the_welcome_form(auth: AuthActions, db_session):
    auth.sign_up("yan")
    auth.sign_out()
    auth.authenticate("zed")
    token = csrf_from(auth.client.get("/welcome").get_data(as_text=True))
    for handle, words in [
        ("yan", "taken"),
        ("ab", "3 to 30"),
        ("admin", "reserved"),
        ("9lives", "starting with a letter"),
        ("", "Choose a handle"),
    ]:
        answer = auth.client.post("/welcome", data={"csrf_token": token, "handle": handle})
        assert answer.status_code == 400, handle
        assert words in answer.get_data(as_text=True), handle
    assert db_session.scalar(select(func.count()).where(Identity.subject == "zed")) == 0
    answer = auth.client.post("/welcome", data={"csrf_token": token, "handle": "Zed_2"})
    assert answer.status_code == 302
    assert member(db_session, "zed_2")


def test_welcome_without_a_verified_identity_goes_to_sign_in(client):
    assert client.get("/welcome").headers["Location"] == "/sign-in"
