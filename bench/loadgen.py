"""Load one URL for a while and measure: wrk when it is installed, else a Python stand-in.

wrk (`scripts/setup.sh bench` installs it) is what the figures in the README come from;
the Python generator exists so the smoke test and a machine without wrk still run the
whole benchmark. Its own cost competes with the servers for the CPU, so its req/s are
lower than wrk's, but hello-world pays the same price in the same run: ratios hold up.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Load:
    """One load run's result."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers, socket errors and timeouts

    @property
    def ok(self) -> bool:
        return self.requests > 0 and self.errors == 0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int,
    headers: Mapping[str, str] | None = None,
    use_wrk: bool | None = None,
) -> Load:
    """Load URL, sending HEADERS with every request."""
    if use_wrk is None:
        use_wrk = wrk_available()
    if use_wrk:
        return _wrk(url, seconds, connections, threads, headers or {})
    return _python(url, seconds, connections, headers or {})


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Load:
    """The figures wrk --latency prints."""
    percentile = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)\s*$", output, re.M))
    requests = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    if socket := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                            output):  # fmt: skip
        # A sync worker closes each connection after answering: wrk counts that as a
        # read error on some systems, so only connect errors and timeouts are failures.
        errors += int(socket.group(1)) + int(socket.group(4))
    return Load(
        requests_per_second=float(rate.group(1)) if rate else 0.0,
        p50_ms=_ms(percentile["50"]) if "50" in percentile else float("nan"),
        p99_ms=_ms(percentile["99"]) if "99" in percentile else float("nan"),
        requests=int(requests.group(1)) if requests else 0,
        errors=errors,
    )


def _wrk(
    url: str, seconds: float, connections: int, threads: int, headers: Mapping[str, str]
) -> Load:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--latency", "--timeout", "10s"]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return parse_wrk(output)


def _python(url: str, seconds: float, connections: int, headers: Mapping[str, str]) -> Load:
    """CONNECTIONS threads, each sending one request after another until time is up."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = dict(headers)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        mine: list[float] = []
        failed = 0
        connection: http.client.HTTPConnection | None = None
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                connection.request("GET", path, headers=headers)
                answer = connection.getresponse()
                answer.read()
                if answer.status >= 400:
                    failed += 1
                if answer.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                failed += 1
                connection = None
                continue
            mine.append(time.monotonic() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    began = time.monotonic()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(seconds + 15)
    elapsed = time.monotonic() - began
    latencies.sort()

    def at(share: float) -> float:
        if not latencies:
            return float("nan")
        return 1000 * latencies[min(len(latencies) - 1, int(share * len(latencies)))]

    return Load(
        requests_per_second=len(latencies) / elapsed if elapsed else 0.0,
        p50_ms=at(0.50),
        p99_ms=at(0.99),
        requests=len(latencies),
        errors=errors[0],
    )
