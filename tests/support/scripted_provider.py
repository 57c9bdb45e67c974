"""An OpenID provider on loopback whose endpoints a test scripts one by one, for what the
real provider cannot play: a token endpoint that trickles, a registration endpoint that
hangs, numbers no honest provider sends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from tests.support.local_http import Handler, answer, serving


def discovery_document(base: str) -> dict[str, object]:
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "jwks_uri": f"{base}/jwks",
        "registration_endpoint": f"{base}/register",
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    }


def json_answer(body: object) -> Handler:
    return answer(200, json.dumps(body).encode(), {"Content-Type": "application/json"})


REGISTERED = json_answer({"client_id": "scripted", "client_secret": "scripted-secret"})


@contextmanager
def scripted_provider(**endpoints: Handler) -> Iterator[str]:
    """Serve discovery and the named endpoints (``register``, ``token``, ``jwks``…);
    registration answers at once unless scripted. Yields the issuer URL."""

    def route(request: BaseHTTPRequestHandler) -> None:
        path = urlsplit(request.path).path.strip("/")
        # Read what was sent: closing with unread bytes would reset the connection.
        request.rfile.read(int(request.headers.get("Content-Length") or 0))
        host, port = request.server.server_address[:2]
        if path == ".well-known/openid-configuration":
            json_answer(discovery_document(f"http://{host!s}:{port}"))(request)
        elif path in endpoints:
            endpoints[path](request)
        elif path == "register":
            REGISTERED(request)
        else:
            answer(404)(request)

    with serving(route) as base:
        yield base


def state_of(location: str) -> str:
    """The ``state`` Parley put in the authorisation URL it sent the browser to."""
    return dict(parse_qsl(urlsplit(location).query))["state"]
