"""The aggregated reputation of every supplier, as open data a campaigner can take away.

Only aggregates: counts, scores and bands per supplier, never a review, a member or a
handle. The same filters as the league tables (kind, sector, area) narrow it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vrm.clock import now
from vrm.opendata.formats import LICENCE, csv_text
from vrm.opendata.formats import rounded as _rounded
from vrm.reputation.league import LeagueFilters, scored_suppliers

COLUMNS = (
    "slug",
    "name",
    "kind",
    "sector",
    "area",
    "reviews",
    "score",
    "band_low",
    "band_high",
    "ranked",
)


def rows(session: Session, filters: LeagueFilters) -> list[dict[str, Any]]:
    """One row per supplier with reviews, best lower band first, then by name."""
    found: list[dict[str, Any]] = [
        {
            "slug": supplier.slug,
            "name": supplier.name,
            "kind": supplier.kind,
            "sector": supplier.sector,
            "area": supplier.area.name if supplier.area else None,
            "reviews": score.count,
            # Below the minimum count there is no point score; the band still shows.
            "score": _rounded(score.value),
            "band_low": _rounded(score.low),
            "band_high": _rounded(score.high),
            "ranked": score.rank_key is not None,
        }
        for supplier, score in scored_suppliers(session, filters)
    ]
    found.sort(key=lambda row: (not row["ranked"], -(row["band_low"] or 0), row["name"]))
    return found


def as_json(session: Session, filters: LeagueFilters) -> dict[str, Any]:
    return {
        "generated_at": now().isoformat(),
        "licence": LICENCE,
        "columns": list(COLUMNS),
        "suppliers": rows(session, filters),
    }


def as_csv(session: Session, filters: LeagueFilters) -> str:
    return csv_text(COLUMNS, rows(session, filters))
