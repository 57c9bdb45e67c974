"""Outbound HTTP that cannot be aimed at Parley's own network (SSRF defence).

A person can make Parley fetch any URL by naming an issuer, so every discovery,
WebFinger, registration, JWKS, token and userinfo request goes through this session:
the address is checked when the socket connects (so DNS rebinding and redirects are
covered too), plain http is refused, answers are capped in size, and each call has one
deadline for connecting, the headers and the body together: a socket timeout is per
read, so a server trickling a byte at a time would otherwise hold a worker for as long
as it liked. Host names that the C library would read as an address in shorthand
("1.5", "2147483648", "0x7f.1") are refused: only names and canonical addresses.
Every failure is raised as a FetchRefused whose message is safe to show, and no call is
made while the request holds a database transaction (vrm.db.refuse_open_transaction).
``allow_loopback`` opens 127.0.0.0/8 and ::1 over http, for development and tests only.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import connection as u3connection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import connection as u3util

from vrm import numbers
from vrm.db import refuse_open_transaction

MAX_BYTES = 512 * 1024
CONNECT_TIMEOUT = 4.0
TOTAL_SECONDS = 8.0
"""The deadline of one outbound request: connect, headers and body together."""
MAX_REDIRECTS = 3
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


class FetchRefused(requests.RequestException):
    """A fetch Parley will not make or finish; the message is safe to show a person."""


class AddressRefused(FetchRefused):
    """The address itself will not do (no such host, a private address, not https):
    something the person who typed it can put right, unlike a provider that fails."""


class TooSlow(FetchRefused):
    """The other server did not finish answering within the deadline."""


class _Deadline:
    """One request's time limit. When it passes, the sockets the request uses are shut
    down, which ends any read blocked on them however slowly bytes still arrive."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    @contextmanager
    def running(self) -> Iterator[_Deadline]:
        self._timer.start()
        token = _DEADLINE.set(self)
        try:
            yield self
        finally:
            _DEADLINE.reset(token)
            self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing left to stop
        sock.shutdown(socket.SHUT_RDWR)


_DEADLINE: ContextVar[_Deadline | None] = ContextVar("parley_outbound_deadline", default=None)


def _watch(sock: socket.socket | None) -> None:
    deadline = _DEADLINE.get()
    if deadline is not None:
        deadline.watch(sock)


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
            sock = u3util.create_connection(
                (str(infos[0][4][0]), self.port), self.timeout, source_address=self.source_address
            )
            _watch(sock)
            return sock

        def request(self, *args: Any, **kwargs: Any) -> None:
            _watch(self.sock)  # a kept-alive connection, reused by this request
            super().request(*args, **kwargs)

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
        refuse_open_transaction()
        check_url(request.url or "", self.allow_loopback)
        kwargs["stream"] = True
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = (CONNECT_TIMEOUT, TOTAL_SECONDS)
        host = urlsplit(request.url or "").hostname or "the provider"
        with _Deadline(TOTAL_SECONDS).running() as deadline:
            try:
                response = super().send(request, **kwargs)
                response._content = _read_capped(response)
            except FetchRefused:
                raise
            except (requests.RequestException, OSError, ValueError) as exc:
                if deadline.expired:
                    raise TooSlow(f"{host} took too long to answer.") from exc
                raise _refusal_for(exc, host) from exc
        if deadline.expired:  # the body ended because the deadline shut the socket
            raise TooSlow(f"{host} took too long to answer.")
        return response


def _refusal_for(exc: BaseException, host: str) -> FetchRefused:
    """The clear refusal for any error a request can end in (the caller chains EXC)."""
    found = _find_refusal(exc)
    if found is not None:
        return found
    if isinstance(exc, requests.exceptions.SSLError):
        return FetchRefused(f"A secure (TLS) connection to {host} could not be made.")
    if isinstance(exc, requests.Timeout):
        return TooSlow(f"{host} took too long to answer.")
    if isinstance(exc, requests.exceptions.ConnectionError | OSError):
        return FetchRefused(f"{host} could not be reached.")
    return FetchRefused(f"{host} sent an answer that could not be read.")


def _find_refusal(exc: BaseException) -> FetchRefused | None:
    """A FetchRefused raised deep inside urllib3 (at connect time), wherever it is
    wrapped: in args, as the cause, or as a ``reason`` (which may also be plain text,
    as in ssl.SSLError, so only exceptions are followed)."""
    seen: BaseException | None = exc
    visited: set[int] = set()
    while seen is not None and id(seen) not in visited:
        visited.add(id(seen))
        if isinstance(seen, FetchRefused):
            return seen
        for arg in getattr(seen, "args", ()):
            if isinstance(arg, BaseException):
                inner = _find_refusal(arg)
                if inner is not None:
                    return inner
        reason = getattr(seen, "reason", None)
        seen = seen.__cause__ or (reason if isinstance(reason, BaseException) else None)
    return None


def _read_capped(response: requests.Response) -> bytes:
    declared = numbers.whole_number(
        response.headers.get("Content-Length", ""), minimum=0, maximum=2**63
    )
    if declared is not None and declared > MAX_BYTES:
        response.close()
        raise FetchRefused("The provider's answer was too large.")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(16384):
        size += len(chunk)
        if size > MAX_BYTES:
            response.close()
            raise FetchRefused("The provider's answer was too large.")
        chunks.append(chunk)
    return b"".join(chunks)


def check_url(url: str, allow_loopback: bool) -> None:
    """Refuse URLs that are not https (http only to loopback, when allowed), and hosts
    that are neither a name nor a canonical address."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError as exc:  # "https://[::1" and other broken brackets
        raise AddressRefused("That address is not a valid URL.") from exc
    if parts.username or parts.password:
        raise AddressRefused("Addresses with a user name or password are not accepted.")
    check_host(hostname or "")
    if parts.scheme == "https" and hostname:
        return
    if parts.scheme == "http" and allow_loopback and (hostname or "") in LOOPBACK_NAMES:
        return
    raise AddressRefused(f"Parley only contacts providers over https, not {url!r}.")


_LABEL = re.compile(r"(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?", re.UNICODE)


def check_host(hostname: str) -> None:
    """Accept a host name, a canonical dotted IPv4 address or an IPv6 address (given in
    brackets in a URL); refuse anything else, above all what inet_aton would read as an
    address in shorthand ("1.5" is 1.0.0.5, "2147483648" is 128.0.0.0)."""
    if not hostname:
        return  # no host at all: the scheme check refuses it with a better message
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        pass
    else:
        return  # canonical: Python's parser accepts no shorthand, octal or hex
    labels = hostname.rstrip(".").split(".")
    if len(hostname) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise AddressRefused(f"{hostname!r} is not a valid host name.")
    try:
        socket.inet_aton(hostname)
    except OSError:
        pass
    else:
        raise AddressRefused(
            f"{hostname!r} is not a host name, and only full addresses like 192.0.2.1 are accepted."
        )
    if labels[-1].isdigit():
        raise AddressRefused(f"{hostname!r} is not a valid host name.")


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
