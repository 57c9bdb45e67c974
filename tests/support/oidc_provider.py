"""Run a real OpenID Connect provider (node-oidc-provider) for tests.

Parley's login code talks to arbitrary OpenID providers, so its tests use a
genuine, spec-conformant provider rather than a hand-written mock: a mock would
only confirm our own reading of the specs. ``tests/oidc_provider/server.mjs``
wraps the ``oidc-provider`` npm package; this module starts it on a free
loopback port, and drives its development login and consent pages with
``requests`` the way a browser would.

Nothing here imports Flask: the helpers work against any relying party.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

import requests

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"
"""Folder holding ``server.mjs`` and its ``package.json``/``package-lock.json``."""

STARTUP_TIMEOUT = 60.0
"""Seconds to wait for the discovery document before giving up."""

STOP_TIMEOUT = 5.0
"""Seconds to wait after SIGTERM before sending SIGKILL."""

MAX_HOPS = 20
"""Bound on the redirects/forms followed by :func:`complete_login`."""


def ensure_node_modules() -> None:
    """Install the provider's npm dependencies if they are missing.

    ``node_modules/`` is not committed, so a fresh clone (or CI) has to install
    it; ``npm ci`` installs exactly what ``package-lock.json`` pins.
    """
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is required to install the test OpenID provider")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=PROVIDER_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"npm ci failed in {PROVIDER_DIR} (exit {result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )


def _free_port() -> int:
    """Ask the kernel for an unused loopback port.

    There is a small race between closing this socket and node binding the
    port; :meth:`OidcProvider.start` reports a failed start with the log tail.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OidcProvider:
    """A running ``tests/oidc_provider/server.mjs`` process.

    ``url`` is where it listens (always ``http://127.0.0.1:<port>``); ``issuer``
    is the issuer identifier it asserts, which a test may set to something else
    to simulate an issuer-mismatch attack. Endpoint URLs in its discovery
    document follow the host the request was sent to, so fetch discovery from
    ``url``.
    """

    def __init__(
        self,
        *,
        process: subprocess.Popen[bytes],
        port: int,
        issuer: str,
        workdir: Path,
    ) -> None:
        self.process = process
        self.port = port
        self.issuer = issuer
        self.url = f"http://127.0.0.1:{port}"
        self.pid = process.pid
        self.workdir = workdir
        self.log_path = workdir / "oidc-provider.log"

    @classmethod
    def start(
        cls,
        *,
        issuer: str | None = None,
        clients: list[dict[str, Any]] | None = None,
        registration: bool = True,
        email_domain: str = "example.org",
    ) -> OidcProvider:
        """Spawn a provider and wait until its discovery document is served.

        ``clients`` are static client registrations in oidc-provider's format
        (e.g. ``client_id``, ``client_secret``, ``redirect_uris``,
        ``token_endpoint_auth_method``, ``jwks``). ``registration`` toggles
        open Dynamic Client Registration.
        """
        ensure_node_modules()
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is required to run the test OpenID provider")
        port = _free_port()
        workdir = Path(tempfile.mkdtemp(prefix="parley-oidc-"))
        env = dict(os.environ)
        env.update(
            {
                "OP_PORT": str(port),
                "OP_ISSUER": issuer or f"http://127.0.0.1:{port}",
                "OP_CLIENTS": json.dumps(clients or []),
                "OP_REGISTRATION": "1" if registration else "0",
                "OP_EMAIL_DOMAIN": email_domain,
            }
        )
        log = (workdir / "oidc-provider.log").open("wb")
        try:
            process = subprocess.Popen(
                [node, "server.mjs"],
                cwd=PROVIDER_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()  # the child holds its own descriptor
        provider = cls(process=process, port=port, issuer=env["OP_ISSUER"], workdir=workdir)
        try:
            provider._wait_ready()
        except BaseException:
            provider.stop()
            raise
        return provider

    def _wait_ready(self) -> None:
        """Poll discovery until it answers 200, the process dies, or time runs out."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        discovery = f"{self.url}/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"oidc-provider exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                if requests.get(discovery, timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(
            f"oidc-provider did not serve {discovery} within {STARTUP_TIMEOUT:.0f} s:\n"
            f"{self.log_tail()}"
        )

    def log_tail(self, lines: int = 40) -> str:
        """Last lines of the provider's combined stdout/stderr, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    @property
    def discovery_url(self) -> str:
        """The discovery document URL on the address the provider listens on."""
        return f"{self.url}/.well-known/openid-configuration"

    def discovery(self) -> dict[str, Any]:
        """Fetch and return the provider's discovery document."""
        response = requests.get(self.discovery_url, timeout=5)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def stop(self) -> None:
        """Stop the process by PID: SIGTERM, then SIGKILL if it lingers."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class _PageParser(HTMLParser):
    """Collect the forms and links of one provider page.

    The dev interaction pages are simple; reading them from the HTML (rather
    than hard-coding routes) keeps this working if oidc-provider moves them.
    """

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.links: list[tuple[str, str]] = []
        self._form: dict[str, Any] | None = None
        self._link: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get").lower(),
                "fields": {},
            }
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and a.get("name"):
            self._form["fields"][a["name"]] = a.get("value", "")
        elif tag == "a" and "href" in a:
            self._link = a["href"]
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link, "".join(self._link_text).strip()))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link_text.append(data)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def complete_login(
    authorize_url: str,
    login: str,
    *,
    consent: bool = True,
    session: requests.Session | None = None,
) -> str:
    """Act as the user's browser from an authorization URL back to the RP.

    Follows redirects only while they stay on the provider's origin (that of
    ``authorize_url``), fills the dev login form with ``login`` (any password
    is accepted), then confirms consent, or cancels it when ``consent`` is
    False (giving ``error=access_denied``). Returns the first redirect
    ``Location`` that leaves the provider: the RP's ``redirect_uri`` with
    ``code``, ``state`` and ``iss``, or with an error.

    Pass a ``session`` holding a provider session cookie to exercise SSO: the
    login page is then skipped, and consent too for a client already granted.
    """
    http = session if session is not None else requests.Session()
    provider_origin = _origin(authorize_url)
    method, url, data = "GET", authorize_url, None
    for _ in range(MAX_HOPS):
        response = http.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
            location = urljoin(url, response.headers["Location"])
            if _origin(location) != provider_origin:
                return location
            method, url, data = "GET", location, None
            continue
        if response.status_code != 200:
            raise RuntimeError(
                f"provider answered {response.status_code} at {url}:\n{response.text[:2000]}"
            )
        parser = _PageParser()
        parser.feed(response.text)
        post_forms = [f for f in parser.forms if f["method"] == "post"]
        if not post_forms:
            raise RuntimeError(f"no form on provider page {url}:\n{response.text[:2000]}")
        form = post_forms[0]
        fields: dict[str, str] = dict(form["fields"])
        if "password" in fields or "login" in fields:
            fields["login"] = login
            fields["password"] = fields.get("password") or "any-password"
        elif not consent:
            cancel = next(
                (href for href, text in parser.links if "abort" in href or "Cancel" in text),
                None,
            )
            if cancel is None:
                raise RuntimeError(f"no cancel link on consent page {url}")
            method, url, data = "GET", urljoin(url, cancel), None
            continue
        method, url, data = "POST", urljoin(url, form["action"] or url), fields
    raise RuntimeError(f"no redirect back to the client after {MAX_HOPS} steps")
