"""Signing in for real against the Node OpenID provider, every way a person can."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from vrm.identity.models import ClientRegistration
from vrm.members.models import Identity, Member


def test_configured_provider_with_client_secret_basic(auth: AuthActions, db_session) -> None:
    answer = auth.sign_up("alice", "alice")
    assert answer.status_code == 302
    member = db_session.scalar(select(Member).where(Member.handle == "alice"))
    assert member is not None
    assert [(i.subject) for i in member.identities] == ["alice"]
    assert not hasattr(member, "email")  # Parley sends no email, so it keeps none
    page = auth.client.get("/").get_data(as_text=True)
    assert "signed in as <strong>alice</strong>" in page


def test_returning_member_is_welcomed_back(auth: AuthActions) -> None:
    auth.sign_up("bob")
    auth.sign_out()
    answer = auth.authenticate("bob")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert "Welcome back, bob" in auth.client.get("/").get_data(as_text=True)


def test_configured_provider_with_private_key_jwt(auth: AuthActions, db_session) -> None:
    answer = auth.sign_up("pat", provider="pkjwt")
    assert answer.status_code == 302
    assert db_session.scalar(select(Member).where(Member.handle == "pat")) is not None


def test_issuer_url_registers_dynamically_once(auth: AuthActions, provider, db_session) -> None:
    auth.sign_up("dora", identifier=provider.url)
    registrations = db_session.scalars(select(ClientRegistration)).all()
    # The configured provider shares this issuer, so its configured client is used instead.
    assert registrations == []


def test_user_at_host_uses_webfinger(auth: AuthActions, provider, db_session) -> None:
    auth.sign_up("erin", identifier=f"erin@127.0.0.1:{provider.port}")
    identity = db_session.scalar(select(Identity).where(Identity.subject == "erin"))
    assert identity is not None and identity.issuer == provider.issuer


def test_no_email_is_asked_for_or_kept(auth: AuthActions, db_session) -> None:
    auth.authenticate("fay")
    page = auth.client.get("/welcome").get_data(as_text=True)
    assert "fay@example.org" not in page and "email" not in page.lower()
    from tests.conftest import csrf_from

    auth.client.post(
        "/welcome", data={"csrf_token": csrf_from(page), "handle": "fay", "keep_email": "y"}
    )
    member = db_session.scalar(select(Member).where(Member.handle == "fay"))
    assert member is not None
    columns = {column.name for column in Member.__table__.columns}
    assert not any("mail" in name for name in columns)
    account = auth.client.get("/account").get_data(as_text=True)
    assert "fay@example.org" not in account


def test_sign_in_returns_to_the_page_that_asked(auth: AuthActions) -> None:
    auth.sign_up("nora")
    auth.sign_out()
    asked = auth.client.get("/account")
    assert asked.headers["Location"] == "/sign-in?next=%2Faccount"
    page = auth.client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/account"' in page
    from tests.conftest import csrf_from
    from tests.support.oidc_provider import complete_login

    started = auth.client.post(
        "/sign-in/provider/basic", data={"csrf_token": csrf_from(page), "next": "/account"}
    )
    answer = auth.return_from(complete_login(started.headers["Location"], "nora"))
    assert answer.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_sign_in_never_returns_to_another_site(auth: AuthActions, target: str) -> None:
    auth.sign_up("otto")
    auth.sign_out()
    started = auth.client.post(
        "/sign-in/provider/basic", data={"csrf_token": auth.csrf(), "next": target}
    )
    from tests.support.oidc_provider import complete_login

    answer = auth.return_from(complete_login(started.headers["Location"], "otto"))
    assert answer.headers["Location"] == "/"


def test_a_copy_of_the_session_cookie_stops_working_after_sign_out(auth: AuthActions) -> None:
    auth.sign_up("quinn")
    cookie = auth.client.get_cookie("parley_session")
    assert cookie is not None
    assert auth.client.get("/account").status_code == 200
    auth.sign_out()
    auth.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    answer = auth.client.get("/account")
    assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]
    auth.authenticate("quinn")  # signing in again works as ever
    assert auth.client.get("/account").status_code == 200
