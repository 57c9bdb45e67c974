"""Sector league tables: public suppliers ranked by the lower end of their score's band,
so a few glowing reviews cannot outrank many good ones. Suppliers below the minimum number
of reviews are counted but not ranked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.clock import now as clock_now
from vrm.errors import DomainError, NotFound
from vrm.pagination import Page, whole_number
from vrm.reputation.models import ReputationSums
from vrm.reputation.queries import score_of, sector_base_rates
from vrm.reputation.scoring import UNIFORM, Parameters, Score, day_number
from vrm.reputation.service import current_parameters
from vrm.suppliers.models import Area, Supplier
from vrm.suppliers.sectors import KINDS, SECTORS

PER_PAGE = 25
MAX_PAGE = 10_000


@dataclass(frozen=True)
class LeagueFilters:
    kind: str | None = None
    sector: str | None = None
    area: str | None = None  # an Area code
    page: int = 1

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> LeagueFilters:
        """Read the query string; a bad value raises DomainError naming the field."""
        kind = args.get("kind") or None
        sector = args.get("sector") or None
        area = (args.get("area") or "").strip() or None
        if kind is not None and kind not in KINDS:
            raise DomainError("Choose business or public service.", field="kind")
        if sector is not None and sector not in SECTORS:
            raise DomainError("There is no such sector; choose one from the list.", field="sector")
        page = whole_number(args.get("page"), 1, MAX_PAGE)
        if page is None:
            raise DomainError("The page must be a whole number from 1.", field="page")
        return cls(kind=kind, sector=sector, area=area, page=page)

    def url_args(self) -> dict[str, str]:
        found = {"kind": self.kind, "sector": self.sector, "area": self.area}
        return {key: value for key, value in found.items() if value}


@dataclass(frozen=True)
class LeagueRow:
    rank: int
    supplier: Supplier
    score: Score


@dataclass(frozen=True)
class LeaguePage(Page):
    items: list[LeagueRow]
    unranked: int


def area_ids(session: Session, code: str) -> set[int]:
    """The area with this code and every area inside it."""
    root = session.scalar(select(Area.id).where(Area.code == code))
    if root is None:
        raise DomainError("There is no such area; choose one from the list.", field="area")
    children: dict[int | None, list[int]] = {}
    for area_id, parent_id in session.execute(select(Area.id, Area.parent_id)):
        children.setdefault(parent_id, []).append(area_id)
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def scored_suppliers(
    session: Session, filters: LeagueFilters, *, params: Parameters | None = None
) -> list[tuple[Supplier, Score]]:
    """Every public supplier with reviews that FILTERS admit, with its overall score."""
    params = params or current_parameters()
    today = day_number(clock_now().timestamp())
    query = (
        select(Supplier, ReputationSums)
        .join(ReputationSums, ReputationSums.supplier_id == Supplier.id)
        .where(ReputationSums.dimension == "overall", Supplier.is_public)
    )
    if filters.kind:
        query = query.where(Supplier.kind == filters.kind)
    if filters.sector:
        query = query.where(Supplier.sector == filters.sector)
    if filters.area:
        query = query.where(Supplier.area_id.in_(area_ids(session, filters.area)))
    rates = sector_base_rates(session, [filters.sector] if filters.sector else None)
    return [
        (supplier, score_of(sums, rates.get((supplier.sector, "overall"), UNIFORM), params, today))
        for supplier, sums in session.execute(query)
    ]


def league(
    session: Session,
    filters: LeagueFilters,
    *,
    per_page: int = PER_PAGE,
    params: Parameters | None = None,
) -> LeaguePage:
    """One page of the ranked table. Scores are computed per supplier from its sums."""
    ranked, unranked = [], 0
    for supplier, score in scored_suppliers(session, filters, params=params):
        if score.rank_key is None:
            unranked += 1
        else:
            ranked.append((supplier, score))
    ranked.sort(key=lambda pair: (-(pair[1].rank_key or 0.0), -pair[1].count, pair[0].name))
    start = (filters.page - 1) * per_page
    if filters.page > 1 and start >= len(ranked):
        raise NotFound(f"There is no page {filters.page} of this table.")
    items = [
        LeagueRow(rank=start + offset + 1, supplier=supplier, score=score)
        for offset, (supplier, score) in enumerate(ranked[start : start + per_page])
    ]
    return LeaguePage(
        items=items, page=filters.page, per_page=per_page, total=len(ranked), unranked=unranked
    )


def area_choices(session: Session) -> list[Area]:
    """Nations and regions, for the filter."""
    return list(
        session.scalars(select(Area).where(Area.kind.in_(("nation", "region"))).order_by(Area.name))
    )
