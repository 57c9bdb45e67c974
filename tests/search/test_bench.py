"""The search benchmark still runs: a tiny size, checked for its figures, not its speed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "search.py"


def test_the_search_benchmark_prints_every_row_and_the_fts5_ratio() -> None:
    small = ["--reviews", "200", "--suppliers", "10", "--queries", "2", "--warmup", "2"]
    done = subprocess.run(
        [sys.executable, str(BENCH), *small], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    for line in ("docs/s", "index size", "2-word + sector facet", "phrase", "nothing cached"):
        assert line in done.stdout
    rows = [r for r in done.stdout.splitlines() if r.startswith(("1-word", "2-word", "3-word"))]
    assert len(rows) == 8 and all(r.rstrip().endswith("x") for r in rows)


def _run(script: str, *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH.parent / script), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_reindex_benchmark_prints_parley_beside_plain_whoosh_and_fts5() -> None:
    out = _run("reindex.py", "--reviews", "60", "--suppliers", "5")
    for line in ("Parley reindex:   65 documents", "plain Whoosh:", "SQLite FTS5:", "goal ≤ 1.5"):
        assert line in out, out


def test_the_reputation_benchmark_prints_the_posting_ratio() -> None:
    out = _run("reputation.py", "--sizes", "10,200", "--posts", "2", "--pure-reviews", "2000")
    assert "ratio 200 / 10 existing reviews:" in out and "goal ≤ 1.5" in out, out
