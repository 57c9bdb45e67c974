"""The SSRF guard: addresses checked at connect time, redirects, size and time caps."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from tests.support.local_http import Drip, answer, serving, trickle
from vrm.identity import safe_http
from vrm.identity.safe_http import (
    AddressRefused,
    FetchRefused,
    TooSlow,
    address_allowed,
    check_url,
    guarded_session,
)


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


# --- one deadline for the whole call ------------------------------------------------


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_a_trickle_is_cut_at_the_calls_deadline(
    monkeypatch: pytest.MonkeyPatch, in_headers: bool
) -> None:
    """A byte every 50 ms never trips a per-read timeout; the call's deadline shuts the
    connection, and the server sees Parley hang up long before it would have finished."""
    monkeypatch.setattr(safe_http, "TOTAL_SECONDS", 0.5)
    drip = Drip(limit=60, in_headers=in_headers)
    with serving(drip) as base, pytest.raises(TooSlow, match="took too long"):
        guarded_session(True).get(base)
    assert drip.hung_up.wait(30), "Parley kept listening to the trickle"
    drip.release.set()


# --- every failure is a clear refusal -----------------------------------------------


def test_a_failed_tls_handshake_is_a_clear_refusal() -> None:
    """A plain-http server answering an https call: ssl.SSLError carries its reason as
    text, which the refusal finder once followed as if it were an exception (a 500)."""
    with serving(answer(200, b"{}")) as base, pytest.raises(FetchRefused, match="secure"):
        guarded_session(True).get(base.replace("http://", "https://"))


def test_a_closed_port_is_a_clear_refusal() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchRefused, match="could not be reached"):
        guarded_session(True).get(f"http://127.0.0.1:{port}/")


def test_a_connection_dropped_mid_answer_is_a_clear_refusal() -> None:
    def drop(request) -> None:
        request.send_response(200)
        request.send_header("Content-Length", "100")
        request.end_headers()
        request.wfile.write(b"{")
        request.close_connection = True

    with serving(drop) as base, pytest.raises(FetchRefused):
        guarded_session(True).get(base)


def test_find_refusal_follows_only_exceptions() -> None:
    class WithTextReason(Exception):
        reason = "WRONG_VERSION_NUMBER"

    assert safe_http._find_refusal(WithTextReason("tls")) is None


# --- names and canonical addresses only ---------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://1.5/",  # inet_aton reads 1.0.0.5
        "https://2147483648/",  # 128.0.0.0
        "https://0x7f.1/",
        "https://0177.0.0.1/",
        "https://127.1/",
        "https://a[b/",
        "https://[::1/",
        "https://x]y/",
        "https://-bad-.example/",
    ],
)
def test_shorthand_addresses_and_broken_hosts_are_refused(url: str) -> None:
    with pytest.raises(AddressRefused):
        check_url(url, allow_loopback=True)


@pytest.mark.parametrize(
    "url", ["https://login.example.org/", "https://93.184.216.34/", "https://[2001:db8::1]/"]
)
def test_names_and_canonical_addresses_pass(url: str) -> None:
    check_url(url, allow_loopback=False)
