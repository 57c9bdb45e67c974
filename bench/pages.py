"""Pages under load, beside a bare Flask hello-world: `.venv/bin/python bench/pages.py`.

    .venv/bin/python bench/pages.py --sizes 1000,100000 --rounds 3      # the README's run
    .venv/bin/python bench/pages.py --sizes 1000 --rounds 1 --seconds 3  # a quick look

For each size it builds (or reuses, see bench/dataset.py) a seeded data set, serves
Parley and bench/hello.py with the same gunicorn settings (`-w 2`, sync workers), and per
round loads hello-world and then each page with `wrk -t2 -c32` (the Python generator in
bench/loadgen.py when wrk is absent). Every request says it accepts gzip, as browsers
do (hello-world's too); the open-data CSV is loaded once more without. It prints req/s,
p50/p99 and the ratio to the same round's hello-world (medians over rounds), and beside
them what one uncached rendering costs in process (ms, SQL statements): under load an
anonymous page is usually a cache hit, so that column is what a visitor after a write
pays. Then, per page, the cost at the largest size over the cost at the smallest (per
supplier listed, for a file that lists every one), and the issue's goals with PASS or
MISS.
Exit status 0 unless a page answered with errors (`--strict`: also when a goal is missed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dataset, loadgen  # noqa: E402
from bench.servers import gunicorn  # noqa: E402

SECRET = "parley-pages-bench-secret"  # noqa: S105 - a throwaway data set's servers
RATIO_GOAL = 0.30
SCALE_GOAL = 1.5
SEARCH_GOAL = 2.0
RSS_GOAL_MB = 300
SEARCH_QUERY = "refund engineer"
PASSES = 3  # over the pages, for the uncached renderings
# What browsers, curl --compressed and Python's requests send; hello-world gets it too.
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str  # formatted with the manifest's fields
    signed_in: bool = False
    ratio_goal: float | None = RATIO_GOAL
    compressed: bool = True  # sent with the browser's Accept-Encoding (see BROWSER)
    # A file of every supplier is O(what it shows): its rendering is compared per row.
    lists_every_supplier: bool = False
    judged: bool = True  # False: shown for comparison, with no goal of its own


PAGES = (
    Page("home", "home", "/", ratio_goal=None),
    Page("busy", "busy supplier", "/s/{busy_slug}"),
    Page("median", "median supplier", "/s/{median_slug}"),
    Page("review", "review page", "/reviews/{review_id}"),
    Page("league", "league", "/league"),
    Page(
        "search",
        "search (two words)",
        "/search?q=" + SEARCH_QUERY.replace(" ", "+"),
        ratio_goal=None,
    ),
    Page("api", "/api/v1/suppliers", "/api/v1/suppliers"),
    Page("open_data", "open data CSV", "/open-data/reputation.csv", lists_every_supplier=True),
    # The same file to a client that takes no compression (wrk's default): bound by
    # copying half a megabyte per answer, shown beside the goal's figure.
    Page(
        "open_data_plain",
        "open data CSV, uncompressed",
        "/open-data/reputation.csv",
        ratio_goal=None,
        compressed=False,
        judged=False,
    ),
    Page(
        "signed_in", "busy supplier, signed in", "/s/{busy_slug}", signed_in=True, ratio_goal=None
    ),
)


@dataclass
class Figures:
    """One page at one size: a Load per round, and its in-process cost."""

    loads: list[loadgen.Load] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    render_ms: float = float("nan")
    statements: int = 0

    def median(self, name: str) -> float:
        values = [getattr(load, name) for load in self.loads]
        return statistics.median(values) if values else float("nan")

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios) if self.ratios else float("nan")

    @property
    def errors(self) -> int:
        return sum(load.errors for load in self.loads)


@dataclass
class SizeResult:
    manifest: dataset.Manifest
    pages: dict[str, Figures]
    hello: list[loadgen.Load]
    engine_ms: float
    worker_rss_mb: float = 0.0  # the largest Parley worker after all the rounds


# ---- servers ----


def parley_env(manifest: dataset.Manifest, cache_url: str | None) -> dict[str, str]:
    env = {**os.environ, "PARLEY_DATABASE_URL": f"sqlite:///{manifest.database}",
           "PARLEY_SECRET_KEY": SECRET, "PARLEY_SEARCH_DIR": manifest.search_dir,
           "PARLEY_INSTANCE_PATH": str(Path(manifest.database).parent),
           # The benchmark measures pages, not the read limits that would answer
           # its thousands of requests from one address with 429.
           "PARLEY_RATELIMIT_DISABLED": "1"}  # fmt: skip
    if cache_url:
        env["PARLEY_CACHE_URL"] = cache_url
    return env


# ---- in process ----


def session_cookie(app: Any, member_id: str) -> str:
    """A signed session as Flask-Login leaves it after sign-in (no OIDC round trip)."""
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": member_id, "_fresh": True})
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def in_process(manifest: dataset.Manifest, repeat: int) -> tuple[dict[str, Figures], float, str]:
    """Per page the median uncached rendering (ms) and its SQL statement count; the
    search engine's own time for the search page's query; the signed-in cookie."""
    from sqlalchemy import event

    from vrm import create_app
    from vrm.db import get_db
    from vrm.search import searching
    from vrm.search.params import parse
    from vrm.settings import Settings

    env = parley_env(manifest, None)
    app = create_app(Settings.from_env(env))
    app.config["PARLEY_PAGE_CACHE"] = False
    cookie = session_cookie(app, manifest.viewer_id)
    seen: list[str] = []
    event.listen(get_db(app).engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    client = app.test_client()
    request = parse({"q": SEARCH_QUERY}).request
    times: dict[str, list[float]] = {page.key: [] for page in PAGES}
    statements: dict[str, int] = {}
    engine: list[float] = []
    # Three passes over the pages, each rendering a page a few times in a row after one
    # rendering that only warms the caches: a busy moment of the machine is spread over
    # the pages, and each is still timed with its own data warm (round robin let the
    # open-data file's 5,000 suppliers push the next page out of the caches).
    for runs in _split(repeat, PASSES):
        for page in PAGES:
            path = page.path.format(**vars(manifest))
            headers = {"Cookie": cookie} if page.signed_in else {}
            for run in range(runs + 1):  # run 0 only warms the caches
                seen.clear()
                started = time.perf_counter()
                answer = client.get(path, headers=headers)
                elapsed = 1000 * (time.perf_counter() - started)
                if answer.status_code != 200:
                    raise RuntimeError(f"{path} answered {answer.status_code} in process")
                statements[page.key] = len(seen)
                if not run:
                    continue
                times[page.key].append(elapsed)
                if page.key == "search":  # in turn with the page, for the same reason
                    started = time.perf_counter()
                    searching.search(Path(manifest.search_dir), request)
                    engine.append(1000 * (time.perf_counter() - started))
    figures = {
        key: Figures(render_ms=statistics.median(taken), statements=statements[key])
        for key, taken in times.items()
    }
    get_db(app).engine.dispose()
    return figures, statistics.median(engine), cookie


def _split(total: int, parts: int) -> list[int]:
    """TOTAL as PARTS near-equal whole numbers (fewer parts when TOTAL is smaller)."""
    parts = max(1, min(parts, total))
    return [total // parts + (n < total % parts) for n in range(parts)]


# ---- one size ----


def measure(size: int, args: argparse.Namespace) -> SizeResult:
    manifest = dataset.ensure(args.data_dir, size, args.seed, log=print)
    print(f"\n== {size:,} reviews: {manifest.suppliers:,} suppliers, busy {manifest.busy_slug} "
          f"({manifest.busy_reviews:,} reviews), median {manifest.median_slug} "
          f"({manifest.median_reviews} reviews)", flush=True)  # fmt: skip
    use_wrk = {"auto": None, "wrk": True, "python": False}[args.loadgen]
    hello: list[loadgen.Load] = []

    def load(url: str, headers: dict[str, str]) -> loadgen.Load:
        return loadgen.run(url, seconds=args.seconds, connections=args.connections,
                           threads=args.threads, headers=headers, use_wrk=use_wrk)  # fmt: skip

    env = parley_env(manifest, args.cache_url)
    server_options = ("-w", str(args.workers), "-k", "sync", "--log-level", "warning")
    with (
        gunicorn("bench.hello:app", dict(os.environ), *server_options) as hello_ready,
        gunicorn("app:app", env, *server_options) as parley_ready,
    ):
        # Servers first, then the in-process renderings: measured while four workers
        # were still importing the app, they were mostly the boot's noise.
        hello_url, parley_url = hello_ready(), parley_ready()
        pages, engine_ms, cookie = in_process(manifest, args.repeat)
        for number in range(1, args.rounds + 1):
            base = load(hello_url + "/", BROWSER)
            hello.append(base)
            print(
                f"  round {number}: hello-world {base.requests_per_second:,.0f} req/s", flush=True
            )
            for page in PAGES:
                url = parley_url + page.path.format(**vars(manifest))
                headers = {**(BROWSER if page.compressed else {}),
                           **({"Cookie": cookie} if page.signed_in else {})}  # fmt: skip
                for _ in range(2 * args.workers):  # each worker renders once (and caches)
                    request = urllib.request.Request(url, headers=headers)  # noqa: S310
                    urllib.request.urlopen(request, timeout=60).read()  # noqa: S310 - loopback
                result = load(url, headers)
                pages[page.key].loads.append(result)
                ratio = result.requests_per_second / base.requests_per_second
                pages[page.key].ratios.append(ratio)
        rss = worker_rss_mb(parley_ready.pid)  # type: ignore[attr-defined]
    return SizeResult(manifest, pages, hello, engine_ms, rss)


def worker_rss_mb(master: int) -> float:
    """The resident memory of the master's largest worker (Linux /proc; 0 elsewhere)."""
    largest = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master:  # fields after the name: state, ppid, …
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                largest = max(largest, int(line.split()[1]))
    return largest / 1024


