"""Each supplier's score at every month's end, pure: monthly level counts in, scores out.

The stored month rows hold how many reviews landed at each star level that month
(reputation.models.ReputationMonth). The evidence at the end of month m is, as for the
live score (reputation/scoring.py), each review weighted by 2^(-age/H), with every
review of a month taken at the middle of its month:

    r_i(end of m) = Σ_{m' ≤ m} n_i(m') · 2^(-(end(m) - middle(m')) / H)

kept as a running sum (decay the previous month's evidence by the month's length, add
the new month's), so a supplier's whole series costs O(months). Taking reviews at
mid-month moves each weight by at most 2^(15.5/H) (about 3% at H = 365 days). The
reviews counted are those public today, and the prior is the sector's today.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vrm.reputation.scoring import Parameters, Score, dirichlet_score


@dataclass(frozen=True)
class MonthCounts:
    month: dt.date  # the first day of the month
    reviews: int
    rating_sum: int
    levels: tuple[int, ...]  # reviews at 1..5 stars


@dataclass(frozen=True)
class MonthEnd:
    month: dt.date
    reviews: int  # posted that month
    average_rating: float | None  # of that month's reviews
    total_reviews: int  # counted at the month's end
    score: Score


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _days(day: dt.date) -> float:
    return float(day.toordinal())


def month_ends(
    stored: Sequence[MonthCounts],
    until: dt.date,
    rates: Sequence[float],
    params: Parameters,
) -> list[MonthEnd]:
    """From the first stored month to UNTIL's month, empty months included."""
    if not stored:
        return []
    by_month: Mapping[dt.date, MonthCounts] = {row.month: row for row in stored}
    month = min(by_month)
    last = until.replace(day=1)
    evidence = [0.0] * 5
    total = 0
    previous_end: float | None = None
    found = []
    while month <= last:
        end = _days(next_month(month))
        if previous_end is not None:
            factor = math.exp2(-(end - previous_end) / params.half_life_days)
            evidence = [value * factor for value in evidence]
        row = by_month.get(month)
        if row is not None:
            middle = (_days(month) + end) / 2
            weight = math.exp2(-(end - middle) / params.half_life_days)
            evidence = [value + n * weight for value, n in zip(evidence, row.levels, strict=True)]
            total += sum(row.levels)
        found.append(
            MonthEnd(
                month=month,
                reviews=row.reviews if row else 0,
                average_rating=row.rating_sum / row.reviews if row and row.reviews else None,
                total_reviews=total,
                score=dirichlet_score(evidence, total, rates, params),
            )
        )
        previous_end = end
        month = next_month(month)
    return found
