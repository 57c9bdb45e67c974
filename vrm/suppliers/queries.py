"""Read side of the directory: filtered, paginated lists and what a supplier page shows.

The web list and the API share ``parse_filters``, so a filter means the same everywhere.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from vrm.errors import DomainError, NotFound
from vrm.pagination import MAX_PAGE, Page, whole_number
from vrm.suppliers.models import Area, Supplier, SupplierAlias, SupplierSlugRedirect
from vrm.suppliers.sectors import KINDS, SECTORS

PER_PAGE_DEFAULT, PER_PAGE_MAX = 20, 100
QUERY_MAX = 100


class BadFilter(DomainError):
    """A list filter or page parameter that cannot be used; ``field`` names it."""

    title = "Bad Request"


@dataclasses.dataclass(frozen=True)
class SupplierFilter:
    q: str = ""
    kind: str = ""
    sector: str = ""
    area: Area | None = None
    include_ended: bool = True
    page: int = 1
    per_page: int = PER_PAGE_DEFAULT

    def args(self) -> dict[str, Any]:
        """The filter as query arguments (for links to other pages), without empties."""
        values = {"q": self.q, "kind": self.kind, "sector": self.sector}
        values["area"] = self.area.code if self.area else ""
        return {key: value for key, value in values.items() if value}


def _positive_int(args: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    number = whole_number(args.get(name), default, maximum)
    if number is None:
        raise BadFilter(f"{name} must be a whole number from 1 to {maximum}.", field=name)
    return number


def parse_filters(
    session: Session, args: Mapping[str, str], *, include_ended_default: bool = True
) -> SupplierFilter:
    """Check list parameters; raise BadFilter naming the first bad one."""
    q = (args.get("q") or "").strip()
    if len(q) > QUERY_MAX:
        raise BadFilter(f"Keep the name filter under {QUERY_MAX} characters.", field="q")
    kind = (args.get("kind") or "").strip()
    if kind and kind not in KINDS:
        raise BadFilter(f"kind must be one of: {', '.join(KINDS)}.", field="kind")
    sector = (args.get("sector") or "").strip()
    if sector and sector not in SECTORS:
        raise BadFilter("sector must be one of the codes in the sector list.", field="sector")
    area = None
    if code := (args.get("area") or "").strip():
        area = session.scalar(select(Area).where(Area.code == code))
        if area is None:
            raise BadFilter(f"There is no area with the code {code!r}.", field="area")
    ended = (args.get("ended") or "").strip().lower()
    return SupplierFilter(
        q=q,
        kind=kind,
        sector=sector,
        area=area,
        include_ended=ended in ("1", "true", "yes", "on") if ended else include_ended_default,
        page=_positive_int(args, "page", 1, MAX_PAGE),
        per_page=_positive_int(args, "per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX),
    )


def _area_ids(session: Session, area: Area) -> list[int]:
    """The area and every area under it (nation → region → local authority)."""
    ids, frontier = [area.id], [area.id]
    while frontier:
        frontier = list(session.scalars(select(Area.id).where(Area.parent_id.in_(frontier))))
        ids += frontier
    return ids


def list_suppliers(session: Session, filters: SupplierFilter) -> Page:
    conditions: list[ColumnElement[bool]] = [Supplier.is_public.expression]
    if filters.q:
        pattern = (
            "%"
            + filters.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            + "%"
        )
        conditions.append(
            or_(
                func.lower(Supplier.name).like(pattern, escape="\\"),
                exists().where(
                    SupplierAlias.supplier_id == Supplier.id,
                    func.lower(SupplierAlias.name).like(pattern, escape="\\"),
                ),
            )
        )
    if filters.kind:
        conditions.append(Supplier.kind == filters.kind)
    if filters.sector:
        conditions.append(Supplier.sector == filters.sector)
    if filters.area is not None:
        conditions.append(Supplier.area_id.in_(_area_ids(session, filters.area)))
    if not filters.include_ended:
        conditions.append(Supplier.ended_on.is_(None))
    total = session.scalar(select(func.count()).select_from(Supplier).where(*conditions)) or 0
    items = list(
        session.scalars(
            select(Supplier)
            .where(*conditions)
            .options(
                selectinload(Supplier.area).selectinload(Area.parent),
                selectinload(Supplier.aliases),
                selectinload(Supplier.parent),
                selectinload(Supplier.replaced_by),
            )
            .order_by(func.lower(Supplier.name), Supplier.id)
            .limit(filters.per_page)
            .offset((filters.page - 1) * filters.per_page)
        )
    )
    return Page(items=items, page=filters.page, per_page=filters.per_page, total=total)


def area_choices(session: Session) -> list[tuple[str, str]]:
    """Nations and regions, for the list's area filter."""
    areas = session.scalars(
        select(Area).where(Area.kind.in_(("nation", "region"))).order_by(Area.kind, Area.name)
    )
    return [(area.code, area.name) for area in areas]


