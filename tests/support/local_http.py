"""A tiny real HTTP server on loopback whose answers a test scripts, for the hostile or
broken hosts that the real provider cannot play (no WebFinger, huge or slow answers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def serving(handler: Handler) -> Iterator[str]:
    """Serve GET and POST with ``handler`` on 127.0.0.1; yield the base URL."""

    class _Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            handler(self)

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True  # a trickling answer must not hold up the test's end
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def answer(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Handler:
    def _handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return _handle


def trickle(seconds: float) -> Handler:
    """Answer one byte at a time for ``seconds``: a slow-loris provider."""

    def _handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.end_headers()
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                request.wfile.write(b" ")
                request.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return _handle


class Drip:
    """A slow-loris answer a test controls, with events instead of clocks: ``started``
    when a request arrives, then one byte every 50 ms (in the body, or inside a header
    when ``in_headers``) until ``release`` is set or ``limit`` seconds pass. ``hung_up``
    says the client closed the connection while it dripped."""

    def __init__(self, *, limit: float = 60.0, in_headers: bool = False) -> None:
        self.limit = limit
        self.in_headers = in_headers
        self.started = threading.Event()
        self.release = threading.Event()
        self.hung_up = threading.Event()

    def __call__(self, request: BaseHTTPRequestHandler) -> None:
        self.started.set()
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        if self.in_headers:
            request.wfile.write(b"X-Slow: ")
        else:
            request.end_headers()
        deadline = time.monotonic() + self.limit
        try:
            while time.monotonic() < deadline and not self.release.is_set():
                request.wfile.write(b"a" if self.in_headers else b" ")
                request.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            self.hung_up.set()
