"""Real shifts in a supplier's ratings, pure: a window-limited generalised likelihood
ratio test (Willsky & Jones, 1976; Lai, 1995) of "the latest ratings come from the
supplier's own earlier distribution, moved up or down", run as each rating arrives.

The model. Until something changes, ratings are drawn from one distribution p over the
five levels. A *shift* moves the whole distribution: from some review τ on, ratings come
from p tilted, q_i ∝ p_i·e^(λ·i) — the exponential family through p, so a drop makes
every low rating likelier and every high one less likely, in proportion — with λ such
that the mean moves by δ, for δ in ``moves`` (a star down, a star up).

The test. For each candidate start τ among the last ``window`` reviews, p̂_τ is estimated
from the ratings before τ (their level counts h, Laplace-smoothed: (h_i + 1)/(|h| + 5)),
and the ratings since τ (counts m) score

    G(τ, δ) = Σ_i m_i · log(q_i / p̂_τ,i),

the log-likelihood ratio of "moved by δ since τ" against "unchanged". A shift is declared
when max over τ and δ of G exceeds ``threshold`` nats. With τ and δ known this is Page's
CUSUM, the optimal test for a known change (Lorden, 1971; Moustakides, 1986), which
bench/alerts.py's oracle runs with the true distributions; maximising over τ and δ, and
estimating p from the supplier's own history, cost a few nats of threshold — which is
why it is above the oracle's. The history before τ never includes
the ratings after τ, so a drop under way does not dilute the yardstick it is measured
against (a recursive CUSUM whose stretch restarts would let it), and every candidate
start stays in view until ``window`` reviews have passed.

State, bounded: the level counts of the last j ratings for j ≤ ``window`` (a prefix of
the history read backwards), the day each began, the λ of each move for the history
before it (which does not change while that start is in view, so it is solved once, when
the start is new), and the counts of the whole regime since the last shift. O(window)
per review, never a history scan. The state of the earlier run-length detector (BOCPD)
held the same counts per run length, so it loads and carries on.

Declaring a shift. The best τ gives "after" (the ratings since τ) and "before" (the
regime's ratings before τ); it needs ``min_before`` reviews of history (an estimate from
fewer is too rough a yardstick) and ``min_after`` after; the means and the
``credible_level`` band of the new mean are the Dirichlet posterior's. Then the test
starts afresh with the next review: one change, one alert, and the next shift is
measured against the new regime's own reviews rather than the stretch that revealed
this one (picked for looking extreme, its start known only to within a few reviews;
measured against it, false alerts came back in pairs).

What it gave up: the run-length posterior kept Bayesian probabilities, but it declared
only when a change within the last 50 reviews was 90% likely *and* a 99% difference of
means held, which missed 42% of one-star drops within 100 reviews. This test needs about
four more nats of evidence than the oracle told the answer (two directions, a window of
starts, an estimated yardstick), and no more: see README, "Alerts on real shifts".

Edits and withdrawals rewrite history, which an online test cannot undo; the stored
state is rebuilt from the public reviews in order by ``flask watch replay-shifts``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import NDArray

LEVELS = (1, 2, 3, 4, 5)
_LEVELS = np.arange(1.0, 6.0)
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Settings:
    """The detector's tunable numbers (chosen with bench/alerts.py, see the README)."""

    threshold: float = 11.0  # nats of evidence for a move before it is declared
    moves: tuple[float, ...] = (-1.0, 1.0)  # stars: the alternatives tested
    window: int = 100  # candidate starts: the last `window` reviews
    credible_level: float = 0.99  # the band of the new mean
    min_before: int = 30  # reviews of stable history needed before any shift
    min_after: int = 6  # reviews of the new regime needed to name its mean

    @property
    def z(self) -> float:
        return float(NormalDist().inv_cdf(0.5 + self.credible_level / 2))