# ---- report ----


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_size(result: SizeResult) -> list[str]:
    """The figures table for one size; returns the goals missed."""
    missed = []
    hello = statistics.median(load.requests_per_second for load in result.hello)
    print(f"\n{result.manifest.reviews:,} reviews — hello-world {hello:,.0f} req/s "
          f"(median of {len(result.hello)} rounds)")  # fmt: skip
    print(f"{'page':<30}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>7}  {'goal':<13}"
          f"{'uncached ms':>12}{'SQL':>5}")  # fmt: skip
    for page in PAGES:
        figures = result.pages[page.key]
        goal = ""
        if page.ratio_goal is not None:
            ok = figures.ratio >= page.ratio_goal
            goal = f"≥{page.ratio_goal:.2f} {verdict(ok)}"
            if not ok:
                missed.append(f"{page.label} at {result.manifest.reviews:,}: ratio")
        if figures.errors:
            goal += f" {figures.errors} errors!"
        print(f"{page.label:<30}{figures.median('requests_per_second'):>8,.0f}"
              f"{figures.median('p50_ms'):>9.1f}{figures.median('p99_ms'):>9.1f}"
              f"{figures.ratio:>7.3f}  {goal:<13}{figures.render_ms:>12.1f}"
              f"{figures.statements:>5}")  # fmt: skip
    search = result.pages["search"].render_ms
    ok = search <= SEARCH_GOAL * result.engine_ms
    if not ok:
        missed.append(f"search at {result.manifest.reviews:,}: page vs engine")
    print(
        f"search page {search:.1f} ms in process, the engine alone {result.engine_ms:.1f} ms: "
        f"{search / result.engine_ms:.2f}× (goal ≤ {SEARCH_GOAL:.0f}×) {verdict(ok)}"
    )
    ok = result.worker_rss_mb <= RSS_GOAL_MB
    if not ok:
        missed.append(f"worker memory at {result.manifest.reviews:,}")
    print(
        f"largest Parley worker after the load: {result.worker_rss_mb:.0f} MB resident "
        f"(goal ≤ {RSS_GOAL_MB} MB) {verdict(ok)}"
    )
    return missed


