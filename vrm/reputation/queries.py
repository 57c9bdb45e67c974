"""Read side: turn the stored aggregates into scores for a supplier page, the API and the
league tables. Scores are computed at read time from the sums (decay depends on "now"),
which costs O(1) per supplier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.clock import now as clock_now
from vrm.reputation import charts, tallies
from vrm.reputation.models import (
    DIMENSIONS,
    ReputationMonth,
    ReputationStats,
    ReputationSums,
)
from vrm.reputation.scoring import (
    UNIFORM,
    Parameters,
    Rate,
    Responsiveness,
    Score,
    day_number,
    dirichlet_score,
    promises_kept,
    responsiveness,
    terms_kept,
)
from vrm.reputation.service import current_parameters, sums_state
from vrm.reviews.models import ASPECT_LABELS
from vrm.suppliers.models import Supplier

TREND_MONTHS = 24
LEVEL_COLUMNS = ("n1", "n2", "n3", "n4", "n5")


@dataclass(frozen=True)
class MonthPoint:
    month: dt.date
    count: int
    mean: float | None  # the average rating of reviews posted that month


@dataclass(frozen=True)
class SupplierReputation:
    overall: Score
    aspects: dict[str, Score]
    level_counts: tuple[int, ...]
    responsiveness: Responsiveness
    promises: Rate
    terms: Rate
    months: list[MonthPoint]
    params: Parameters


def sector_base_rates(
    session: Session, sectors: Sequence[str] | None = None
) -> dict[tuple[str, str], tuple[float, ...]]:
    """(sector, dimension) -> a_i, from the sector tallies kept on write."""
    return tallies.sector_rates(session, sectors)


def score_of(
    row: ReputationSums | None, rates: Sequence[float], params: Parameters, today: float
) -> Score:
    if row is None:
        return dirichlet_score((0.0,) * 5, 0, rates, params)
    state = sums_state(row)
    return dirichlet_score(state.evidence(today, params.half_life_days), state.count, rates, params)


def supplier_reputation(
    session: Session,
    supplier: Supplier,
    *,
    at: dt.datetime | None = None,
    params: Parameters | None = None,
) -> SupplierReputation:
    """Every figure for one supplier, computed from its stored aggregates."""
    params = params or current_parameters()
    moment = at or clock_now()
    today = day_number(moment.timestamp())
    rows = {
        r.dimension: r
        for r in session.scalars(
            select(ReputationSums).where(ReputationSums.supplier_id == supplier.id)
        )
    }
    rates = sector_base_rates(session, [supplier.sector])
    scores = {
        d: score_of(rows.get(d), rates.get((supplier.sector, d), UNIFORM), params, today)
        for d in DIMENSIONS
    }
    overall = rows.get("overall")
    stats = session.get(ReputationStats, supplier.id) or ReputationStats(
        review_count=0, answered_count=0, resolved_count=0, not_resolved_count=0,
        claims_confirmed=0, claims_denied=0, terms_kept=0, terms_broken=0,
    )  # fmt: skip
    return SupplierReputation(
        overall=scores["overall"],
        aspects={d: scores[d] for d in DIMENSIONS[1:]},
        level_counts=sums_state(overall).counts if overall else (0,) * 5,
        responsiveness=responsiveness(
            stats.review_count,
            stats.answered_count,
            stats.resolved_count,
            median_response_seconds(session, supplier.id, stats.answered_count),
        ),
        promises=promises_kept(stats.claims_confirmed, stats.claims_denied),
        terms=terms_kept(stats.terms_kept, stats.terms_broken),
        months=monthly_series(session, supplier.id, moment.date()),
        params=params,
    )


def median_response_seconds(session: Session, supplier_id: int, answered: int) -> float | None:
    """The median time to a first answer, from the supplier's delay histogram."""
    return tallies.median_response_seconds(session, supplier_id) if answered > 0 else None


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of the month ``back`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def monthly_series(
    session: Session, supplier_id: int, today: dt.date, months: int = TREND_MONTHS
) -> list[MonthPoint]:
    """The last ``months`` calendar months, oldest first, empty months included."""
    first = month_start(today, months - 1)
    stored = {
        row.month: row
        for row in session.scalars(
            select(ReputationMonth).where(
                ReputationMonth.supplier_id == supplier_id, ReputationMonth.month >= first
            )
        )
    }
    points = []
    for back in range(months - 1, -1, -1):
        month = month_start(today, back)
        row = stored.get(month)
        count = row.review_count if row else 0
        mean = row.rating_sum / count if row and count else None
        points.append(MonthPoint(month=month, count=count, mean=mean))
    return points


def supplier_reputation_context(
    session: Session, supplier: Supplier, marks: Sequence[tuple[dt.date, str]] = ()
) -> dict[str, Any]:
    """Context for templates/reputation/_supplier_reputation.html; MARKS (a day and
    words each, e.g. detected shifts) are drawn on the trend chart."""
    rep = supplier_reputation(session, supplier)
    return {
        "reputation": rep,
        "reputation_aspect_labels": ASPECT_LABELS,
        "distribution_chart": charts.distribution_chart(rep.level_counts),
        "trend_chart": charts.trend_chart(
            [(p.month, p.count, p.mean) for p in rep.months], marks=marks
        ),
    }


def reputation_document(rep: SupplierReputation) -> dict[str, Any]:
    """The JSON shape of a supplier's reputation (API and open data)."""
    return {
        "overall": score_document(rep.overall),
        "distribution": dict(zip(("1", "2", "3", "4", "5"), rep.level_counts, strict=True)),
        "aspects": {name: score_document(score) for name, score in rep.aspects.items()},
        "responsiveness": {
            "reviews": rep.responsiveness.reviews,
            "share_answered": rep.responsiveness.answered.value,
            "median_days_to_first_answer": rep.responsiveness.median_response_days,
            "share_resolved": rep.responsiveness.resolved.value,
        },
        "promises_kept": {"rate": rep.promises.value, "count": rep.promises.count},
        "terms_kept": {"rate": rep.terms.value, "count": rep.terms.count},
        "monthly": [
            {"month": p.month.strftime("%Y-%m"), "reviews": p.count, "mean_rating": p.mean}
            for p in rep.months
        ],
        "parameters": parameters_document(rep.params),
    }


def score_document(score: Score) -> dict[str, Any]:
    return {
        "score": score.value,
        "low": score.low if score.enough else None,
        "high": score.high if score.enough else None,
        "count": score.count,
        "enough_reviews": score.enough,
        "probabilities": list(score.probabilities),
    }


def parameters_document(params: Parameters) -> Mapping[str, Any]:
    return {
        "half_life_days": params.half_life_days,
        "prior_weight": params.prior_weight,
        "min_count": params.min_count,
        "credible_level": params.credible_level,
        "z": params.z,
        "base_rate_smoothing": params.base_rate_smoothing,
    }


def overall_score(session: Session, supplier: Supplier) -> Score:
    """One supplier's overall score alone (the badge): two indexed reads."""
    row = session.get(ReputationSums, (supplier.id, "overall"))
    rates = sector_base_rates(session, [supplier.sector]).get((supplier.sector, "overall"))
    today = day_number(clock_now().timestamp())
    return score_of(row, rates or UNIFORM, current_parameters(), today)


def sort_score(session: Session, supplier_id: int) -> float | None:
    """The league-table key of one supplier (its band's lower end), or None below the
    minimum count. Search sorts by it."""
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        return None
    return sort_scores(session, {supplier_id: supplier.sector}).get(supplier_id)


def sort_scores(session: Session, sectors: Mapping[int, str]) -> dict[int, float | None]:
    """sort_score of many suppliers (id -> its sector) in two queries: a search rebuild
    asks for thousands. Suppliers with no stored sums are left out."""
    if not sectors:
        return {}
    rows = session.scalars(
        select(ReputationSums).where(
            ReputationSums.supplier_id.in_(list(sectors)), ReputationSums.dimension == "overall"
        )
    ).all()
    params = current_parameters()
    rates = sector_base_rates(session, sorted(set(sectors.values())))
    today = day_number(clock_now().timestamp())
    return {
        row.supplier_id: score_of(
            row, rates.get((sectors[row.supplier_id], "overall")) or UNIFORM, params, today
        ).rank_key
        for row in rows
    }
