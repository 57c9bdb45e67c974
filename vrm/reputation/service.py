"""Folding one review's change into the stored aggregates, in O(1) and in the caller's
transaction.

``refresh_review`` is the single write path: it compares what the review should
contribute now (nothing, unless it is public — vrm.reviews.queries.is_public_review) with
what its ReputationEntry says it contributes, and applies the difference. Posting, editing,
withdrawing, hiding, answering, marking resolved, a claim verdict and a merge all end here,
so the result never depends on which signal came first or whether one came twice.

Choices: a review counts at its ``created_at`` (when it was posted; the experience date is
chosen by the author and may be long past) and keeps that time when edited, so editing
cannot refresh a review's weight. Months are UTC calendar months of ``created_at``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from vrm.clock import now
from vrm.reputation import tallies
from vrm.reputation.models import (
    DIMENSIONS,
    ReputationEntry,
    ReputationMonth,
    ReputationStats,
    ReputationSums,
)
from vrm.reputation.scoring import UNIFORM, DecayedCounts, Parameters, day_number, dirichlet_score
from vrm.reviews.models import ASPECTS, ChangeClaim, Review
from vrm.reviews.queries import is_public_review, lock_review
from vrm.suppliers.models import Supplier
from vrm.terms.queries import terms_kept_counts
from vrm.upsert import add_to_counters, insert_missing


def current_parameters() -> Parameters:
    """The app's parameters (config REPUTATION_*), or the defaults outside an app."""
    return Parameters.from_config(current_app.config) if has_app_context() else Parameters()


@dataclass(frozen=True)
class Contribution:
    """What one public review adds to its supplier's aggregates."""

    supplier_id: int
    day: float
    month: dt.date
    ratings: tuple[int | None, ...]  # in DIMENSIONS order: overall, then the aspects
    response_seconds: float | None
    resolution: str | None
    claims_confirmed: int
    claims_denied: int


def month_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(dt.UTC).date().replace(day=1)


def contribution_of(
    review: Review, *, supplier_id: int, confirmed: int, denied: int
) -> Contribution:
    response = (
        (review.first_answer_at - review.created_at).total_seconds()
        if review.first_answer_at is not None
        else None
    )
    return Contribution(
        supplier_id=supplier_id,
        day=day_number(review.created_at.timestamp()),
        month=month_of(review.created_at),
        ratings=(review.rating, *(getattr(review, f"rating_{a}") for a in ASPECTS)),
        response_seconds=response,
        resolution=review.resolution,
        claims_confirmed=confirmed,
        claims_denied=denied,
    )


def _of_entry(entry: ReputationEntry) -> Contribution:
    return Contribution(
        supplier_id=entry.supplier_id,
        day=entry.day,
        month=entry.month,
        ratings=(entry.rating, *(getattr(entry, f"rating_{a}") for a in ASPECTS)),
        response_seconds=entry.response_seconds,
        resolution=entry.resolution,
        claims_confirmed=entry.claims_confirmed,
        claims_denied=entry.claims_denied,
    )


def claim_counts(session: Session, review_id: int) -> tuple[int, int]:
    """(confirmed, denied) verdicts on change claims under one review."""
    row = session.execute(
        select(
            func.coalesce(func.sum(case((ChangeClaim.verdict == "confirmed", 1), else_=0)), 0),
            func.coalesce(func.sum(case((ChangeClaim.verdict == "denied", 1), else_=0)), 0),
        ).where(ChangeClaim.review_id == review_id)
    ).one()
    return int(row[0]), int(row[1])


def refresh_review(session: Session, review: Review, params: Parameters | None = None) -> None:
    """Make the aggregates reflect this review as it is now. Idempotent; O(1).

    The review is re-read under its row lock (lock_review) and its entry under the entry's,
    so two changes racing on one review (an edit and an answer, a withdrawal and an edit)
    fold one after the other, each from the state the other committed.
    """
    current = lock_review(session, review.id)
    entry = _locked_entry(session, review.id)
    new = None
    if current is not None and is_public_review(current):
        confirmed, denied = claim_counts(session, current.id)
        new = contribution_of(
            current, supplier_id=current.supplier_id, confirmed=confirmed, denied=denied
        )
    _fold(session, review.id, entry, new, params or current_parameters())


def forget_review(session: Session, review_id: int, params: Parameters | None = None) -> None:
    """Subtract a review that is about to be deleted outright (e.g. an erasure)."""
    lock_review(session, review_id)
    entry = _locked_entry(session, review_id)
    _fold(session, review_id, entry, None, params or current_parameters())


