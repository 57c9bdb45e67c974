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
