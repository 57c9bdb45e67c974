"""bench/alerts.py still runs, on tiny parameters, and prints its three lines. Figures are
printed, not asserted (a handful of streams says little); the README holds the real run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "alerts.py"


def test_the_alerts_benchmark_prints_both_detectors_and_the_bound() -> None:
    tiny = ["--suppliers", "4", "--years", "1", "--history", "30", "--horizon", "30"]
    done = subprocess.run(
        [sys.executable, str(BENCH), *tiny], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for line in ("Parley (windowed GLR)", "naive mean-of-10", "oracle CUSUM", "goals:"):
        assert line in done.stdout, done.stdout
