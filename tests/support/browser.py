"""Helpers for driving headless Chromium (Playwright's sync API) against a live Parley.

Nothing here starts a browser by itself: ``tests/e2e/conftest.py`` owns the
fixtures. This module finds the Chromium binary, records what a page asked the
network for and what it logged, and states the two privacy/security promises the
browser tests check: no third-party requests, no Content-Security-Policy
violations.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Request, Route

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Flags for a quiet, hermetic headless Chromium (no sandbox: tests run in containers)."""

FALLBACK_CHROMIUM = "/usr/bin/chromium"

CSP_MARKERS = ("Content Security Policy", "Refused to")
"""Chromium reports every CSP violation on the console with one of these phrases."""


def find_chromium() -> str | None:
    """The Chromium to use: $PARLEY_CHROMIUM, else ``chromium`` on PATH, else Debian's.

    None if there is none; a set but unusable $PARLEY_CHROMIUM counts as none.
    """
    configured = os.environ.get("PARLEY_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    found = shutil.which("chromium")
    if found:
        return found
    return FALLBACK_CHROMIUM if os.access(FALLBACK_CHROMIUM, os.X_OK) else None


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL; empty for ``about:``/``data:`` and the like."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class RecordedRequest:
    url: str
    method: str
    resource_type: str
    frame_url: str
    """URL of the document whose frame issued the request (for a navigation: the one left)."""
    redirected_from: str | None


@dataclass(frozen=True)
class RecordedConsoleMessage:
    type: str
    text: str
    url: str
    """Where the message came from: its source location, else the page's URL at the time."""


@dataclass
class NetworkRecorder:
    """Records every request and console message of a browser context.

    Every request is recorded, redirect hops included (the ``request`` event). A
    request a page makes to an origin outside ``allowed_origins`` is also aborted,
    so a test does not reach the internet (nor hang on it) when a page tries to;
    whether such an attempt is acceptable is for the test to assert. Playwright
    cannot intercept redirect hops, so a redirect to a third party would be
    recorded (and fail the assertions) but not stopped.
    """

    allowed_origins: frozenset[str]
    requests: list[RecordedRequest] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    """URLs of requests aborted because their origin was not allowed."""
    console: list[RecordedConsoleMessage] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._on_request)
        context.route("**/*", self._route)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))

    def _on_request(self, request: Request) -> None:
        self.requests.append(
            RecordedRequest(
                url=request.url,
                method=request.method,
                resource_type=request.resource_type,
                frame_url=_frame_url(request),
                redirected_from=request.redirected_from.url if request.redirected_from else None,
            )
        )

    def _route(self, route: Route, request: Request) -> None:
        if origin(request.url) in self.allowed_origins:
            route.continue_()
        else:
            self.blocked.append(request.url)
            route.abort("blockedbyclient")

    def _on_console(self, message: ConsoleMessage) -> None:
        source = (message.location or {}).get("url") or ""
        if not source and message.page is not None:
            source = message.page.url
        self.console.append(
            RecordedConsoleMessage(type=message.type, text=message.text, url=source)
        )

    @property
    def urls(self) -> list[str]:
        return [request.url for request in self.requests]

    def requests_from(self, page_origin: str) -> list[RecordedRequest]:
        """Requests issued by documents served from ``page_origin``."""
        return [r for r in self.requests if origin(r.frame_url) == page_origin]

    def csp_violations(self, page_origins: Iterable[str]) -> list[RecordedConsoleMessage]:
        """CSP violation reports logged by documents from any of ``page_origins``."""
        wanted = set(page_origins)
        return [
            message
            for message in self.console
            if origin(message.url) in wanted and is_csp_violation(message.text)
        ]

    def clear(self) -> None:
        self.requests.clear()
        self.blocked.clear()
        self.console.clear()
        self.page_errors.clear()


def _frame_url(request: Request) -> str:
    try:
        return request.frame.url
    except Exception:  # service-worker requests have no frame
        return ""


def is_csp_violation(text: str) -> bool:
    return any(marker in text for marker in CSP_MARKERS)


def assert_no_third_party_requests(urls: Iterable[str], allowed_origins: Iterable[str]) -> None:
    """Fail, listing them, if any of ``urls`` is on an origin not in ``allowed_origins``.

    ``about:blank``, ``data:`` and ``blob:`` URLs never leave the browser and are ignored.
    """
    allowed = {o.rstrip("/") for o in allowed_origins}
    offending = sorted(
        {
            url
            for url in urls
            if not url.startswith(("about:", "data:", "blob:")) and origin(url) not in allowed
        }
    )
    assert not offending, (
        f"requests left {sorted(allowed)} for third-party origins:\n  " + "\n  ".join(offending)
    )


def assert_no_csp_violations(messages: Iterable[RecordedConsoleMessage]) -> None:
    found = [f"{m.url}: {m.text}" for m in messages if is_csp_violation(m.text)]
    assert not found, "Content-Security-Policy violations:\n  " + "\n  ".join(found)