def print_scale(small: SizeResult, large: SizeResult) -> list[str]:
    """Cost at the largest size over cost at the smallest, per page (cost = 1 / req/s)."""
    missed = []
    print(f"\ncost at {large.manifest.reviews:,} ÷ cost at {small.manifest.reviews:,} reviews "
          f"(goal ≤ {SCALE_GOAL}×)")  # fmt: skip
    print(f"{'page':<30}{'under load':>12}  {'':<5}{'uncached':>10}  {'':<5}")
    rows = large.manifest.suppliers / small.manifest.suppliers
    for page in PAGES:
        a, b = small.pages[page.key], large.pages[page.key]
        loaded = a.ratio / b.ratio  # ratios, so a busier round does not count as cost
        uncached = b.render_ms / a.render_ms / (rows if page.lists_every_supplier else 1)
        ok_loaded, ok_uncached = loaded <= SCALE_GOAL, uncached <= SCALE_GOAL
        if page.judged:
            missed += [f"{page.label}: cost under load ×{loaded:.2f}"] * (not ok_loaded)
            missed += [f"{page.label}: uncached cost ×{uncached:.2f}"] * (not ok_uncached)
        shown = (verdict(ok_loaded), verdict(ok_uncached)) if page.judged else ("", "")
        print(f"{page.label:<30}{loaded:>11.2f}×  {shown[0]:<5}{uncached:>9.2f}×  {shown[1]:<5}"
              f"{'  per supplier listed' if page.lists_every_supplier else ''}")  # fmt: skip
    return missed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000",
                        help="review counts, comma-separated (default 1000,100000)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="load per page per round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--repeat", type=int, default=15, help="uncached renderings per page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "instance" / "bench-data",
                        help="where built data sets are kept and reused")  # fmt: skip
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--cache-url", help="PARLEY_CACHE_URL for Parley (e.g. redis://…/3)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    args.sizes = sorted(int(size.replace("_", "")) for size in args.sizes.split(","))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    generator = "wrk" if args.loadgen == "wrk" or (
        args.loadgen == "auto" and loadgen.wrk_available()) else "python"  # fmt: skip
    print(f"gunicorn -w {args.workers} (sync); load: {generator} -t{args.threads} "
          f"-c{args.connections}, {args.seconds:g} s per page, {args.rounds} round(s); "
          f"{os.cpu_count()} cores")  # fmt: skip
    results = [measure(size, args) for size in args.sizes]
    missed = [m for result in results for m in print_size(result)]
    if len(results) > 1:
        missed += print_scale(results[0], results[-1])
    print(f"\nGoals missed: {len(missed)}" + "".join(f"\n  - {m}" for m in missed))
    errors = sum(f.errors for r in results for f in r.pages.values())
    if errors:
        print(f"{errors} requests failed")
        return 1
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
