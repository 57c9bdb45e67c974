"""Servers on loopback ports, for the benchmarks and the tests that need real processes.

`gunicorn(...)` starts one under gunicorn and always stops it: bench/pages.py serves
Parley and hello-world with it, tests/search/test_two_hosts.py two Parley hosts.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=5).read()  # noqa: S310 - loopback
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn at {url} did not start") from None
            time.sleep(0.2)


@contextmanager
def gunicorn(target: str, env: dict[str, str], *options: str) -> Iterator[Callable[[], str]]:
    """Start TARGET (module:app) under gunicorn with OPTIONS (``-w 2``, ``-c FILE``…) on a
    free loopback port; yields a function that waits until it serves and returns its URL
    (so booting overlaps other work). Stopped on leaving, whatever happened meanwhile."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", *options, "-b", f"127.0.0.1:{port}",
         # Two servers start at once here; they would race for gunicorn's default
         # control socket (~/.gunicorn), which nothing here uses.
         "--no-control-socket", target],
        cwd=ROOT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def ready() -> str:
        wait_until_serving(url, process)
        return url

    ready.pid = process.pid  # type: ignore[attr-defined]

    try:
        yield ready
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
