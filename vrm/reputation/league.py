"""Sector league tables: public suppliers ranked by the lower end of their score's band,
so a few glowing reviews cannot outrank many good ones. Suppliers below the minimum number
of reviews are counted but not ranked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVarTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from vrm.clock import now as clock_now
from vrm.errors import DomainError, NotFound
from vrm.pagination import Page, whole_number
from vrm.reputation.models import ReputationStats, ReputationSums
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
    """One page of the ranked table: the order is the rank key stored on write
    (vrm.reputation.ranks), read through its index; only the page's rows are scored."""
    params = params or current_parameters()
    areas = area_ids(session, filters.area) if filters.area else None
    # One pass counts both (count(rank_key) skips the unranked), walking the suppliers:
    # an EXISTS per stats row would cost twice as much here.
    counted = select(func.count(ReputationStats.rank_key), func.count()).join_from(
        Supplier, ReputationStats, ReputationStats.supplier_id == Supplier.id
    )
    total, admitted_count = session.execute(_admit(counted, filters, areas)).one()
    unranked = admitted_count - total
    ranked = _ranked(filters, areas)
    start = (filters.page - 1) * per_page
    if filters.page > 1 and start >= total:
        raise NotFound(f"There is no page {filters.page} of this table.")
    name = select(Supplier.name).where(Supplier.id == ReputationStats.supplier_id)
    ids = list(
        session.scalars(
            ranked.order_by(
                ReputationStats.rank_key.desc(),
                ReputationStats.review_count.desc(),
                name.scalar_subquery(),  # ties only: sorted within a run of equal keys
            )
            .offset(start)
            .limit(per_page)
        )
    )
    overall = (ReputationSums.supplier_id == Supplier.id) & (ReputationSums.dimension == "overall")
    found = {
        supplier.id: (supplier, sums)
        for supplier, sums in session.execute(
            select(Supplier, ReputationSums)
            .outerjoin(ReputationSums, overall)
            .where(Supplier.id.in_(ids))
        )
    }
    sectors = {supplier.sector for supplier, _ in found.values()}
    rates = sector_base_rates(session, sorted(sectors))
    today = day_number(clock_now().timestamp())
    items = []
    for offset, supplier_id in enumerate(ids):
        supplier, sums = found[supplier_id]
        score = score_of(sums, rates.get((supplier.sector, "overall"), UNIFORM), params, today)
        items.append(LeagueRow(rank=start + offset + 1, supplier=supplier, score=score))
    return LeaguePage(
        items=items, page=filters.page, per_page=per_page, total=total, unranked=unranked
    )


Row = TypeVarTuple("Row")


def _admit(query: Select[*Row], filters: LeagueFilters, areas: set[int] | None) -> Select[*Row]:
    """QUERY (over Supplier and ReputationStats) kept to the public suppliers with
    reviews that FILTERS admit."""
    query = query.where(ReputationStats.review_count > 0, Supplier.is_public)
    if filters.kind:
        query = query.where(Supplier.kind == filters.kind)
    if filters.sector:
        query = query.where(Supplier.sector == filters.sector)
    if areas is not None:
        query = query.where(Supplier.area_id.in_(areas))
    return query


def _ranked(filters: LeagueFilters, areas: set[int] | None) -> Select[int]:
    """Ids of the ranked suppliers FILTERS admit, read from the stats and each checked
    against its supplier (EXISTS), so that a page walks the rank-key index and stops
    after its rows: joined from the supplier side, SQLite read and sorted every
    supplier for each page."""
    listed = _admit(select(Supplier.id), filters, areas).where(
        Supplier.id == ReputationStats.supplier_id
    )
    return select(ReputationStats.supplier_id).where(
        ReputationStats.rank_key.is_not(None), listed.exists()
    )


def area_choices(session: Session) -> list[Area]:
    """Nations and regions, for the filter."""
    return list(
        session.scalars(select(Area).where(Area.kind.in_(("nation", "region"))).order_by(Area.name))
    )
