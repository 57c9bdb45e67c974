"""The load benchmark still runs, on tiny parameters, on the suite's database kind: two
app instances over HTTP, and its verdict (no 5xx, nothing lost, no drift, index exact).
Its figures are printed, not asserted: speed belongs to the benchmark."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "load.py"


def test_the_load_benchmark_finds_no_5xx_loss_or_drift() -> None:
    tiny = ["--members", "3", "--suppliers", "2"]
    url = os.environ.get("PARLEY_TEST_DATABASE_URL")
    if url:  # PostgreSQL: the bench works in a schema of its own and drops it
        tiny += ["--database-url", url]
    done = subprocess.run(
        [sys.executable, str(BENCH), *tiny], capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for line in ("5xx                 0", "acknowledged-but-missing 0", "aggregate drift     0",
                 "index drift         0", "commit→searchable"):  # fmt: skip
        assert line in done.stdout, done.stdout