def _locked_entry(session: Session, review_id: int) -> ReputationEntry | None:
    # Only a holder of the review's lock reads or writes its entry, so "no entry yet,
    # insert one" in _write_entry cannot race another insert of the same entry.
    return session.get(ReputationEntry, review_id, with_for_update=True, populate_existing=True)


def _fold(
    session: Session,
    review_id: int,
    entry: ReputationEntry | None,
    new: Contribution | None,
    params: Parameters,
) -> None:
    old = _of_entry(entry) if entry is not None else None
    if old == new:
        return
    same_place = old is not None and new is not None and old.supplier_id == new.supplier_id
    # The stats row is each supplier's lock for its aggregates: taken first, in id order
    # (a merge touches two suppliers), so the sums and month rows below never deadlock.
    parts = [part for part in (old, new) if part is not None]
    stats = {sid: stats_row(session, sid) for sid in sorted({p.supplier_id for p in parts})}
    rows: dict[int, dict[str, ReputationSums]] = {}
    for index, dimension in enumerate(DIMENSIONS):
        before = old.ratings[index] if old else None
        after = new.ratings[index] if new else None
        if same_place and before == after and old.day == new.day:  # type: ignore[union-attr]
            continue  # unchanged: no subtract-then-add rounding residue
        if old is not None and before is not None:
            row = _sums_row(session, rows, old.supplier_id, dimension, old.day)
            state = sums_state(row).add(before, old.day, params.half_life_days, -1)
            store_sums(row, state, session)
        if new is not None and after is not None:
            row = _sums_row(session, rows, new.supplier_id, dimension, new.day)
            store_sums(row, sums_state(row).add(after, new.day, params.half_life_days, 1), session)
    if old is not None:
        _add_counts(session, stats[old.supplier_id], old, -1)
    if new is not None:
        _add_counts(session, stats[new.supplier_id], new, 1)
    _write_entry(session, review_id, entry, new)
    for locked in stats.values():
        store_rank(session, locked, params)


def store_rank(session: Session, stats: ReputationStats, params: Parameters) -> None:
    """Refresh one supplier's league key (vrm.reputation.ranks); STATS is its locked row."""
    session.flush()  # the sums read below may still be pending
    sector = session.scalar(select(Supplier.sector).where(Supplier.id == stats.supplier_id))
    sums = session.get(ReputationSums, (stats.supplier_id, "overall"))
    rates = tallies.sector_rates(session, [sector] if sector else [])
    stats.rank_key = league_key(sums, rates.get((sector or "", "overall"), UNIFORM), params)
    stats.ranked_day = today()


def today() -> float:
    return float(day_number(now().timestamp()))


def league_key(
    sums: ReputationSums | None, rates: Sequence[float], params: Parameters
) -> float | None:
    """What league tables sort by, as of today (None: too few reviews to be ranked)."""
    if sums is None:
        return None
    state = sums_state(sums)
    evidence = state.evidence(today(), params.half_life_days)
    return dirichlet_score(evidence, state.count, rates, params).rank_key


def _sums_row(
    session: Session,
    rows: dict[int, dict[str, ReputationSums]],
    supplier_id: int,
    dimension: str,
    day: float,
) -> ReputationSums:
    """The supplier's sums row for a dimension; all of its rows are locked and read at once.

    Read-modify-write under a lock (not SQL arithmetic): decayed sums are rebased to a new
    epoch in Python (scoring.DecayedCounts), which one UPDATE cannot express portably.
    """
    if supplier_id not in rows:
        query = select(ReputationSums).where(ReputationSums.supplier_id == supplier_id)
        found = session.scalars(query.with_for_update().execution_options(populate_existing=True))
        rows[supplier_id] = {row.dimension: row for row in found}
    row = rows[supplier_id].get(dimension)
    if row is None:
        empty = sums_values(DecayedCounts.empty(day))
        insert_missing(
            session,
            ReputationSums,
            [{"supplier_id": supplier_id, "dimension": dimension, **empty}],
        )
        row = session.get(
            ReputationSums, (supplier_id, dimension), with_for_update=True, populate_existing=True
        )
        assert row is not None, "inserted, or found inserted by another transaction"
        rows[supplier_id][dimension] = row
    return row


