"""The reputation maths, pure: numbers in, frozen dataclasses out. No Flask, no SQL.

Star ratings (levels 1..5) become a Dirichlet reputation (Jøsang & Haller, 2007):

* Evidence. Each review k with rating level i at time t_k (days) contributes the weight
  w_k = 2^(-(now - t_k) / H) to level i, where H is the half-life in days: a review one
  half-life old counts half as much as one posted today. r_i = Σ_{k at level i} w_k.
* Prior. A prior of weight C is spread over the levels by base rates a_i (the sector's
  distribution of ratings, Laplace-smoothed so no level is impossible; uniform 1/5 when
  the sector has no reviews yet).
* Expected distribution. p_i = (r_i + C·a_i) / (C + Σ_j r_j). The whole distribution is
  kept, so a polarised supplier (many 1s and many 5s) is visible, not averaged away.
* Point score. S = Σ_i i·p_i, on the 1–5 scale.
* Uncertainty. With α_i = r_i + C·a_i and α₀ = C + Σ r, the score is the mean of the
  random variable Σ i·X_i, X ~ Dirichlet(α). Its variance is analytic:
  Var(S) = (Σ_i i²·p_i − S²) / (α₀ + 1). The band is S ± z·√Var(S), clipped to [1, 5],
  with z from the normal approximation (z = 1.645 for the default 90% band).
* Enough evidence. Below ``min_count`` reviews the score is None ("not enough reviews"),
  though the distribution and band are still computed for whoever wants them.
* Rankings sort by the band's lower end, so a handful of perfect reviews cannot outrank
  hundreds of good ones.

Other rates: every "kept" figure has one formula, share(yes, no) = yes / (yes + no),
always shown with its counts ("1 of 3 reports say kept"): promises kept counts confirmed
against denied changes, terms kept counts kept against broken reports. No smoothing: a
figure from few cases says how few, rather than leaning towards ½. Responsiveness is the
share of reviews answered, the median time to a first answer and the share marked
resolved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any

LEVELS = (1, 2, 3, 4, 5)
SECONDS_PER_DAY = 86_400.0
# Re-anchor the stored sums once a new review is this many half-lives past the anchor, so
# 2^((t - epoch)/H) stays far from overflow (2^1024) however long a supplier lives.
REBASE_HALF_LIVES = 64.0


@dataclass(frozen=True)
class Parameters:
    """Every tunable number, with its default. The app reads overrides from its config
    (``REPUTATION_HALF_LIFE_DAYS``, ``REPUTATION_PRIOR_WEIGHT``, ``REPUTATION_MIN_COUNT``,
    ``REPUTATION_CREDIBLE_LEVEL``); changing the half-life needs ``flask reputation
    recompute``, because the stored sums are expressed in it."""

    half_life_days: float = 365.0
    prior_weight: float = 2.0
    min_count: int = 3
    credible_level: float = 0.90
    base_rate_smoothing: float = 1.0

    @property
    def z(self) -> float:
        """The normal quantile for a two-sided band at ``credible_level``."""
        return float(NormalDist().inv_cdf(0.5 + self.credible_level / 2))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Parameters:
        """Defaults, overridden by whichever REPUTATION_* keys the config holds."""
        names = {
            "REPUTATION_HALF_LIFE_DAYS": ("half_life_days", float),
            "REPUTATION_PRIOR_WEIGHT": ("prior_weight", float),
            "REPUTATION_MIN_COUNT": ("min_count", int),
            "REPUTATION_CREDIBLE_LEVEL": ("credible_level", float),
        }
        found: dict[str, Any] = {}
        for key, (field, kind) in names.items():
            if key in config:
                found[field] = kind(config[key])
        return replace(cls(), **found)


def day_number(seconds_since_epoch: float) -> float:
    """A timestamp as (fractional) days since 1970-01-01 UTC: the time unit of the sums."""
    return seconds_since_epoch / SECONDS_PER_DAY


def decay_weight(age_days: float, half_life_days: float) -> float:
    """w = 2^(-age/H)."""
    return math.exp2(-age_days / half_life_days)


@dataclass(frozen=True)
class DecayedCounts:
    """Sufficient statistics of a set of ratings, updatable in O(1).

    ``sums[i]`` = Σ 2^((t_k - epoch)/H) over the ratings at level i+1, so that at any time
    ``now`` the evidence is r_i(now) = 2^(-(now - epoch)/H) · sums[i]. Each review's term
    never changes after it is added, so removing a review subtracts exactly the term that
    adding it contributed (recomputed from its own timestamp), whatever happened between.
    ``epoch`` moves forward (every sum multiplied by 2^(-(new - old)/H)) when a new term
    would exceed 2^REBASE_HALF_LIVES. ``counts`` are exact integers; a level whose count
    drops to zero is reset to exactly 0.0, so rounding residue cannot linger.
    """

    epoch: float
    sums: tuple[float, ...] = (0.0,) * 5
    counts: tuple[int, ...] = (0,) * 5

    @classmethod
    def empty(cls, epoch: float) -> DecayedCounts:
        return cls(epoch=epoch)

    @classmethod
    def of(cls, ratings: Iterable[tuple[int, float]], half_life_days: float) -> DecayedCounts:
        """Batch build from (level, day) pairs, anchored at the latest day."""
        by_level = bucket(ratings)
        epoch = max((max(days) for days in by_level if days), default=0.0)
        k = math.log(2.0) / half_life_days
        sums = tuple(math.fsum(math.exp((t - epoch) * k) for t in days) for days in by_level)
        return cls(epoch=epoch, sums=sums, counts=tuple(len(days) for days in by_level))

    def add(self, level: int, day: float, half_life_days: float, sign: int = 1) -> DecayedCounts:
        """Add (sign=+1) or remove (sign=-1) one rating at ``level`` made on ``day``."""
        if level not in LEVELS or sign not in (1, -1):
            raise ValueError(f"bad rating level {level} or sign {sign}")
        state = self
        if (day - self.epoch) / half_life_days > REBASE_HALF_LIVES:
            state = self.rebased(day, half_life_days)
        index = level - 1
        count = state.counts[index] + sign
        if count < 0:
            raise ValueError(f"removing a level-{level} rating that was never added")
        term = math.exp2((day - state.epoch) / half_life_days)
        value = 0.0 if count == 0 else state.sums[index] + sign * term
        sums = (*state.sums[:index], value, *state.sums[index + 1 :])
        counts = (*state.counts[:index], count, *state.counts[index + 1 :])
        return DecayedCounts(epoch=state.epoch, sums=sums, counts=counts)

    def rebased(self, epoch: float, half_life_days: float) -> DecayedCounts:
        factor = math.exp2(-(epoch - self.epoch) / half_life_days)
        return replace(self, epoch=epoch, sums=tuple(s * factor for s in self.sums))

    def evidence(self, now: float, half_life_days: float) -> tuple[float, ...]:
        """r_i(now) = 2^(-(now - epoch)/H) · sums[i] (never below zero)."""
        factor = math.exp2(-(now - self.epoch) / half_life_days)
        return tuple(max(0.0, s * factor) for s in self.sums)

    @property
    def count(self) -> int:
        return sum(self.counts)


def bucket(ratings: Iterable[tuple[int, float]]) -> list[list[float]]:
    """Group (level, day) pairs into one list of days per level."""
    by_level: list[list[float]] = [[], [], [], [], []]
    appenders = [days.append for days in by_level]
    for level, day in ratings:
        appenders[level - 1](day)
    return by_level


def batch_evidence(
    days_by_level: Sequence[Sequence[float]], now: float, half_life_days: float
) -> tuple[float, ...]:
    """r_i = Σ 2^(-(now - t_k)/H) computed from scratch (the reference for the tests)."""
    k = math.log(2.0) / half_life_days
    exp = math.exp
    return tuple(math.fsum([exp((t - now) * k) for t in days]) for days in days_by_level)


def base_rates(level_counts: Sequence[float], smoothing: float = 1.0) -> tuple[float, ...]:
    """a_i = (n_i + s) / (Σ n + 5s): the sector's distribution, Laplace-smoothed."""
    total = math.fsum(level_counts) + smoothing * len(LEVELS)
    if total <= 0:
        return (1.0 / len(LEVELS),) * len(LEVELS)
    return tuple((n + smoothing) / total for n in level_counts)


