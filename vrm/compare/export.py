"""A comparison as JSON (everything, months included) and CSV (one row per supplier).

Aggregates only; booleans as true/false in both; the licence travels with the data.
"""

from __future__ import annotations

from typing import Any

from vrm.compare.service import Compared, Comparison
from vrm.opendata.formats import LICENCE, csv_text
from vrm.opendata.formats import rounded as _rounded
from vrm.reputation.queries import reputation_document

ASPECTS = ("ease", "resolution", "fairness", "respect")
COLUMNS = (
    "slug", "name", "kind", "sector", "reviews", "score", "band_low", "band_high",
    "enough_reviews", "stars_1", "stars_2", "stars_3", "stars_4", "stars_5",
    *(f"{aspect}_score" for aspect in ASPECTS),
    "share_answered", "median_days_to_first_answer", "share_resolved",
    "promises_kept", "promises_checked", "terms_kept", "terms_reports",
    "terms_accepted", "terms_declined", "terms_waiting", "clauses_accepted_for_everyone",
)  # fmt: skip


def as_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "licence": LICENCE,
        "months": [m.strftime("%Y-%m") for m in comparison.months],
        "suppliers": [
            {
                "slug": c.supplier.slug,
                "name": c.supplier.name,
                "kind": c.supplier.kind,
                "sector": c.supplier.sector,
                "reputation": reputation_document(c.reputation),
                "terms_accepted": c.terms,
            }
            for c in comparison.items
        ],
    }


def row(item: Compared) -> dict[str, Any]:
    rep, supplier = item.reputation, item.supplier
    o, r = rep.overall, rep.responsiveness
    return {
        "slug": supplier.slug,
        "name": supplier.name,
        "kind": supplier.kind,
        "sector": supplier.sector,
        "reviews": o.count,
        "score": _rounded(o.value),
        "band_low": _rounded(o.low if o.enough else None),
        "band_high": _rounded(o.high if o.enough else None),
        "enough_reviews": o.enough,
        **{f"stars_{level}": n for level, n in enumerate(rep.level_counts, start=1)},
        **{f"{a}_score": _rounded(rep.aspects[a].value) for a in ASPECTS},
        "share_answered": _rounded(r.answered.value),
        "median_days_to_first_answer": _rounded(r.median_response_days),
        "share_resolved": _rounded(r.resolved.value),
        "promises_kept": _rounded(rep.promises.value),
        "promises_checked": rep.promises.count,
        "terms_kept": _rounded(rep.terms.value),
        "terms_reports": rep.terms.count,
        "terms_accepted": item.terms["accepted"],
        "terms_declined": item.terms["declined"],
        "terms_waiting": item.terms["pending"],
        "clauses_accepted_for_everyone": item.terms["standing"],
    }


def as_csv(comparison: Comparison) -> str:
    return csv_text(COLUMNS, (row(item) for item in comparison.items))
