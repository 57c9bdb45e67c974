"""bench/pages.py still runs end to end on tiny data (so it cannot rot), and reads wrk's
output right. Its figures are printed, not asserted: speed belongs to the benchmark."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.dataset import Manifest
from bench.loadgen import Load, parse_wrk, run
from bench.pages import PAGES, Figures, SizeResult, print_scale

BENCH = Path(__file__).resolve().parents[2] / "bench" / "pages.py"

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:8000/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    35.10ms   10.02ms 150.00ms   80.00%
    Req/Sec   450.00     50.00   600.00     70.00%
  Latency Distribution
     50%   33.50ms
     75%   40.00ms
     90%   48.00ms
     99%    1.20s
  4500 requests in 5.00s, 1.00MB read
  Socket errors: connect 0, read 4500, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    900.50
Transfer/sec:    200.00KB
"""


def test_wrk_figures_are_read_with_their_units() -> None:
    load = parse_wrk(WRK_OUTPUT)
    assert load.requests_per_second == 900.50
    assert (load.p50_ms, load.p99_ms) == (33.5, 1200.0)
    assert load.requests == 4500
    # Read errors are sync workers closing connections; timeouts and 3xx+ count.
    assert load.errors == 5


def test_the_pages_benchmark_runs_on_tiny_data(tmp_path: Path) -> None:
    """One tiny size (~20 s on a quiet 2-core machine, most of it booting gunicorn)."""
    started = time.monotonic()
    tiny = ["--sizes", "40", "--rounds", "1", "--seconds", "0.3", "--connections", "4",
            "--repeat", "1", "--loadgen", "python", "--data-dir", str(tmp_path)]  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(BENCH), *tiny], capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for line in ("40 reviews — hello-world", *(page.label for page in PAGES),
                 "the engine alone", "Goals missed:"):  # fmt: skip
        assert line in done.stdout, done.stdout
    # A bound that catches a benchmark grown slow, with room for a shared machine.
    assert time.monotonic() - started < 90


def _size(reviews: int, ratio: float, render_ms: float, suppliers: int = 1) -> SizeResult:
    manifest = Manifest(
        reviews=reviews, suppliers=suppliers, members=1, seed=1, database="", search_dir="",
        busy_slug="b", busy_reviews=1, median_slug="m", median_reviews=1, review_id=1,
        viewer_id="1.0", build_seconds=0.0,
    )  # fmt: skip
    hello = Load(1000.0, 1.0, 2.0, 1000, 0)
    figures = {
        page.key: Figures(
            loads=[Load(1000 * ratio, 1.0, 2.0, 10, 0)], ratios=[ratio], render_ms=render_ms
        )
        for page in PAGES
    }
    return SizeResult(manifest, figures, [hello], engine_ms=render_ms)


def test_scale_compares_cost_under_load_and_uncached(capsys) -> None:  # type: ignore[no-untyped-def]
    missed = print_scale(_size(1_000, 0.4, 10.0), _size(100_000, 0.2, 12.0))
    shown = capsys.readouterr().out
    assert "cost at 100,000 ÷ cost at 1,000 reviews" in shown
    # Half the throughput is twice the cost (a miss); 1.2× the rendering is a pass. A
    # row shown only for comparison (the uncompressed file) has no goal to miss.
    assert len(missed) == len([page for page in PAGES if page.judged])
    assert all("under load ×2.00" in line for line in missed)


def test_a_file_of_every_supplier_is_compared_per_supplier_listed(capsys) -> None:  # type: ignore[no-untyped-def]
    # 100 times the suppliers and 120 times the rendering: 1.2 times the cost per row.
    small, large = _size(1_000, 0.4, 10.0, suppliers=50), _size(100_000, 0.4, 1_200.0, 5_000)
    missed = print_scale(small, large)
    shown = capsys.readouterr().out
    listing = [page.label for page in PAGES if page.lists_every_supplier]
    assert listing == ["open data CSV"]
    assert not [line for line in missed if line.startswith("open data CSV:")]
    assert "1.20×  PASS   per supplier listed" in shown
    assert "search (two words): uncached cost ×120.00" in missed


def test_the_load_generator_sends_the_headers_it_is_given() -> None:
    seen: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        headers = {"Accept-Encoding": "gzip", "Cookie": "a=b"}
        load = run(url, seconds=0.2, connections=1, threads=1, headers=headers, use_wrk=False)
    finally:
        server.shutdown()
        server.server_close()
    assert load.requests > 0 and not load.errors
    assert all(sent["Accept-Encoding"] == "gzip" and sent["Cookie"] == "a=b" for sent in seen)
