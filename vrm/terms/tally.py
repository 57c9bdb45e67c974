"""What members asked each supplier, per clause: counted on write, read by pages.

A supplier page shows, per clause, how many members asked for it and how the supplier
answered. Counting that reads every member's latest proffer and its terms document,
hundreds of rows for a busy supplier, so it is counted here when a supplier's proffers
change (proffered, decided, superseded, withdrawn, erased) and pages read the rows.

Counting again from the proffers (not adding deltas) keeps one rule for what counts:
``count`` is the definition, and a refresh cannot drift from it. The refresh locks the
supplier's ClauseTallyLock row first, so two writers for one supplier count one after
the other and the second sees the first's committed proffers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from vrm.clock import now
from vrm.terms.models import Agreement, ClauseTally, ClauseTallyLock, Proffer
from vrm.upsert import insert_missing

# A member's proffer counts while it is live: waiting, or answered.
LIVE = ("pending", "accepted", "declined")
COUNTS = ("proffered", "accepted", "declined", "waiting")


def _latest_proffers(session: Session, supplier_id: int) -> list[Proffer]:
    """Each member's most recent live proffer to the supplier."""
    rows = session.scalars(
        select(Proffer)
        .where(Proffer.supplier_id == supplier_id, Proffer.status.in_(LIVE))
        .options(selectinload(Proffer.terms_version))
        .order_by(Proffer.id)
    ).all()
    latest: dict[int, Proffer] = {}
    for row in rows:
        latest[row.member_id] = row
    return list(latest.values())


def count(session: Session, supplier_id: int) -> dict[str, Counter[str]]:
    """Per clause identifier: proffered, accepted, declined and waiting. Counts only,
    never who. An agreement that accepted only some clauses (Parley's) declined the
    others."""
    proffers = _latest_proffers(session, supplier_id)
    partial: dict[int | None, list[str] | None] = {
        proffer_id: clauses
        for proffer_id, clauses in session.execute(
            select(Agreement.proffer_id, Agreement.clauses).where(
                Agreement.proffer_id.in_([p.id for p in proffers]),
                Agreement.clauses.is_not(None),
            )
        )
    }
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for proffer in proffers:
        accepted = partial.get(proffer.id)
        for item in proffer.terms_version.document.get("clauses", []):
            status = proffer.status
            if accepted is not None and item["clause"] not in accepted:
                status = "declined"
            counts = tally[item["clause"]]
            counts["proffered"] += 1
            counts["waiting" if status == "pending" else status] += 1
    return tally


def refresh(session: Session, supplier_ids: Iterable[int]) -> None:
    """Count the suppliers' tallies again, after this transaction's proffer changes.
    In id order, so two writers touching the same suppliers lock them in one order."""
    ids = sorted(set(supplier_ids))
    if not ids:
        return
    session.flush()
    insert_missing(session, ClauseTallyLock, [{"supplier_id": i} for i in ids])
    for supplier_id in ids:
        lock = session.get(
            ClauseTallyLock, supplier_id, with_for_update=True, populate_existing=True
        )
        assert lock is not None  # inserted just above, and only erased with the supplier
        lock.refreshed_at = now()
        tally = count(session, supplier_id)
        session.execute(delete(ClauseTally).where(ClauseTally.supplier_id == supplier_id))
        session.add_all(
            ClauseTally(supplier_id=supplier_id, clause=clause, **{k: counts[k] for k in COUNTS})
            for clause, counts in tally.items()
        )
    session.flush()


def stored(session: Session, supplier_id: int) -> list[ClauseTally]:
    """The supplier's kept tally, most asked first (then by clause, for a stable page)."""
    return list(
        session.scalars(
            select(ClauseTally)
            .where(ClauseTally.supplier_id == supplier_id)
            .order_by(ClauseTally.proffered.desc(), ClauseTally.clause)
        )
    )


def unrefreshed_supplier_ids(session: Session) -> list[int]:
    """Suppliers with proffers but no tally yet: those proffered to before tallies were
    kept on write (filled once by ``flask db upgrade``)."""
    return list(
        session.scalars(
            select(Proffer.supplier_id)
            .distinct()
            .where(
                Proffer.supplier_id.not_in(select(ClauseTallyLock.supplier_id)),
            )
        )
    )