UNIFORM = base_rates((0, 0, 0, 0, 0))


@dataclass(frozen=True)
class Score:
    """A Dirichlet reputation: the expected distribution, its mean and a credible band."""

    count: int
    evidence: tuple[float, ...]
    probabilities: tuple[float, ...]
    mean: float
    sd: float
    low: float
    high: float
    enough: bool

    @property
    def value(self) -> float | None:
        """The point score, or None when there are fewer than ``min_count`` reviews."""
        return self.mean if self.enough else None

    @property
    def rank_key(self) -> float | None:
        """What league tables sort by: the band's lower end (None: not ranked)."""
        return self.low if self.enough else None


def dirichlet_score(
    evidence: Sequence[float],
    count: int,
    rates: Sequence[float] = UNIFORM,
    params: Parameters = Parameters(),
) -> Score:
    """p_i = (r_i + C a_i)/(C + Σr); S = Σ i p_i; Var(S) = (Σ i² p_i − S²)/(C + Σr + 1)."""
    c = params.prior_weight
    alpha = [r + c * a for r, a in zip(evidence, rates, strict=True)]
    alpha0 = c + math.fsum(evidence)
    p = tuple(x / alpha0 for x in alpha)
    mean = math.fsum(i * pi for i, pi in zip(LEVELS, p, strict=True))
    second = math.fsum(i * i * pi for i, pi in zip(LEVELS, p, strict=True))
    sd = math.sqrt(max(0.0, second - mean * mean) / (alpha0 + 1.0))
    half = params.z * sd
    return Score(
        count=count,
        evidence=tuple(evidence),
        probabilities=p,
        mean=mean,
        sd=sd,
        low=max(1.0, mean - half),
        high=min(5.0, mean + half),
        enough=count >= params.min_count,
    )


