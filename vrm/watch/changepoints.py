"""Real shifts in a supplier's ratings, pure: Bayesian online change-point detection
(Adams & MacKay, 2007, arXiv:0710.3742) over a categorical model of the 1–5 stars.

The model. Ratings come in *runs*: within a run each rating is drawn from one fixed
distribution p over the five levels; before each review a new run starts with
probability H (the hazard, 1/expected run length). p is unknown, with a Dirichlet prior —
the conjugate model vrm/reputation/scoring.py keeps — so given the n ratings of the
current run (counts n_i) the chance of the next rating x is (α_x + n_x) / (α₀ + n).

The prior of a new run comes from the supplier's own stable history h (the level counts
of its longest run, Laplace-smoothed): a mixture of K Dirichlets, each of weight
``prior_weight``, centred on h tilted towards lower or higher stars
(h_i·e^(λ_k·i), λ_k in ``tilts``, 0 among them). So a new run is expected to look like
the old one moved up or down; what it must learn is mostly *how far*, not five free
numbers, and a real move is recognised in a few reviews. The mixture stays conjugate:
each run carries its K posterior component weights, updated by each component's
predictive.

The recursion. The state is the posterior P(r) over the current run length r and, per r,
the counts and component weights of those r ratings. A rating x grows each run by one
with weight (1 − H)·pred_r(x) and gathers H·Σ_r P(r)·pred_r(x) into a new run r = 0;
then it is normalised. O(R_max·K) per review, never a history scan: the last slot stands
for "R_max or longer" and keeps its own counts (the stable history).

Declaring a shift. After each review: if P(a change within the last ``window``
reviews) = Σ_{r<window} P(r) exceeds ``threshold``, the most likely recent run r* gives
"after" (its ratings) and "before" (the stable history's other ratings). A shift is
declared only when both have enough reviews and the two Dirichlet means differ
credibly: |after − before| > z·√(Var_after + Var_before) at ``credible_level``. The
posterior then forgets the old regime (runs longer than r* are dropped), so one change
gives one alert.

Edits and withdrawals rewrite history, which an online recursion cannot undo; the stored
state is rebuilt from the public reviews in order by ``flask watch replay-shifts``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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

    hazard: float = 1 / 500  # a real change every ~500 reviews, a priori
    max_run: int = 100  # R_max: run lengths kept exactly; the last slot is "≥ R_max"
    window: int = 50  # "recent" = a change within the last `window` reviews
    threshold: float = 0.9  # posterior mass on a recent change needed to declare
    prior_weight: float = 20.0  # weight of each component of a new run's prior
    tilts: tuple[float, ...] = (-1.2, -0.8, -0.4, 0.0, 0.4, 0.8, 1.2)
    credible_level: float = 0.99  # the means must differ at this level
    min_before: int = 15  # reviews of stable history needed before any shift
    min_after: int = 6  # reviews of the new regime needed to name its mean

    @property
    def z(self) -> float:
        return float(NormalDist().inv_cdf(0.5 + self.credible_level / 2))


def _empty(k: int) -> tuple[Floats, Floats, Floats, Floats]:
    return np.ones(1), np.zeros((1, 5)), np.full((1, k), 1.0 / k), np.zeros(1)


@dataclass(frozen=True, eq=False)
class State:
    """The truncated run-length posterior: probabilities[r], counts[r] (five levels),
    weights[r] (the prior's K components) and starts[r] (the day of the run's first
    rating; 0 for the empty run) for r = 0..len-1; and the ratings seen so far."""

    probabilities: Floats
    counts: Floats
    weights: Floats
    starts: Floats
    seen: int

    @classmethod
    def start(cls, settings: Settings) -> State:
        return cls(*_empty(len(settings.tilts)), seen=0)

    def to_json(self) -> dict[str, Any]:
        """Plain lists, for a JSON column."""
        return {
            "p": self.probabilities.tolist(),
            "n": self.counts.astype(int).tolist(),
            "w": self.weights.tolist(),
            "t": self.starts.tolist(),
            "seen": self.seen,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        return cls(
            np.asarray(data["p"], dtype=float),
            np.asarray(data["n"], dtype=float).reshape(-1, 5),
            np.asarray(data["w"], dtype=float),
            np.asarray(data["t"], dtype=float),
            int(data["seen"]),
        )


@dataclass(frozen=True)
class Shift:
    """A declared change: the mean before, the mean after and its credible band."""

    at_review: int  # how many ratings had been seen when it was declared
    reviews_ago: int  # the new regime's first review was this many reviews back (r*)
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


def stable_history(state: State, settings: Settings) -> Floats:
    """The level counts of the longest run without its last ``window`` ratings: the
    history a new run is compared with, not yet coloured by a change under way."""
    longest: Floats = state.counts[-1]  # numpy types a row of a 2-D array as Any
    if len(state.counts) - 1 <= settings.window:
        return longest
    stable: Floats = np.maximum(longest - state.counts[settings.window], 0.0)
    return stable


def prior_components(history: Floats, settings: Settings) -> Floats:
    """K×5 Dirichlet parameters: the smoothed history tilted by each λ_k, weighted."""
    base = (history + 1.0) / (history.sum() + 5.0)
    tilted = base * np.exp(np.outer(settings.tilts, _LEVELS - 3.0))
    weighted: Floats = settings.prior_weight * tilted / tilted.sum(axis=1, keepdims=True)
    return weighted


def update(
    state: State, level: int, settings: Settings = Settings(), day: float = 0.0
) -> tuple[State, Shift | None]:
    """Fold one rating (made on ``day``) into the posterior; return the new state and the
    shift it makes evident, if any."""
    if level not in LEVELS:
        raise ValueError(f"a rating is 1 to 5, not {level!r}")
    x = level - 1
    alpha = prior_components(stable_history(state, settings), settings)  # K×5
    n = state.counts  # R×5
    # pred[r, k] = (α_k,x + n_r,x) / (α_k,0 + n_r)
    per_component = (alpha[None, :, x] + n[:, x, None]) / (
        alpha.sum(axis=1)[None, :] + n.sum(axis=1)[:, None]
    )
    mixed = (state.weights * per_component).sum(axis=1)  # R
    joint = state.probabilities * mixed
    k = len(settings.tilts)
    probabilities = np.concatenate(([joint.sum() * settings.hazard], joint * (1 - settings.hazard)))
    weights = np.vstack([np.full((1, k), 1.0 / k), state.weights * per_component / mixed[:, None]])
    counts = np.vstack([np.zeros((1, 5)), n])
    counts[1:, x] += 1
    starts = np.concatenate(([0.0, day], state.starts[1:]))  # the empty run begins now
    if len(probabilities) > settings.max_run + 1:
        # Merge the two longest runs into the "R_max or longer" slot, which keeps the
        # longer history's counts and weights: the supplier's stable record.
        probabilities = np.concatenate((probabilities[:-2], [probabilities[-2:].sum()]))
        counts = np.delete(counts, -2, axis=0)
        weights = np.delete(weights, -2, axis=0)
        starts = np.delete(starts, -2)
    new = State(probabilities / probabilities.sum(), counts, weights, starts, state.seen + 1)
    shift = _declared(new, settings)
    if shift is not None:
        keep = shift.reviews_ago + 1  # forget the old regime: one change, one alert
        mass = new.probabilities[:keep].sum()
        new = State(
            new.probabilities[:keep] / mass,
            new.counts[:keep],
            new.weights[:keep],
            new.starts[:keep],
            new.seen,
        )
    return new, shift


def recent_mass(state: State, window: int) -> float:
    """P(a change within the last ``window`` reviews)."""
    return float(state.probabilities[:window].sum())


def dirichlet_mean(counts: Sequence[float], weight: float = 1.0) -> tuple[float, float]:
    """Mean and variance of Σ i·p_i under Dirichlet(counts + weight/5 each)."""
    alpha = np.asarray(counts, dtype=float) + weight / 5
    p = alpha / alpha.sum()
    mean = float((_LEVELS * p).sum())
    second = float((_LEVELS**2 * p).sum())
    return mean, max(0.0, second - mean * mean) / (float(alpha.sum()) + 1.0)


def _declared(state: State, settings: Settings) -> Shift | None:
    if recent_mass(state, settings.window) < settings.threshold:
        return None
    run = int(np.argmax(state.probabilities[: settings.window]))
    after = state.counts[run]
    before = np.maximum(state.counts[-1] - after, 0.0)
    if after.sum() < settings.min_after or before.sum() < settings.min_before:
        return None
    after_mean, after_var = dirichlet_mean(after)
    before_mean, before_var = dirichlet_mean(before)
    if abs(after_mean - before_mean) <= settings.z * math.sqrt(after_var + before_var):
        return None
    half = settings.z * math.sqrt(after_var)
    return Shift(
        at_review=state.seen,
        reviews_ago=run,
        since_day=float(state.starts[run]),
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
