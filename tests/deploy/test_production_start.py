"""Parley started exactly as the README's production section says: migrate, then
gunicorn with deploy/gunicorn.conf.py behind one proxy, answering real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited at start"
        try:
            requests.get(url, timeout=10, allow_redirects=False)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def test_gunicorn_with_the_repository_config(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "GUNICORN"))},
        "PARLEY_DATABASE_URL": f"sqlite:///{tmp_path / 'parley.db'}",
        "PARLEY_INSTANCE_PATH": str(tmp_path / "instance"),
        "PARLEY_SECRET_KEY": "a-production-like-secret-for-this-test-only",
        "PARLEY_PROXY_HOPS": "1",
        "PARLEY_SECURE_COOKIES": "1",
        "PARLEY_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    upgrade = subprocess.run(
        [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    assert "Clause library ready" in upgrade.stdout
    log = tmp_path / "gunicorn.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(f"{base}/healthz", server)
            proxied = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
            health = requests.get(f"{base}/healthz", headers=proxied, timeout=10)
            # https as the proxy says: no redirect to https, HSTS sent.
            assert health.status_code == 200 and health.json()["database"] == "ok"
            assert "Strict-Transport-Security" in health.headers
            plain = requests.get(f"{base}/healthz", allow_redirects=False, timeout=10)
            assert plain.status_code in (301, 302)
            found = requests.get(f"{base}/search?q=council", headers=proxied, timeout=30)
            assert found.status_code == 200
            request_id = found.headers["X-Request-ID"]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            print(log.read_text())  # shown when the test fails
    written = log.read_text()
    # The first search made the index: that line, and the access line, name the request.
    assert f"[{request_id}] vrm.search.outbox: created an empty search index" in written
    assert f'access {request_id} "GET /search" 200' in written
    assert "203.0.113.9" not in written and "q=council" not in written