@dataclass(frozen=True, eq=False)
class State:
    """recent[j]: the level counts of the last j + 1 ratings (j < window, and never past
    the last shift), starts[j]: the day the first of them was made, tilts[j]: the λ of
    each move for the history before them (fixed while that start is in view, so solved
    once); regime: the level counts since the last shift; seen: the ratings folded in."""

    recent: Floats
    starts: Floats
    tilts: Floats
    regime: Floats
    seen: int

    @classmethod
    def start(cls, settings: Settings = Settings()) -> State:
        k = len(settings.moves)
        return cls(np.zeros((0, 5)), np.zeros(0), np.zeros((0, k)), np.zeros(5), seen=0)

    def to_json(self) -> dict[str, Any]:
        """Plain lists, for a JSON column."""
        return {
            "n": self.recent.astype(int).tolist(),
            "t": self.starts.tolist(),
            "l": self.tilts.tolist(),
            "h": self.regime.astype(int).tolist(),
            "seen": self.seen,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], settings: Settings = Settings()) -> State:
        """Load a stored state, also one of the earlier run-length detector
        ({"p", "n", "w", "t", "seen"}): its counts per run length r are the counts of the
        last r ratings and its last slot the whole regime, so they carry over exactly;
        the tilts are solved again when missing or made for other moves."""
        counts = np.asarray(data["n"], dtype=float).reshape(-1, 5)
        starts = np.asarray(data["t"], dtype=float)
        if "p" in data:
            counts, starts, regime = counts[1:-1], starts[1:-1], counts[-1]
        else:
            regime = np.asarray(data["h"], dtype=float)
        tilts = np.asarray(data.get("l", []), dtype=float)
        if tilts.shape != (len(counts), len(settings.moves)):
            tilts = solve(smoothed(regime[None, :] - counts), settings.moves)
        return cls(counts, starts, tilts, regime, int(data["seen"]))


@dataclass(frozen=True)
class Shift:
    """A declared change: the mean before, the mean after and its credible band."""

    at_review: int  # how many ratings had been seen when it was declared
    reviews_ago: int  # the new regime began with the rating this many reviews back
    since_day: float  # the day of the new regime's first review
    before_mean: float
    after_mean: float
    after_low: float
    after_high: float
    before_count: int
    after_count: int

    @property
    def size(self) -> float:
        return self.after_mean - self.before_mean


def smoothed(counts: Floats) -> Floats:
    """p̂ per row: the level shares, Laplace-smoothed."""
    shares: Floats = (counts + 1.0) / (counts.sum(axis=-1, keepdims=True) + 5.0)
    return shares


def tilt(p: Floats, lam: Floats) -> Floats:
    """q ∝ p·e^(λ·(i − 3)) for each row of p (…×5) and λ (…)."""
    q = p * np.exp(lam[..., None] * (_LEVELS - 3.0))
    shares: Floats = q / q.sum(axis=-1, keepdims=True)
    return shares


def solve(p: Floats, moves: Sequence[float], steps: int = 12) -> Floats:
    """For p (W×5), the W×K λ whose tilts move p's mean by each δ in ``moves`` (as far
    as 1.05–4.95 allows). Newton's method, a fixed number of steps so that replays
    agree: the mean's derivative in λ is the tilted variance."""
    target = np.clip((p @ _LEVELS)[:, None] + np.asarray(moves)[None, :], 1.05, 4.95)
    lam = np.zeros(target.shape)
    base = p[:, None, :]
    for _ in range(steps):
        q = tilt(base, lam)
        mean = q @ _LEVELS
        var = np.maximum(q @ _LEVELS**2 - mean**2, 1e-6)
        lam = lam + np.clip((target - mean) / var, -2.0, 2.0)
    return lam


def evidence(state: State, settings: Settings = Settings()) -> Floats:
    """G(τ, δ) for each candidate start (rows: τ = 1 … window reviews back) and move
    (columns), in nats; −∞ where the history or the stretch is too short to declare."""
    after = state.recent
    before = state.regime[None, :] - after
    scores = np.full(state.tilts.shape, -np.inf)
    ready = (before.sum(axis=1) >= settings.min_before) & (after.sum(axis=1) >= settings.min_after)
    if ready.any():
        p = smoothed(before[ready])[:, None, :]
        gain = np.log(tilt(p, state.tilts[ready])) - np.log(p)
        scores[ready] = (after[ready][:, None, :] * gain).sum(axis=-1)
    return scores


