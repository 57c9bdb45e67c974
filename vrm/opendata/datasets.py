"""The datasets: what each holds (a Table Schema) and its rows, read from stored
aggregates with one query per kind, however many suppliers (never a review, a member
or any text a member wrote).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.clock import now
from vrm.opendata.formats import rounded
from vrm.opendata.series import MonthCounts, month_ends
from vrm.reputation.models import (
    DIMENSIONS,
    ReputationMonth,
    ReputationStats,
    ReputationSums,
    ResponseBucket,
)
from vrm.reputation.queries import score_of, sector_base_rates
from vrm.reputation.scoring import UNIFORM, Parameters, Score, day_number
from vrm.reputation.service import current_parameters
from vrm.reputation.tallies import median_from_buckets
from vrm.suppliers.models import Area, Supplier
from vrm.terms.queries import proffer_counts

Field = tuple[str, str, str]  # name, Table Schema type, description
Row = dict[str, Any]


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    rows: Callable[[Session], list[Row]]

    def schema(self) -> dict[str, Any]:
        return {
            "fields": [
                {"name": name, "type": kind, "description": text}
                for name, kind, text in self.fields
            ],
            "primaryKey": list(self.primary_key),
            "missingValues": [""],
        }

    @property
    def columns(self) -> list[str]:
        return [name for name, _, _ in self.fields]


SLUG: Field = ("slug", "string", "The supplier's address on Parley: /s/<slug>")
SCORE_FIELDS: tuple[Field, ...] = (
    ("score", "number", "Expected rating, 1 to 5; empty below the minimum number of reviews"),
    ("band_low", "number", "Lower end of the credible band (empty when not enough reviews)"),
    ("band_high", "number", "Upper end of the credible band (empty when not enough reviews)"),
    ("enough_reviews", "boolean", "Whether there were enough reviews for a score"),
)


def _score_values(score: Score | None) -> Row:
    enough = score is not None and score.enough
    return {
        "score": rounded(score.mean) if enough and score else None,
        "band_low": rounded(score.low) if enough and score else None,
        "band_high": rounded(score.high) if enough and score else None,
        "enough_reviews": enough,
    }


def _public_slugs(session: Session) -> dict[int, tuple[str, str]]:
    """id -> (slug, sector) of every public supplier: one query."""
    rows = session.execute(
        select(Supplier.id, Supplier.slug, Supplier.sector).where(Supplier.is_public)
    )
    return {id_: (slug, sector) for id_, slug, sector in rows}


def _today() -> float:
    return day_number(now().timestamp())


# ---- suppliers ----


def supplier_rows(session: Session) -> list[Row]:
    params, today = current_parameters(), _today()
    rates = sector_base_rates(session)
    query = (
        select(Supplier, Area.code, Area.name, ReputationSums)
        .outerjoin(Area, Area.id == Supplier.area_id)
        .outerjoin(
            ReputationSums,
            (ReputationSums.supplier_id == Supplier.id) & (ReputationSums.dimension == "overall"),
        )
        .where(Supplier.is_public)
        .order_by(Supplier.slug)
    )
    found = []
    for supplier, area_code, area_name, sums in session.execute(query):
        rate = rates.get((supplier.sector, "overall"), UNIFORM)
        score = score_of(sums, rate, params, today) if sums is not None else None
        found.append(
            {
                "slug": supplier.slug,
                "name": supplier.name,
                "kind": supplier.kind,
                "sector": supplier.sector,
                "area_code": area_code,
                "area_name": area_name,
                "register_key": supplier.register_key,
                "website_domain": supplier.website_domain,
                "ended_on": supplier.ended_on.isoformat() if supplier.ended_on else None,
                "reviews": score.count if score else 0,
                **_score_values(score),
            }
        )
    return found


SUPPLIERS = Dataset(
    name="suppliers",
    title="Suppliers and public services",
    description="Every public supplier and public service on Parley, with or without "
    "reviews, with its current overall score.",
    fields=(
        SLUG,
        ("name", "string", "Name"),
        ("kind", "string", "business or public_service"),
        ("sector", "string", "Sector code"),
        ("area_code", "string", "Area it serves (GSS code where one exists)"),
        ("area_name", "string", "Name of that area"),
        ("register_key", "string", "Key in the register it was imported from, e.g. la:ADU"),
        ("website_domain", "string", "Its website's domain"),
        ("ended_on", "date", "When it ceased to exist, if it did"),
        ("reviews", "integer", "Public reviews counted"),
        *SCORE_FIELDS,
    ),
    primary_key=("slug",),
    rows=supplier_rows,
)


# ---- monthly ----


def monthly_rows(session: Session, params: Parameters | None = None) -> list[Row]:
    params = params or current_parameters()
    public = _public_slugs(session)
    rates = sector_base_rates(session)
    by_supplier: dict[int, list[MonthCounts]] = defaultdict(list)
    for row in session.scalars(select(ReputationMonth).order_by(ReputationMonth.month)):
        if row.supplier_id in public:
            levels = (row.n1, row.n2, row.n3, row.n4, row.n5)
            by_supplier[row.supplier_id].append(
                MonthCounts(row.month, row.review_count, row.rating_sum, levels)
            )
    today = now().date()
    found = []
    for supplier_id, months in sorted(by_supplier.items(), key=lambda kv: public[kv[0]][0]):
        slug, sector = public[supplier_id]
        for end in month_ends(months, today, rates.get((sector, "overall"), UNIFORM), params):
            found.append(
                {
                    "slug": slug,
                    "month": end.month.strftime("%Y-%m"),
                    "reviews": end.reviews,
                    "average_rating": rounded(end.average_rating),
                    "reviews_to_date": end.total_reviews,
                    **_score_values(end.score),
                }
            )
    return found


MONTHLY = Dataset(
    name="monthly",
    title="Monthly series per supplier",
    description="Per supplier and calendar month since its first review: reviews posted, "
    "their average rating, and the score and band at the month's end (reviews public "
    "today, each taken at the middle of its month; see /methodology).",
    fields=(
        SLUG,
        ("month", "yearmonth", "Calendar month, YYYY-MM"),
        ("reviews", "integer", "Reviews posted that month"),
        ("average_rating", "number", "Average rating of that month's reviews"),
        ("reviews_to_date", "integer", "Reviews counted at the month's end"),
        *SCORE_FIELDS,
    ),
    primary_key=("slug", "month"),
    rows=monthly_rows,
)


# ---- aspects ----


def aspect_rows(session: Session) -> list[Row]:
    params, today = current_parameters(), _today()
    public = _public_slugs(session)
    rates = sector_base_rates(session)
    query = (
        select(ReputationSums)
        .where(ReputationSums.dimension.in_(DIMENSIONS[1:]))
        .order_by(ReputationSums.supplier_id, ReputationSums.dimension)
    )
    found = []
    for sums in session.scalars(query):
        if sums.supplier_id not in public:
            continue
        slug, sector = public[sums.supplier_id]
        score = score_of(sums, rates.get((sector, sums.dimension), UNIFORM), params, today)
        found.append(
            {"slug": slug, "aspect": sums.dimension, "reviews": score.count,
             **_score_values(score)}
        )  # fmt: skip
    found.sort(key=lambda row: (row["slug"], row["aspect"]))
    return found


ASPECTS = Dataset(
    name="aspects",
    title="Scores by aspect",
    description="Per supplier and aspect (ease, resolution, fairness, respect): how many "
    "reviews rated it and the score.",
    fields=(
        SLUG,
        ("aspect", "string", "ease, resolution, fairness or respect"),
        ("reviews", "integer", "Reviews that rated this aspect"),
        *SCORE_FIELDS,
    ),
    primary_key=("slug", "aspect"),
    rows=aspect_rows,
)


# ---- responsiveness ----


def responsiveness_rows(session: Session) -> list[Row]:
    public = _public_slugs(session)
    buckets: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for supplier_id, bucket, count in session.execute(
        select(ResponseBucket.supplier_id, ResponseBucket.bucket, ResponseBucket.count)
    ):
        buckets[supplier_id].append((bucket, count))
    found = []
    for stats in session.scalars(select(ReputationStats)):
        if stats.supplier_id not in public or stats.review_count == 0:
            continue
        median = median_from_buckets(buckets.get(stats.supplier_id, []))
        reviews = stats.review_count
        checked = stats.claims_confirmed + stats.claims_denied
        found.append(
            {
                "slug": public[stats.supplier_id][0],
                "reviews": reviews,
                "answered": stats.answered_count,
                "share_answered": rounded(stats.answered_count / reviews),
                "median_days_to_first_answer": rounded(None if median is None else median / 86400),
                "resolved": stats.resolved_count,
                "not_resolved": stats.not_resolved_count,
                "share_resolved": rounded(stats.resolved_count / reviews),
                "changes_confirmed": stats.claims_confirmed,
                "changes_denied": stats.claims_denied,
                "promises_kept": rounded(stats.claims_confirmed / checked) if checked else None,
            }
        )
    found.sort(key=lambda row: str(row["slug"]))  # each slug is a str already
    return found


RESPONSIVENESS = Dataset(
    name="responsiveness",
    title="Answers, resolutions and promises",
    description="Per supplier with reviews: how many were answered and how fast (median, "
    "estimated from delay bands within about 9%), how many marked resolved, and how many "
    "changes it claimed were confirmed or denied by the reviewer.",
    fields=(
        SLUG,
        ("reviews", "integer", "Public reviews"),
        ("answered", "integer", "Reviews the supplier answered"),
        ("share_answered", "number", "answered / reviews"),
        ("median_days_to_first_answer", "number", "Median days to the first answer"),
        ("resolved", "integer", "Reviews their authors marked resolved"),
        ("not_resolved", "integer", "Reviews their authors marked not resolved"),
        ("share_resolved", "number", "resolved / reviews"),
        ("changes_confirmed", "integer", "Claimed changes the reviewer confirmed"),
        ("changes_denied", "integer", "Claimed changes the reviewer denied"),
        ("promises_kept", "number", "confirmed / (confirmed + denied)"),
    ),
    primary_key=("slug",),
    rows=responsiveness_rows,
)


# ---- terms ----


def terms_rows(session: Session) -> list[Row]:
    public = _public_slugs(session)
    kept = {
        stats.supplier_id: (stats.terms_kept, stats.terms_broken)
        for stats in session.scalars(select(ReputationStats))
    }
    found = []
    for supplier_id, counts in proffer_counts(session).items():
        if supplier_id not in public:
            continue
        good, bad = kept.get(supplier_id, (0, 0))
        found.append(
            {
                "slug": public[supplier_id][0],
                "accepted": counts["accepted"],
                "declined": counts["declined"],
                "waiting": counts["pending"],
                "clauses_accepted_for_everyone": counts["standing"],
                "reports_kept": good,
                "reports_broken": bad,
            }
        )
    found.sort(key=lambda row: str(row["slug"]))  # each slug is a str already
    return found


TERMS = Dataset(
    name="terms",
    title="Members' terms: tallies",
    description="Per supplier that members have offered their terms to: how many it "
    "accepted, declined or has yet to answer, the clauses it accepts for everyone, and "
    "members' reports of terms kept or broken. Counts only.",
    fields=(
        SLUG,
        ("accepted", "integer", "Members' terms accepted"),
        ("declined", "integer", "Members' terms declined"),
        ("waiting", "integer", "Members' terms not yet answered"),
        ("clauses_accepted_for_everyone", "integer", "Clauses accepted for every member"),
        ("reports_kept", "integer", "Members' standing reports: terms kept"),
        ("reports_broken", "integer", "Members' standing reports: terms broken"),
    ),
    primary_key=("slug",),
    rows=terms_rows,
)


DATASETS = {d.name: d for d in (SUPPLIERS, MONTHLY, ASPECTS, RESPONSIVENESS, TERMS)}
