"""A small real web server on 127.0.0.1 that plays a supplier's website for the domain
proof: it serves /.well-known/parley-verification.txt with a body and status the test sets."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/.well-known/parley-verification.txt"


@dataclass
class VerificationSite:
    """What the site answers; change ``body`` or ``status`` at any time."""

    port: int = 0
    body: bytes = b""
    status: int = 200
    requests: list[str] = field(default_factory=list)

    @property
    def domain(self) -> str:
        """The supplier's website_domain pointing at this server."""
        return f"127.0.0.1:{self.port}"


@contextmanager
def verification_site(body: bytes = b"", status: int = 200) -> Iterator[VerificationSite]:
    site = VerificationSite(body=body, status=status)

    class _Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append(self.path)
            if self.path != PATH:
                status, body = 404, b"not found"
            else:
                status, body = site.status, site.body
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    site.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
