"""Answers a misbehaving provider or a hostile link can send to the sign-in, each
refused with a clear page: 400 when the person can put it right, 502 when the provider
is at fault (and the page says what to do) — never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import AuthActions
from tests.identity.test_refusals import with_params
from tests.support.local_http import answer, serving
from tests.support.oidc_provider import complete_login
from tests.support.scripted_provider import json_answer, scripted_provider, state_of

PROVIDER_HINT = "use another identity provider"
UNREACHABLE_HINT = "Try again later or use another identity."


@pytest.mark.parametrize("name", ["iss", "state", "code"])
def test_a_repeated_callback_parameter_is_refused(auth: AuthActions, name: str) -> None:
    """RFC 9207's iss among them: the right value first must not let a second one by."""
    started = auth.begin()
    callback = complete_login(started.headers["Location"], "kate")
    extra = {"iss": "https://attacker.example", "state": "forged", "code": "stolen"}[name]
    page = auth.return_from(f"{callback}&{name}={extra}")
    assert page.status_code == 400
    assert f"named {name} more than once" in page.get_data(as_text=True)


def test_a_single_iss_still_signs_in(auth: AuthActions) -> None:
    started = auth.begin()
    callback = complete_login(started.headers["Location"], "lena")
    assert auth.return_from(with_params(callback)).status_code == 302


@pytest.mark.parametrize(
    "typed",
    ["a[b", "[::1", "x]y", "https://[::1", "me@a[b", "1.5", "2147483648", "me@1.5", "0x7f.1"],
)
def test_identifiers_that_are_no_host_are_a_400(auth: AuthActions, typed: str) -> None:
    page = auth.begin(identifier=typed)
    assert page.status_code == 400, typed
    assert 'aria-invalid="true"' in page.get_data(as_text=True)


def test_a_provider_whose_tls_fails_is_a_502_that_says_what_to_do(auth: AuthActions) -> None:
    with serving(answer(200, b"{}")) as base:
        page = auth.begin(identifier=base.replace("http://", "https://"))
    text = page.get_data(as_text=True)
    assert page.status_code == 502
    assert "secure (TLS) connection" in text and UNREACHABLE_HINT in text


@pytest.mark.parametrize("figure", ["Infinity", "NaN", "1e300", '"soon"', "-5"])
def test_an_impossible_token_expiry_is_a_502(auth: AuthActions, figure: str) -> None:
    body = (
        f'{{"access_token": "x", "token_type": "Bearer", "id_token": "x", "expires_in": {figure}}}'
    ).encode()
    token = answer(200, body, {"Content-Type": "application/json"})
    with scripted_provider(token=token) as issuer:
        started = auth.begin(identifier=issuer)
        state = state_of(started.headers["Location"])
        page = auth.client.get(f"/sign-in/callback?code=abc&state={state}")
    text = page.get_data(as_text=True)
    assert page.status_code == 502
    assert "impossible expires_in" in text and PROVIDER_HINT in text


@pytest.mark.parametrize("figure", [1e300, "tomorrow", -1])
def test_an_impossible_registration_expiry_is_a_502(auth: AuthActions, figure: object) -> None:
    registered = json_answer(
        {"client_id": "c", "client_secret": "s", "client_secret_expires_at": figure}
    )
    with scripted_provider(register=registered) as issuer:
        page = auth.begin(identifier=issuer)
    assert page.status_code == 502
    assert PROVIDER_HINT in page.get_data(as_text=True)
