"""The SSRF guard: addresses checked at connect time, redirects, size and time caps."""

from __future__ import annotations

import ipaddress

import pytest

from tests.support.local_http import answer, serving, trickle
from vrm.identity import safe_http
from vrm.identity.safe_http import FetchRefused, address_allowed, check_url, guarded_session


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "127.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
        "::ffff:127.0.0.1",
        "100.64.0.1",
        "224.0.0.1",
    ],
)
def test_private_and_local_addresses_are_refused(address: str) -> None:
    assert not address_allowed(ipaddress.ip_address(address), allow_loopback=False)


def test_public_addresses_and_allowed_loopback() -> None:
    assert address_allowed(ipaddress.ip_address("93.184.216.34"), allow_loopback=False)
    assert address_allowed(ipaddress.ip_address("127.0.0.1"), allow_loopback=True)
    assert not address_allowed(ipaddress.ip_address("10.0.0.1"), allow_loopback=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/",
        "ftp://example.org/",
        "https://user:pw@example.org/",
        "file:///etc/passwd",
        "http://10.0.0.1/",
    ],
)
def test_only_https_urls(url: str) -> None:
    with pytest.raises(FetchRefused):
        check_url(url, allow_loopback=True)


def test_loopback_refused_unless_allowed() -> None:
    with serving(answer(200, b"{}")) as base, pytest.raises(FetchRefused):
        guarded_session(False).get(base)


def test_redirect_to_a_private_address_is_refused() -> None:
    redirect = answer(302, headers={"Location": "https://10.0.0.1/steal"})
    with serving(redirect) as base, pytest.raises(FetchRefused, match="private or local"):
        guarded_session(True).get(base)


def test_redirect_to_plain_http_is_refused() -> None:
    redirect = answer(302, headers={"Location": "http://example.org/"})
    with serving(redirect) as base, pytest.raises(FetchRefused, match="over https"):
        guarded_session(True).get(base)


def test_oversized_answers_are_refused() -> None:
    body = b"x" * (safe_http.MAX_BYTES + 1)
    with serving(answer(200, body)) as base, pytest.raises(FetchRefused, match="too large"):
        guarded_session(True).get(base)


def test_slow_answers_are_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safe_http, "TOTAL_SECONDS", 0.5)
    with serving(trickle(3)) as base, pytest.raises(FetchRefused, match="too long"):
        guarded_session(True).get(base)
