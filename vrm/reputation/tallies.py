"""Tallies kept on write so that no page adds up history: each sector's level counts (the
prior of every score in it) and each supplier's histogram of first-answer delays (its
median answer time).

Both are changed only by adding a difference in SQL (``INSERT … ON CONFLICT DO UPDATE
SET n = n + d``): concurrent writers never read-modify-write the same row, and a row
that does not exist yet is created by the same statement (no check-then-insert race).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from vrm.reputation.models import ReputationSector, ReputationSums, ResponseBucket
from vrm.reputation.scoring import base_rates
from vrm.suppliers.models import Supplier
from vrm.upsert import add_to_counters

LEVELS = ("n1", "n2", "n3", "n4", "n5")
BUCKETS_PER_DOUBLING = 4
BUCKET_ORIGIN_SECONDS = 60.0  # bucket 0 holds every answer within about a minute


# ---- Sector priors ----


def add_to_sector(
    session: Session, supplier_id: int, dimension: str, deltas: Sequence[int]
) -> None:
    """Move a supplier's level counts in one dimension by DELTAS (five numbers)."""
    if not any(deltas):
        return
    sector = session.scalar(select(Supplier.sector).where(Supplier.id == supplier_id))
    if sector is None:
        return
    add_to_counters(
        session,
        ReputationSector,
        {"sector": sector, "dimension": dimension},
        dict(zip(LEVELS, (int(d) for d in deltas), strict=True)),
    )


def remove_supplier_from_sector(session: Session, supplier_id: int) -> None:
    """Subtract everything a supplier's stored sums add to its sector (before a rebuild)."""
    for row in session.scalars(
        select(ReputationSums).where(ReputationSums.supplier_id == supplier_id)
    ):
        counts = (row.n1, row.n2, row.n3, row.n4, row.n5)
        add_to_sector(session, supplier_id, row.dimension, [-n for n in counts])


def rebuild_sectors(session: Session) -> None:
    """Recount every sector from the stored sums (after a full recompute)."""
    session.execute(delete(ReputationSector))
    totals = (
        select(
            Supplier.sector,
            ReputationSums.dimension,
            *(func.sum(getattr(ReputationSums, n)) for n in LEVELS),
        )
        .join(Supplier, Supplier.id == ReputationSums.supplier_id)
        .group_by(Supplier.sector, ReputationSums.dimension)
    )
    rows = [
        {
            "sector": r[0],
            "dimension": r[1],
            **dict(zip(LEVELS, (int(n or 0) for n in r[2:]), strict=True)),
        }
        for r in session.execute(totals)
    ]
    if rows:
        session.execute(insert(ReputationSector), rows)


def sector_rates(
    session: Session, sectors: Iterable[str] | None = None
) -> dict[tuple[str, str], tuple[float, ...]]:
    """(sector, dimension) -> the base rates a_i, read from the stored sector tallies."""
    query = select(ReputationSector)
    if sectors is not None:
        query = query.where(ReputationSector.sector.in_(list(sectors)))
    return {
        (row.sector, row.dimension): base_rates(
            [float(row.n1), float(row.n2), float(row.n3), float(row.n4), float(row.n5)]
        )
        for row in session.scalars(query)
    }


# ---- Answer delays ----


def bucket_of(seconds: float) -> int:
    """The band of a delay: 0 up to a minute, then four bands per doubling."""
    if seconds <= BUCKET_ORIGIN_SECONDS:
        return 0
    return 1 + math.floor(math.log2(seconds / BUCKET_ORIGIN_SECONDS) * BUCKETS_PER_DOUBLING)


def bucket_middle(bucket: int) -> float:
    """The geometric middle of a band, in seconds: the estimate reported for it."""
    if bucket <= 0:
        return BUCKET_ORIGIN_SECONDS / 2
    low = (bucket - 1) / BUCKETS_PER_DOUBLING
    return BUCKET_ORIGIN_SECONDS * 2 ** (low + 0.5 / BUCKETS_PER_DOUBLING)


def add_response(session: Session, supplier_id: int, seconds: float, sign: int) -> None:
    if not sign:
        return
    add_to_counters(
        session,
        ResponseBucket,
        {"supplier_id": supplier_id, "bucket": bucket_of(max(seconds, 0.0))},
        {"count": sign},
    )


def median_from_buckets(counts: Sequence[tuple[int, int]]) -> float | None:
    """The median delay estimated from (bucket, count) pairs: each answer is taken at the
    geometric middle of its band, then the usual median (the mean of the two middle
    answers when there is an even number). Within about 9% of the exact median, as
    /methodology says."""
    ordered = sorted((b, n) for b, n in counts if n > 0)
    total = sum(n for _, n in ordered)
    if total == 0:
        return None
    wanted = {(total - 1) // 2, total // 2}  # 0-based ranks of the middle answer(s)
    picked: list[float] = []
    seen = 0
    for bucket, n in ordered:
        picked += [bucket_middle(bucket)] * sum(seen <= rank < seen + n for rank in wanted)
        seen += n
    return sum(picked) / len(picked)


def median_response_seconds(session: Session, supplier_id: int) -> float | None:
    rows = session.execute(
        select(ResponseBucket.bucket, ResponseBucket.count).where(
            ResponseBucket.supplier_id == supplier_id
        )
    )
    return median_from_buckets([(b, n) for b, n in rows])
