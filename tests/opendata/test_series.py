"""The month-end score: the running sum equals the sum written out, and with every review
posted mid-month it equals the live score's maths exactly."""

from __future__ import annotations

import datetime as dt
import math

from vrm.opendata.series import MonthCounts, month_ends, next_month
from vrm.reputation.scoring import UNIFORM, Parameters, dirichlet_score


def test_running_sum_matches_the_formula() -> None:
    params = Parameters()
    stored = [
        MonthCounts(dt.date(2025, 11, 1), 2, 9, (0, 0, 0, 1, 1)),
        MonthCounts(dt.date(2026, 2, 1), 3, 6, (1, 1, 0, 0, 1)),
    ]
    ends = month_ends(stored, dt.date(2026, 4, 20), UNIFORM, params)
    assert [e.month for e in ends] == [
        dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1),
        dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1),
    ]  # fmt: skip
    assert [e.reviews for e in ends] == [2, 0, 0, 3, 0, 0]
    assert ends[1].average_rating is None and ends[0].average_rating == 4.5
    last = ends[-1]
    end = float(next_month(dt.date(2026, 4, 1)).toordinal())
    evidence = [0.0] * 5
    for row in stored:
        middle = (row.month.toordinal() + next_month(row.month).toordinal()) / 2
        for i, n in enumerate(row.levels):
            evidence[i] += n * math.exp2(-(end - middle) / params.half_life_days)
    expected = dirichlet_score(evidence, 5, UNIFORM, params)
    assert math.isclose(last.score.mean, expected.mean, rel_tol=1e-12)
    assert last.total_reviews == 5 and last.score.enough


def test_nothing_stored_is_no_series() -> None:
    assert month_ends([], dt.date(2026, 1, 1), UNIFORM, Parameters()) == []
