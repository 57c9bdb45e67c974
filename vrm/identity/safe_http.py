"""Outbound HTTP that cannot be aimed at Parley's own network (SSRF defence).

A person can make Parley fetch any URL by naming an issuer, so every discovery,
WebFinger, registration, JWKS, token and userinfo request goes through this session:
the address is checked when the socket connects (so DNS rebinding and redirects are
covered too), plain http is refused, answers are capped in size and in total time.
``allow_loopback`` opens 127.0.0.0/8 and ::1 over http, for development and tests only.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import connection as u3connection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import connection as u3util

MAX_BYTES = 512 * 1024
CONNECT_TIMEOUT = 4.0
TOTAL_SECONDS = 8.0
MAX_REDIRECTS = 3
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


class FetchRefused(requests.RequestException):
    """A fetch Parley will not make or finish; the message is safe to show a person."""


class AddressRefused(FetchRefused):
    """The address itself will not do (no such host, a private address, not https):
    something the person who typed it can put right, unlike a provider that fails."""


def address_allowed(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool
) -> bool:
    """Public addresses only; loopback too when explicitly allowed."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not ip.is_multicast


def _guarded_connection(base: type[u3connection.HTTPConnection], allow_loopback: bool) -> type:
    class Guarded(base):  # type: ignore[valid-type,misc]
        def _new_conn(self) -> socket.socket:
            try:
                infos = socket.getaddrinfo(self._dns_host, self.port, type=socket.SOCK_STREAM)
            except socket.gaierror as exc:
                raise AddressRefused(f"The host {self.host} could not be found.") from exc
            for *_rest, sockaddr in infos:
                ip = ipaddress.ip_address(sockaddr[0])
                if not address_allowed(ip, allow_loopback):
                    raise AddressRefused(
                        f"The host {self.host} points at a private or local address, "
                        "which Parley does not contact."
                    )
            # Connect to the address just checked, not to a fresh lookup of the name.
            return u3util.create_connection(
                (str(infos[0][4][0]), self.port), self.timeout, source_address=self.source_address
            )

    return Guarded


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose pools check every address and cap every answer."""

    def __init__(self, allow_loopback: bool) -> None:
        self.allow_loopback = allow_loopback
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        http_conn = _guarded_connection(u3connection.HTTPConnection, self.allow_loopback)
        https_conn = _guarded_connection(u3connection.HTTPSConnection, self.allow_loopback)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type(
                "GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}
            ),
        }

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        check_url(request.url or "", self.allow_loopback)
        kwargs["stream"] = True
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = (CONNECT_TIMEOUT, TOTAL_SECONDS)
        try:
            response = super().send(request, **kwargs)
        except requests.exceptions.ConnectionError as exc:
            refusal = _find_refusal(exc)
            if refusal is not None:
                raise refusal from exc
            raise
        response._content = _read_capped(response)
        return response


def _find_refusal(exc: BaseException) -> FetchRefused | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, FetchRefused):
            return seen
        for arg in getattr(seen, "args", ()):
            if isinstance(arg, BaseException):
                inner = _find_refusal(arg)
                if inner is not None:
                    return inner
        seen = seen.__cause__ or getattr(seen, "reason", None)
    return None


def _read_capped(response: requests.Response) -> bytes:
    deadline = time.monotonic() + TOTAL_SECONDS
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_BYTES:
        response.close()
        raise FetchRefused("The provider's answer was too large.")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(16384):
        size += len(chunk)
        if size > MAX_BYTES:
            response.close()
            raise FetchRefused("The provider's answer was too large.")
        if time.monotonic() > deadline:
            response.close()
            raise FetchRefused("The provider took too long to answer.")
        chunks.append(chunk)
    return b"".join(chunks)


def check_url(url: str, allow_loopback: bool) -> None:
    """Refuse URLs that are not https (http only to loopback, when allowed)."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise AddressRefused("Addresses with a user name or password are not accepted.")
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and allow_loopback and (parts.hostname or "") in LOOPBACK_NAMES:
        return
    raise AddressRefused(f"Parley only contacts providers over https, not {url!r}.")


def guarded_session(
    allow_loopback: bool, session: requests.Session | None = None
) -> requests.Session:
    """Mount the guard on a (new or given) requests session; Authlib's sessions too."""
    session = session or requests.Session()
    adapter = GuardedAdapter(allow_loopback)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.max_redirects = MAX_REDIRECTS
    session.trust_env = False  # a proxy from the environment would bypass the address check
    session.headers["User-Agent"] = "Parley (+https://github.com/parley)"
    return session
