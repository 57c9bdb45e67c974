"""Every failure a person can cause or meet while signing in ends on a page that says
what happened and what to do — never a 500, and nothing half-created."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.support.local_http import answer, serving
from tests.support.oidc_provider import OidcProvider, complete_login
from vrm import clock
from vrm.members.models import Identity, Member


@pytest.fixture(autouse=True)
def counts_before(db_session) -> tuple[int, int]:
    return count_members(db_session), count_identities(db_session)


def nothing_created(db_session, before: tuple[int, int]) -> bool:
    return (count_members(db_session), count_identities(db_session)) == before


def count_members(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Member))


def count_identities(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Identity))


def with_params(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(params)}"


def test_unknown_host(auth: AuthActions, db_session, counts_before) -> None:
    answer_ = auth.begin(identifier="someone@no-such-host.invalid")
    assert answer_.status_code == 400  # a typing mistake, not a failing provider
    assert "could not be found" in answer_.get_data(as_text=True)
    assert nothing_created(db_session, counts_before)


def test_host_without_webfinger(auth: AuthActions) -> None:
    with serving(answer(404)) as url:
        host = urlsplit(url).netloc
        page = auth.begin(identifier=f"someone@{host}")
    assert page.status_code == 400
    assert "does not say which provider vouches for someone@" in page.get_data(as_text=True)


def test_not_an_openid_provider(auth: AuthActions) -> None:
    with serving(answer(404)) as url:
        page = auth.begin(identifier=url)
    assert page.status_code == 400
    assert "is not an OpenID provider" in page.get_data(as_text=True)


def test_provider_without_dynamic_registration(auth: AuthActions) -> None:
    closed = OidcProvider.start(registration=False)
    try:
        page = auth.begin(identifier=closed.url)
    finally:
        closed.stop()
    assert page.status_code == 400
    assert "does not let new sites register" in page.get_data(as_text=True)


def test_provider_down(auth: AuthActions) -> None:
    from tests.support.oidc_provider import _free_port

    page = auth.begin(identifier=f"http://127.0.0.1:{_free_port()}")
    assert page.status_code == 502
    assert "could not be reached" in page.get_data(as_text=True)


def test_discovery_claiming_another_issuer_is_refused(auth: AuthActions) -> None:
    impostor = OidcProvider.start(issuer="https://accounts.example.com")
    try:
        page = auth.begin(identifier=impostor.url)
    finally:
        impostor.stop()
    assert page.status_code == 502
    assert "claims another" in page.get_data(as_text=True)


def test_garbage_identifier_is_a_field_error(auth: AuthActions) -> None:
    for typed in ("", "   ", "not a url with spaces", "ftp://example.org", "x" * 400):
        page = auth.begin(identifier=typed)
        assert page.status_code == 400, typed
        assert 'aria-invalid="true"' in page.get_data(as_text=True)


def test_denied_consent(auth: AuthActions, db_session, counts_before) -> None:
    page = auth.authenticate("gail", consent=False)
    assert page.status_code == 400
    assert "did not allow" in page.get_data(as_text=True)
    assert nothing_created(db_session, counts_before)


def test_replayed_callback(auth: AuthActions) -> None:
    started = auth.begin()
    callback = complete_login(started.headers["Location"], "hana")
    assert auth.return_from(callback).status_code == 302
    replay = auth.return_from(callback)
    assert replay.status_code == 400
    assert "used already" in replay.get_data(as_text=True)


def test_expired_callback(auth: AuthActions, db_session, counts_before) -> None:
    started = auth.begin()
    callback = complete_login(started.headers["Location"], "ivan")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)
    clock.set_source(lambda: later)
    try:
        page = auth.return_from(callback)
    finally:
        clock.set_source(None)
    assert page.status_code == 400
    assert "expired" in page.get_data(as_text=True)
    assert nothing_created(db_session, counts_before)


def test_callback_without_any_sign_in(client) -> None:
    page = client.get("/sign-in/callback?code=abc&state=forged")
    assert page.status_code == 400


def test_mix_up_answer_from_another_issuer_is_refused(
    auth: AuthActions, db_session, counts_before
) -> None:
    """RFC 9207: an answer naming another issuer than the one we sent the person to."""
    started = auth.begin()
    callback = complete_login(started.headers["Location"], "jack")
    page = auth.return_from(with_params(callback, iss="https://attacker.example"))
    assert page.status_code == 400
    assert "different provider" in page.get_data(as_text=True)
    assert nothing_created(db_session, counts_before)


def test_missing_iss_is_refused_when_the_provider_promises_it(auth: AuthActions) -> None:
    started = auth.begin()
    callback = complete_login(started.headers["Location"], "kim")
    page = auth.return_from(with_params(callback, iss=None))
    assert page.status_code == 400


def test_code_injected_into_another_sign_in_fails_the_nonce(
    auth: AuthActions, db_session, counts_before
) -> None:
    """A code obtained in one sign-in, replayed into another, carries the wrong nonce."""
    started = auth.begin()
    callback = complete_login(started.headers["Location"], "lee")
    with auth.client.session_transaction() as cookie:
        pending = cookie["oidc_pending"]
        for entry in pending.values():
            entry["nonce"] = "a-different-sign-in"
        cookie["oidc_pending"] = pending
    page = auth.return_from(callback)
    assert page.status_code == 400
    assert "nonce" in page.get_data(as_text=True)
    assert nothing_created(db_session, counts_before)


def test_tampered_state_is_refused(auth: AuthActions) -> None:
    started = auth.begin()
    callback = complete_login(started.headers["Location"], "mo")
    page = auth.return_from(with_params(callback, state="forged"))
    assert page.status_code == 400


def test_forged_code_is_refused(auth: AuthActions, db_session, counts_before) -> None:
    started = auth.begin()
    callback = complete_login(started.headers["Location"], "ned")
    page = auth.return_from(with_params(callback, code="not-a-real-code"))
    assert page.status_code == 400
    assert "would not complete the sign-in" in page.get_data(as_text=True)
    assert nothing_created(db_session, counts_before)


@pytest.mark.parametrize("typed", ["http://127.0.0.1:{port}", "https://127.0.0.1:{port}"])
def test_loopback_issuers_refused_in_production(typed, provider, database_url, build_app) -> None:
    from tests.conftest import AuthActions as Actions

    app = build_app(database_url, allow_loopback_issuers=False)
    page = Actions(app.test_client()).begin(identifier=typed.format(port=provider.port))
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "only contacts providers over https" in text or "private or local address" in text