def sums_state(row: ReputationSums) -> DecayedCounts:
    return DecayedCounts(
        epoch=row.epoch_day,
        sums=(row.s1, row.s2, row.s3, row.s4, row.s5),
        counts=(row.n1, row.n2, row.n3, row.n4, row.n5),
    )


def sums_values(state: DecayedCounts) -> dict[str, float]:
    """The columns of a ReputationSums row holding STATE."""
    values = {"epoch_day": state.epoch}
    values.update({f"s{i + 1}": s for i, s in enumerate(state.sums)})
    values.update({f"n{i + 1}": n for i, n in enumerate(state.counts)})
    return values


def store_sums(row: ReputationSums, state: DecayedCounts, session: Session | None = None) -> None:
    """Write STATE into ROW; with a SESSION, the sector's tallies follow the counts."""
    if session is not None:
        before = (row.n1, row.n2, row.n3, row.n4, row.n5)
        deltas = [after - (was or 0) for after, was in zip(state.counts, before, strict=True)]
        tallies.add_to_sector(session, row.supplier_id, row.dimension, deltas)
    for key, value in sums_values(state).items():
        setattr(row, key, value)


def stats_row(session: Session, supplier_id: int) -> ReputationStats:
    """The supplier's stats row, locked; created first if missing, by an upsert so two
    first reviews of a supplier cannot both insert it (the loser waits, then finds it)."""
    session.flush()  # populate_existing must not overwrite changes still pending
    row = session.get(ReputationStats, supplier_id, with_for_update=True, populate_existing=True)
    if row is None:
        kept, broken = terms_kept_counts(session, supplier_id)
        values = dict.fromkeys(STAT_COUNTERS, 0)
        values.update(terms_kept=kept, terms_broken=broken)
        insert_missing(
            session,
            ReputationStats,
            [{"supplier_id": supplier_id, "supplier_public": True, **values}],
        )
        row = session.get(
            ReputationStats, supplier_id, with_for_update=True, populate_existing=True
        )
        assert row is not None, "inserted, or found inserted by another transaction"
    return row


STAT_COUNTERS = (
    "review_count",
    "answered_count",
    "resolved_count",
    "not_resolved_count",
    "claims_confirmed",
    "claims_denied",
)


def _add_counts(session: Session, stats: ReputationStats, part: Contribution, sign: int) -> None:
    # The stats row is locked already (it is the supplier's lock), so plain arithmetic.
    stats.review_count += sign
    stats.answered_count += sign * (part.response_seconds is not None)
    stats.resolved_count += sign * (part.resolution == "resolved")
    stats.not_resolved_count += sign * (part.resolution == "not_resolved")
    stats.claims_confirmed += sign * part.claims_confirmed
    stats.claims_denied += sign * part.claims_denied
    if part.response_seconds is not None:
        tallies.add_response(session, part.supplier_id, part.response_seconds, sign)
    # A month row is a pair of plain counters: one INSERT … ON CONFLICT DO UPDATE SET
    # n = n + excluded.n creates or adds in a single statement, with nothing to read.
    add_to_counters(
        session,
        ReputationMonth,
        {"supplier_id": part.supplier_id, "month": part.month},
        {
            "review_count": sign,
            "rating_sum": sign * (part.ratings[0] or 0),
            **({f"n{part.ratings[0]}": sign} if part.ratings[0] else {}),
        },
    )


def _write_entry(
    session: Session, review_id: int, entry: ReputationEntry | None, new: Contribution | None
) -> None:
    if new is None:
        if entry is not None:
            session.delete(entry)
        return
    if entry is None:
        entry = ReputationEntry(review_id=review_id)
        session.add(entry)
    for key, value in entry_values(new).items():
        setattr(entry, key, value)


def entry_values(part: Contribution) -> dict[str, object]:
    values: dict[str, object] = {
        "supplier_id": part.supplier_id,
        "day": part.day,
        "month": part.month,
        "response_seconds": part.response_seconds,
        "resolution": part.resolution,
        "claims_confirmed": part.claims_confirmed,
        "claims_denied": part.claims_denied,
        "rating": part.ratings[0],
    }
    values.update({f"rating_{a}": r for a, r in zip(ASPECTS, part.ratings[1:], strict=True)})
    return values


def refresh_terms(session: Session, supplier_id: int) -> None:
    """Re-read the kept/broken report counts of one supplier (one indexed count)."""
    stats = stats_row(session, supplier_id)
    stats.terms_kept, stats.terms_broken = terms_kept_counts(session, supplier_id)