def update(
    state: State, level: int, settings: Settings = Settings(), day: float = 0.0
) -> tuple[State, Shift | None]:
    """Fold one rating (made on ``day``) into the test; return the new state and the
    shift it makes evident, if any. O(window): one new candidate start, whose tilts are
    solved against the regime so far."""
    if level not in LEVELS:
        raise ValueError(f"a rating is 1 to 5, not {level!r}")
    fresh = solve(smoothed(state.regime[None, :]), settings.moves)
    recent = np.vstack([np.zeros((1, 5)), state.recent])[: settings.window]
    recent[:, level - 1] += 1.0
    starts = np.concatenate(([day], state.starts))[: settings.window]
    tilts = np.vstack([fresh, state.tilts])[: settings.window]
    regime = state.regime.copy()
    regime[level - 1] += 1.0
    new = State(recent, starts, tilts, regime, state.seen + 1)
    shift = _declared(new, settings)
    if shift is not None:
        # Start afresh: the next shift is measured against reviews after this one was
        # declared, never against the stretch that revealed it (whose start is only
        # known to within a few reviews, and which was picked for looking extreme).
        new = replace(State.start(settings), seen=new.seen)
    return new, shift


def dirichlet_mean(counts: Sequence[float], weight: float = 1.0) -> tuple[float, float]:
    """Mean and variance of Σ i·p_i under Dirichlet(counts + weight/5 each)."""
    alpha = np.asarray(counts, dtype=float) + weight / 5
    p = alpha / alpha.sum()
    mean = float((_LEVELS * p).sum())
    second = float((_LEVELS**2 * p).sum())
    return mean, max(0.0, second - mean * mean) / (float(alpha.sum()) + 1.0)


def _declared(state: State, settings: Settings) -> Shift | None:
    if not len(state.recent):
        return None
    scores = evidence(state, settings)
    if scores.max() <= settings.threshold:
        return None
    back = int(np.argmax(scores.max(axis=1)))
    after = state.recent[back]
    before = state.regime - after
    after_mean, after_var = dirichlet_mean(after)
    before_mean, _ = dirichlet_mean(before)
    half = settings.z * math.sqrt(after_var)
    return Shift(
        at_review=state.seen,
        reviews_ago=back + 1,
        since_day=float(state.starts[back]),
        before_mean=before_mean,
        after_mean=after_mean,
        after_low=max(1.0, after_mean - half),
        after_high=min(5.0, after_mean + half),
        before_count=int(before.sum()),
        after_count=int(after.sum()),
    )


def replay(
    ratings: Iterable[int | tuple[int, float]], settings: Settings = Settings()
) -> tuple[State, list[Shift]]:
    """Run the detector over a whole history, oldest first: levels, or (level, day)
    pairs (rebuilds and the benchmark)."""
    state = State.start(settings)
    shifts: list[Shift] = []
    for rating in ratings:
        level, day = rating if isinstance(rating, tuple) else (rating, 0.0)
        state, shift = update(state, level, settings, day)
        if shift is not None:
            shifts.append(shift)
    return state, shifts


def naive_alerts(levels: Sequence[int], last: int = 10, move: float = 1.0) -> list[int]:
    """The rule Parley does not use, for comparison: alert (at review number k) when the
    mean of the last ``last`` ratings is ``move`` stars or more from the mean of all the
    ratings before them; after an alert, wait ``last`` reviews (one change, one alert)."""
    alerts: list[int] = []
    total = 0
    quiet_until = 0
    for k in range(1, len(levels) + 1):
        total += levels[k - 1]
        if k < 2 * last or k < quiet_until:
            continue
        window = sum(levels[k - last : k])
        earlier = (total - window) / (k - last)
        if abs(window / last - earlier) >= move:
            alerts.append(k)
            quiet_until = k + last
    return alerts