def local_authority_choices(session: Session) -> list[tuple[str, str]]:
    """Current local authority areas, for the add-a-supplier form."""
    ended = exists().where(Supplier.area_id == Area.id, Supplier.ended_on.is_not(None))
    areas = session.scalars(
        select(Area).where(Area.kind == "local_authority", ~ended).order_by(Area.name)
    )
    return [(area.code, area.name) for area in areas]


def region_of(area: Area | None) -> Area | None:
    """The region (or nation) above a local authority; the area itself if it is one."""
    if area is None:
        return None
    return area.parent if area.kind == "local_authority" else area


class SupplierRemoved(DomainError):
    status = 410
    title = "This page was removed"


class SupplierMoved(DomainError):
    """The slug was the supplier's before a rename or a merge; ``slug`` is where it is now.

    Every page and API route that takes a slug answers this with a permanent redirect to
    the same route under the new slug (vrm.suppliers.views)."""

    status = 301
    title = "Moved Permanently"

    def __init__(self, slug: str) -> None:
        super().__init__(f"This supplier is now at {slug}.")
        self.slug = slug


def public_by_slug(session: Session, slug: str) -> tuple[Supplier, str | None]:
    """The public supplier for a slug, and the slug to redirect to when it has moved.

    The one lookup of a supplier by slug: old slugs (renames, merges) lead to where the
    supplier is now, through chains of merges. Raises NotFound for unknown slugs and
    SupplierRemoved (410) for removed suppliers.
    """
    supplier = session.scalar(select(Supplier).where(Supplier.slug == slug))
    if supplier is None:
        redirect = session.scalar(
            select(SupplierSlugRedirect).where(SupplierSlugRedirect.old_slug == slug)
        )
        supplier = session.get(Supplier, redirect.supplier_id) if redirect else None
    for _hop in range(10):  # merges chain; the bound guards against a corrupt loop
        if supplier is None or supplier.merged_into_id is None:
            break
        supplier = session.get(Supplier, supplier.merged_into_id)
    if supplier is None or supplier.merged_into_id is not None:
        raise NotFound("There is no supplier or public service at this address.")
    if not supplier.is_public:  # not merged (above), so removed
        raise SupplierRemoved(
            f"“{supplier.name}” was removed from Parley by a moderator: "
            f"{supplier.visibility_reason or 'no reason given'}",
            hint="Find the organisation you meant in the directory.",
        )
    return supplier, (supplier.slug if supplier.slug != slug else None)


def public_supplier(session: Session, slug: str) -> Supplier:
    """The public supplier at this slug; raises SupplierMoved for an old one (a 301)."""
    supplier, moved_to = public_by_slug(session, slug)
    if moved_to:
        raise SupplierMoved(moved_to)
    return supplier


def find_public_by_slug(session: Session, slug: str) -> Supplier | None:
    """A public supplier by a slug or a link to it, or None (for form fields naming one)."""
    slug = slug.strip().strip("/").rsplit("/", 1)[-1]
    try:
        return public_by_slug(session, slug)[0]
    except DomainError:
        return None


def supplier_page(session: Session, supplier: Supplier) -> dict[str, Any]:
    """What the supplier page shows besides the supplier itself."""
    return {
        "region": region_of(supplier.area),
        "children": list(
            session.scalars(
                select(Supplier)
                .where(Supplier.parent_id == supplier.id, Supplier.is_public)
                .order_by(Supplier.name)
            )
        ),
        "predecessors": list(
            session.scalars(
                select(Supplier)
                .where(Supplier.replaced_by_id == supplier.id, Supplier.is_public)
                .order_by(Supplier.name)
            )
        ),
    }
