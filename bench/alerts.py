"""Alerts on real shifts, measured: `.venv/bin/python bench/alerts.py [--suppliers N]`.

Simulated, seeded review streams (no database: the detector is pure), each supplier
drawing its 1–5 stars from one of a few realistic distributions (happy, middling,
polarised, unhappy):

1. False alerts per 100 supplier-years on stationary streams (nothing changes), at
   ``--reviews-per-year`` reviews a year. Goal: at most 1.
2. Reviews needed to detect a 1-star drop: after ``--history`` stable reviews the
   distribution is tilted (p_i ∝ p_i·e^(−λi), λ solved so the mean falls by exactly one
   star); the figure is the number of reviews after the change until the first alert.
   Goal: median at most 10. A stream that raises no alert within ``--horizon`` reviews
   counts as "missed" (and as ∞ in the median).

Both figures are printed for Parley's detector (vrm/watch/changepoints.py: a
window-limited likelihood-ratio test of the supplier's own history moved by a star,
which must *estimate* the distribution before the change from those 60 reviews) and, in the
same run on the same streams, for the naive rule "mean of the last 10 moved by ≥ 1 star
from the mean before them", and for a bound no real detector can beat: a CUSUM that is
*told* both the old and the new distribution (Page, 1954; the optimal test for a known
change), with its threshold set for the same false-alert goal. If even it needs more than
10 reviews, no detector can meet both goals on these streams.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vrm.watch.changepoints import Settings, naive_alerts, replay

PROFILES: dict[str, tuple[float, ...]] = {
    "happy": (0.05, 0.05, 0.10, 0.30, 0.50),
    "middling": (0.12, 0.13, 0.25, 0.30, 0.20),
    "polarised": (0.35, 0.08, 0.07, 0.15, 0.35),
    "unhappy": (0.25, 0.25, 0.25, 0.15, 0.10),
}


def mean_of(p: Sequence[float]) -> float:
    return sum((i + 1) * pi for i, pi in enumerate(p))


def tilted(p: Sequence[float], drop: float) -> tuple[float, ...]:
    """p_i ∝ p_i·e^(−λi) with λ (by bisection) so that the mean falls by ``drop``."""
    target = mean_of(p) - drop

    def at(lam: float) -> tuple[float, ...]:
        w = [pi * math.exp(-lam * (i + 1)) for i, pi in enumerate(p)]
        total = sum(w)
        return tuple(x / total for x in w)

    low, high = 0.0, 20.0
    for _ in range(80):
        mid = (low + high) / 2
        if mean_of(at(mid)) > target:
            low = mid
        else:
            high = mid
    return at((low + high) / 2)


def draw(rng: random.Random, p: Sequence[float], n: int) -> list[int]:
    return rng.choices((1, 2, 3, 4, 5), weights=p, k=n)


def droppable(p: Sequence[float]) -> bool:
    return mean_of(p) >= 2.2  # a 1-star drop needs room below


Detector = Callable[[list[int]], list[int]]


def oracle_cusum(levels: list[int], before: Sequence[float], after: Sequence[float],
                 h: float) -> list[int]:  # fmt: skip
    """Page's CUSUM with the true distributions: alert when Σ log(q/p) since the last
    low point exceeds h."""
    alerts, total = [], 0.0
    for k, level in enumerate(levels, 1):
        total = max(0.0, total + math.log(after[level - 1] / before[level - 1]))
        if total > h:
            alerts.append(k)
            total = 0.0
    return alerts


def parley(settings: Settings) -> Detector:
    return lambda levels: [s.at_review for s in replay(levels, settings)[1]]


def naive(levels: list[int]) -> list[int]:
    return naive_alerts(levels)


def false_alerts(detector: Detector, streams: list[list[int]], years: float) -> float:
    alerts = sum(len(detector(levels)) for levels in streams)
    return 100.0 * alerts / (len(streams) * years)


def delays(detector: Detector, streams: list[list[int]], history: int) -> list[float]:
    """Reviews after the change until the first alert after it (∞ when none)."""
    found: list[float] = []
    for levels in streams:
        after = [k - history for k in detector(levels) if k > history]
        found.append(float(after[0]) if after else math.inf)
    return found


def main(argv: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suppliers", type=int, default=400)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--reviews-per-year", type=int, default=60)
    parser.add_argument("--history", type=int, default=60)
    parser.add_argument("--horizon", type=int, default=100)
    parser.add_argument("--oracle-h", type=float, default=7.0)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    names = list(PROFILES)
    per_stream = round(args.years * args.reviews_per_year)
    stationary = [
        draw(rng, PROFILES[names[k % len(names)]], per_stream) for k in range(args.suppliers)
    ]
    droppers = [name for name in names if droppable(PROFILES[name])]
    shifted = []
    for k in range(args.suppliers):
        p = PROFILES[droppers[k % len(droppers)]]
        shifted.append(draw(rng, p, args.history) + draw(rng, tilted(p, 1.0), args.horizon))
    # The oracle is told, per stream, the distribution before and the one after the drop.
    pairs = {id(s): PROFILES[droppers[k % len(droppers)]] for k, s in enumerate(shifted)}
    pairs.update({id(s): PROFILES[names[k % len(names)]] for k, s in enumerate(stationary)})

    def oracle(levels: list[int]) -> list[int]:
        p = pairs[id(levels)]
        q = tilted(p, 1.0) if droppable(p) else tilted(p, -1.0)
        return oracle_cusum(levels, p, q, args.oracle_h)

    settings = Settings()
    results: dict[str, dict[str, float]] = {}
    print(
        f"{args.suppliers} stationary suppliers × {args.years:g} years × "
        f"{args.reviews_per_year} reviews/year; {args.suppliers} 1-star drops after "
        f"{args.history} stable reviews (seed {args.seed})"
    )
    print(f"{'detector':<28}{'false/100 sup-yrs':>18}{'median delay':>14}{'missed':>8}{'s':>7}")
    detectors = (
        ("Parley (windowed GLR)", parley(settings)),
        ("naive mean-of-10", naive),
        (f"oracle CUSUM, h={args.oracle_h:g} (bound)", oracle),
    )
    for name, detector in detectors:
        started = time.perf_counter()
        rate = false_alerts(detector, stationary, args.years)
        found = delays(detector, shifted, args.history)
        elapsed = time.perf_counter() - started
        med = statistics.median(found)
        missed = sum(math.isinf(d) for d in found) / len(found)
        results[name] = {"false_per_100_years": rate, "median_delay": med, "missed": missed}
        print(f"{name:<28}{rate:>18.2f}{med:>14.1f}{missed:>8.1%}{elapsed:>7.1f}")
    ours = results["Parley (windowed GLR)"]
    print(
        "goals: false ≤ 1 per 100 supplier-years: "
        f"{'met' if ours['false_per_100_years'] <= 1 else 'NOT met'}; "
        f"median delay ≤ 10: {'met' if ours['median_delay'] <= 10 else 'NOT met'}"
    )
    return results


if __name__ == "__main__":
    main()