@dataclass(frozen=True)
class Rate:
    """A share with the number of cases behind it (value None when there are none)."""

    value: float | None
    count: int
    hits: int = 0  # the cases that said yes (kept, confirmed), out of count


def share(yes: int, no: int) -> Rate:
    """yes / (yes + no) with both counts: the one formula of every "kept" figure (None
    when there is nothing to count)."""
    total = yes + no
    return Rate(yes / total if total else None, total, yes)


def promises_kept(confirmed: int, denied: int) -> Rate:
    """How often a claimed change was confirmed: share(confirmed, denied)."""
    return share(confirmed, denied)


def terms_kept(kept: int, broken: int) -> Rate:
    """How often members' reports say their terms were kept: share(kept, broken)."""
    return share(kept, broken)


@dataclass(frozen=True)
class Responsiveness:
    reviews: int
    answered: Rate
    median_response_days: float | None
    resolved: Rate


def responsiveness(
    reviews: int, answered: int, resolved: int, median_response_seconds: float | None
) -> Responsiveness:
    """answered/reviews, the median first-answer delay, resolved/reviews."""
    return Responsiveness(
        reviews=reviews,
        answered=Rate(answered / reviews if reviews else None, reviews),
        median_response_days=(
            None if median_response_seconds is None else median_response_seconds / SECONDS_PER_DAY
        ),
        resolved=Rate(resolved / reviews if reviews else None, reviews),
    )


def median(values: Sequence[float]) -> float | None:
    """The middle value (mean of the two middle ones for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
