"""Sign-out says "and of your provider" only when the provider confirms it.

One browser throughout: Parley's test client for Parley, a requests session holding the
real provider's cookies for the provider, so its logout page and the silent check after
it see the same provider session the sign-in made.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from tests.conftest import AuthActions, csrf_from
from tests.support.oidc_provider import OidcProvider, _PageParser, complete_login
from vrm.identity.views import SIGNED_OUT_EVERYWHERE, SIGNED_OUT_HERE_ONLY


def _at_provider(http: requests.Session, url: str, on_page: Callable[[str, str], tuple]) -> str:
    """Follow the provider's redirects from URL, answering its pages with ON_PAGE, until it
    sends the browser elsewhere; that address."""
    origin = urlsplit(url)[:2]
    method, data = "GET", None
    for _ in range(10):
        answer = http.request(method, url, data=data, allow_redirects=False, timeout=10)
        if answer.is_redirect:
            location = urljoin(url, answer.headers["Location"])
            if urlsplit(location)[:2] != origin:
                return location
            method, url, data = "GET", location, None
            continue
        assert answer.status_code == 200, answer.text[:500]
        method, url, data = on_page(url, answer.text)
    raise AssertionError("the provider never sent the browser back")


def _logout_choice(sign_out: bool) -> Callable[[str, str], tuple]:
    def answer(url: str, page: str) -> tuple:
        parser = _PageParser()
        parser.feed(page)
        [form] = [f for f in parser.forms if f["method"] == "post"]
        fields = dict(form["fields"])
        if sign_out:  # "Yes, sign me out"; "No, stay signed in" sends no `logout`
            fields["logout"] = "yes"
        return "POST", urljoin(url, form["action"]), fields

    return answer


def _no_pages(url: str, page: str) -> tuple:
    raise AssertionError(f"a silent check showed a page at {url}")


def _sign_up(auth: AuthActions, http: requests.Session, login: str) -> None:
    started = auth.begin()
    auth.return_from(complete_login(started.headers["Location"], login, session=http))
    token = csrf_from(auth.client.get("/welcome").get_data(as_text=True))
    auth.client.post("/welcome", data={"csrf_token": token, "handle": login})


def _sign_out(auth: AuthActions, http: requests.Session, *, at_provider_too: bool) -> str:
    """Sign out of Parley, choose at the provider, and return the page Parley ends on."""
    answer = auth.sign_out()
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["id_token_hint"] and query["state"] and query["client_id"] == ["parley-basic"]
    assert query["post_logout_redirect_uri"] == ["http://localhost/signed-out"]
    back = _at_provider(http, answer.headers["Location"], _logout_choice(at_provider_too))
    assert parse_qs(urlsplit(back).query)["state"] == query["state"]
    check = auth.return_from(back)  # Parley asks the provider, silently, what became of it
    assert "prompt=none" in check.headers["Location"]
    landing = auth.return_from(_at_provider(http, check.headers["Location"], _no_pages))
    assert landing.status_code == 302
    assert auth.client.get("/account").status_code == 302  # signed out of Parley either way
    return auth.client.get(landing.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("chose_to_sign_out", [True, False])
def test_the_page_says_what_the_provider_did(
    auth: AuthActions, provider: OidcProvider, chose_to_sign_out: bool
) -> None:
    http = requests.Session()
    _sign_up(auth, http, f"olga{int(chose_to_sign_out)}")
    page = _sign_out(auth, http, at_provider_too=chose_to_sign_out)
    if chose_to_sign_out:
        assert SIGNED_OUT_EVERYWHERE in page
    else:
        assert SIGNED_OUT_HERE_ONLY in page and SIGNED_OUT_EVERYWHERE not in page
        # The provider still knows them: signing in again needs no password there.
        started = auth.begin()
        assert "code=" in complete_login(started.headers["Location"], "nobody", session=http)


def test_a_return_without_our_state_claims_nothing(auth: AuthActions) -> None:
    auth.sign_up("pia")
    auth.sign_out()
    for query in ("", "?state=forged"):
        landing = auth.client.get(f"/signed-out{query}")
        page = auth.client.get(landing.headers["Location"]).get_data(as_text=True)
        assert SIGNED_OUT_HERE_ONLY in page and SIGNED_OUT_EVERYWHERE not in page
