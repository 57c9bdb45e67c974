"""League order kept on write: each supplier's rank key (the lower end of its overall
score's band, scoring.Score.rank_key) is stored beside its stats, so a league page reads
one indexed page of suppliers instead of scoring every supplier per view.

Scores decay by the day and a sector's prior moves with every review in it, so a stored
key drifts slowly from the key computed now. It is refreshed for a supplier whenever its
reviews change (reputation.service.store_rank), for everyone by `flask reputation rerank` (a
daily job; `db upgrade` runs it once for rows never ranked), and by every recompute. The
scores a page shows are computed fresh for the rows it shows; only the order can be up to
a day old, which /methodology says.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from vrm.reputation.models import ReputationStats, ReputationSums
from vrm.reputation.scoring import UNIFORM, Parameters
from vrm.reputation.service import league_key, today
from vrm.reputation.tallies import sector_rates
from vrm.suppliers.models import Supplier

BATCH = 1_000


def rerank(session: Session, params: Parameters, *, only_unranked: bool = False) -> int:
    """Recompute every supplier's stored key (or only those never ranked), in batches
    of plain UPDATEs; returns how many were written."""
    rates = sector_rates(session)
    query = (
        select(ReputationStats.supplier_id, Supplier.sector, ReputationSums)
        .join(Supplier, Supplier.id == ReputationStats.supplier_id)
        .outerjoin(
            ReputationSums,
            (ReputationSums.supplier_id == ReputationStats.supplier_id)
            & (ReputationSums.dimension == "overall"),
        )
        .order_by(ReputationStats.supplier_id)
    )
    if only_unranked:
        query = query.where(ReputationStats.ranked_day.is_(None))
    written, batch = 0, list[dict[str, Any]]()
    for supplier_id, sector, sums in session.execute(query).all():
        key = league_key(sums, rates.get((sector, "overall"), UNIFORM), params)
        batch.append({"sid": supplier_id, "key": key})
        if len(batch) >= BATCH:
            written += _write(session, batch, today())
            batch = []
    written += _write(session, batch, today())
    return written


def _write(session: Session, batch: list[dict[str, Any]], day: float) -> int:
    if not batch:
        return 0
    # Core, by primary key per parameter set: one executemany, no ORM bookkeeping.
    table = cast(Table, ReputationStats.__table__)
    statement = (
        update(table)
        .where(table.c.supplier_id == bindparam("sid"))
        .values(rank_key=bindparam("key"), ranked_day=day)
    )
    session.execute(statement, batch)
    return len(batch)
