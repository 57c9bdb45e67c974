"""Drift between the stored aggregates and what a recompute would store, found by reading
only (``flask reputation check``): operators monitor it; ``recompute`` repairs it.

Equal means: the same integers; decayed sums equal once both are rebased to one epoch
(incremental updates rebase whenever a term grows too large, a batch anchors at the
latest day, so the stored epochs differ legitimately) within a relative 1e-9; and a row
whose figures are all zero equals no row (a removal leaves zeros where a batch writes none).
Besides each supplier's figures, its histogram of answer delays and every sector's level
counts (the scores' prior, tallies.py) are checked.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.reputation.models import (
    ReputationEntry,
    ReputationMonth,
    ReputationSector,
    ReputationStats,
    ReputationSums,
    ResponseBucket,
)
from vrm.reputation.recompute import (
    MONTH_COLUMNS,
    contributions_by_supplier,
    expected_buckets,
    expected_counts,
    expected_months,
    expected_sums,
)
from vrm.reputation.scoring import DecayedCounts, Parameters
from vrm.reputation.service import current_parameters, entry_values, sums_state
from vrm.suppliers.models import Supplier
from vrm.terms.queries import terms_kept_counts

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Drift:
    """One stored figure that differs from the recompute."""

    supplier_id: int | None  # None: a sector's tally, which belongs to no one supplier
    what: str  # e.g. "stats.review_count", "sums[overall]", "month 2026-01", "entry 17"
    stored: Any
    expected: Any

    def __str__(self) -> str:
        where = f"supplier {self.supplier_id}: " if self.supplier_id is not None else ""
        return f"{where}{self.what}: stored {self.stored!r}, expected {self.expected!r}"


def find_drift(session: Session, params: Parameters | None = None) -> Iterator[Drift]:
    """Every difference, supplier by supplier; reads only."""
    params = params or current_parameters()
    stored = _Stored.load(session)
    sectors = {row[0]: row[1] for row in session.execute(select(Supplier.id, Supplier.sector))}
    want_sectors: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * 5)
    seen: set[int] = set()
    for supplier_id, parts in contributions_by_supplier(session):
        seen.add(supplier_id)
        yield from _compare_supplier(session, stored, supplier_id, parts, params)
        for dimension, state in expected_sums(parts, params).items():
            tally = want_sectors[(sectors[supplier_id], dimension)]
            tally[:] = [a + int(b) for a, b in zip(tally, state.counts, strict=True)]
    for supplier_id in sorted(stored.suppliers() - seen):
        yield from _compare_supplier(session, stored, supplier_id, [], params)
    yield from _compare_sectors(stored.sectors, want_sectors)


def _compare_sectors(
    have: dict[tuple[str, str], list[int]], want: dict[tuple[str, str], list[int]]
) -> Iterator[Drift]:
    for sector, dimension in sorted(set(have) | set(want)):
        have_n = have.get((sector, dimension), [0] * 5)
        want_n = want.get((sector, dimension), [0] * 5)
        if have_n != want_n:
            yield Drift(None, f"sector {sector} [{dimension}]", have_n, want_n)


@dataclass
class _Stored:
    stats: dict[int, ReputationStats]
    sums: dict[int, dict[str, DecayedCounts]]
    months: dict[int, dict[Any, tuple[int, ...]]]
    entries: dict[int, dict[int, dict[str, object]]]
    buckets: dict[int, dict[int, int]]
    sectors: dict[tuple[str, str], list[int]]

    @classmethod
    def load(cls, session: Session) -> _Stored:
        stored = cls(
            {}, defaultdict(dict), defaultdict(dict), defaultdict(dict), defaultdict(dict), {}
        )
        for bucket in session.scalars(select(ResponseBucket)):
            if bucket.count:  # a removal leaves a zero where a batch writes no row
                stored.buckets[bucket.supplier_id][bucket.bucket] = bucket.count
        for sector in session.scalars(select(ReputationSector)):
            levels = [sector.n1, sector.n2, sector.n3, sector.n4, sector.n5]
            if any(levels):
                stored.sectors[(sector.sector, sector.dimension)] = levels
        for stats in session.scalars(select(ReputationStats)):
            stored.stats[stats.supplier_id] = stats
        for sums in session.scalars(select(ReputationSums)):
            stored.sums[sums.supplier_id][sums.dimension] = sums_state(sums)
        for month in session.scalars(select(ReputationMonth)):
            counts = tuple(getattr(month, name) for name in MONTH_COLUMNS)
            stored.months[month.supplier_id][month.month] = counts
        columns = [c for c in ReputationEntry.__table__.columns if c.name != "review_id"]
        for row in session.execute(select(ReputationEntry.review_id, *columns)):
            values = dict(zip((c.name for c in columns), row[1:], strict=True))
            stored.entries[int(values["supplier_id"])][row[0]] = values
        return stored

    def suppliers(self) -> set[int]:
        return (
            set(self.stats) | set(self.sums) | set(self.months) | set(self.entries)
            | set(self.buckets)
        )  # fmt: skip


def _compare_supplier(
    session: Session, stored: _Stored, supplier_id: int, parts: Any, params: Parameters
) -> Iterator[Drift]:
    stats = stored.stats.get(supplier_id)
    counts = expected_counts(parts)
    if parts or stats is not None:
        counts["terms_kept"], counts["terms_broken"] = terms_kept_counts(session, supplier_id)
    for name, value in counts.items():
        have = getattr(stats, name) if stats is not None else 0
        if have != value and (stats is not None or value):
            yield Drift(supplier_id, f"stats.{name}", have, value)
    want_sums = expected_sums(parts, params)
    have_sums = stored.sums.get(supplier_id, {})
    for dimension in sorted(set(want_sums) | set(have_sums)):
        have, want = have_sums.get(dimension), want_sums.get(dimension)
        if not _same_sums(have, want, params.half_life_days):
            yield Drift(supplier_id, f"sums[{dimension}]", have, want)
    want_months = expected_months(parts)
    have_months = stored.months.get(supplier_id, {})
    for month in sorted(set(want_months) | set(have_months)):
        nothing = (0,) * len(MONTH_COLUMNS)
        have_m, want_m = have_months.get(month, nothing), want_months.get(month, nothing)
        if have_m != want_m:
            yield Drift(supplier_id, f"month {month}", have_m, want_m)
    have_buckets, want_buckets = stored.buckets.get(supplier_id, {}), expected_buckets(parts)
    if have_buckets != want_buckets:
        yield Drift(supplier_id, "answer delays", have_buckets, want_buckets)
    have_entries = stored.entries.get(supplier_id, {})
    want_entries = {review_id: entry_values(part) for review_id, part in parts}
    for review_id in sorted(set(have_entries) | set(want_entries)):
        have_e, want_e = have_entries.get(review_id), want_entries.get(review_id)
        if not _same_entry(have_e, want_e):
            yield Drift(supplier_id, f"entry for review {review_id}", have_e, want_e)


def _same_sums(have: DecayedCounts | None, want: DecayedCounts | None, half_life: float) -> bool:
    have = have or DecayedCounts.empty(0.0)
    want = want or DecayedCounts.empty(0.0)
    if have.counts != want.counts:
        return False
    epoch = max(have.epoch, want.epoch)
    a, b = have.rebased(epoch, half_life).sums, want.rebased(epoch, half_life).sums
    return all(
        math.isclose(x, y, rel_tol=TOLERANCE, abs_tol=TOLERANCE) for x, y in zip(a, b, strict=True)
    )


def _same_entry(have: dict[str, object] | None, want: dict[str, object] | None) -> bool:
    if have is None or want is None:
        return have is want
    for key, value in want.items():
        other = have.get(key)
        if isinstance(value, float) and isinstance(other, float):
            if not math.isclose(value, other, rel_tol=TOLERANCE, abs_tol=1e-6):
                return False
        elif value != other:
            return False
    return True
