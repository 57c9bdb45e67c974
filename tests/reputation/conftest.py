"""A movable clock for reputation tests, and a snapshot of every figure for comparisons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from vrm import clock
from vrm.reputation.queries import SupplierReputation


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start
        clock.set_source(lambda: self.now)

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def frozen_clock() -> Iterator[Clock]:
    yield Clock(dt.datetime(2024, 1, 15, 12, 0, tzinfo=dt.UTC))
    clock.set_source(None)


def figures(rep: SupplierReputation) -> list[Any]:
    """Every number of a reputation, flattened, for exact or tolerant comparison."""
    out: list[Any] = []
    for score in (rep.overall, *rep.aspects.values()):
        out += [score.count, score.enough, score.mean, score.low, score.high, score.sd]
        out += list(score.probabilities)
    r = rep.responsiveness
    out += [rep.level_counts, r.reviews, r.answered.value, r.resolved.value]
    out += [r.median_response_days, rep.promises, rep.terms]
    out += [(p.month, p.count, p.mean) for p in rep.months]
    return out


def assert_same(a: list[Any], b: list[Any], tolerance: float = 1e-9) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if isinstance(x, float) and isinstance(y, float):
            assert abs(x - y) <= tolerance, (x, y)
        else:
            assert x == y
