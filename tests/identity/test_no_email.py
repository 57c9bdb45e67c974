"""Parley keeps no email, so it asks for none: signing in and linking request no email
scope from the provider; only a representative's check of their address does."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.conftest import AuthActions
from vrm.identity.flow import scopes_for

CONFIGURED = ("openid", "profile", "email")


def test_scopes_for_each_intent() -> None:
    assert scopes_for(CONFIGURED, "sign_in") == ["openid", "profile"]
    assert scopes_for(CONFIGURED, "link") == ["openid", "profile"]
    assert scopes_for(CONFIGURED, "verify_email") == list(CONFIGURED)
    assert scopes_for(("openid",), "verify_email") == ["openid", "email"]


def test_signing_in_asks_the_real_provider_for_no_email(auth: AuthActions) -> None:
    started = auth.begin()
    scope = parse_qs(urlsplit(started.headers["Location"]).query)["scope"][0].split()
    assert "openid" in scope and "email" not in scope
    # And the member made from that sign-in has no email anywhere on the welcome page.
    auth.sign_up("zed")
    assert 'type="email"' not in auth.client.get("/account").get_data(as_text=True)
