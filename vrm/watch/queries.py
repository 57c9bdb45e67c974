"""Who hears of what: the members whose watches cover a review or a supplier's shift."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vrm.search.sources import review_document_for, supplier_document_for
from vrm.suppliers.models import Area, Supplier
from vrm.suppliers.sectors import SECTORS
from vrm.watch.matching import matches
from vrm.watch.models import Watch
from vrm.watch.targets import search_label

AREA_DEPTH = 4  # local authority → region → nation, and one to spare


def area_ancestors(session: Session, area_id: int | None) -> list[int]:
    """The area and every area above it (a region's watcher hears of its councils)."""
    found: list[int] = []
    while area_id is not None and len(found) < AREA_DEPTH and area_id not in found:
        found.append(area_id)
        area_id = session.scalar(select(Area.parent_id).where(Area.id == area_id))
    return found


Document = Callable[[], dict[str, object] | None]


def _audience(
    session: Session, supplier: Supplier, mode: str, document: Document, *, check_type: bool
) -> set[int]:
    areas = area_ancestors(session, supplier.area_id)
    direct = select(Watch.member_id).where(
        Watch.mode == mode,
        or_(
            Watch.supplier_id == supplier.id,
            (Watch.kind == "sector") & (Watch.sector == supplier.sector),
            (Watch.kind == "area") & Watch.area_id.in_(areas),
        ),
    )
    members = set(session.scalars(direct))
    # Saved searches are few next to reviews; each is matched in Python (matching.py),
    # and the document is built only when there is one to match.
    searches = list(
        session.execute(
            select(Watch.member_id, Watch.search_query).where(
                Watch.kind == "search", Watch.mode == mode
            )
        )
    )
    built = document() if searches else None
    if built is not None:
        members.update(
            member_id
            for member_id, query in searches
            if matches(query or "", built, check_type=check_type)
        )
    return members


def every_review_audience(session: Session, review_id: int, supplier: Supplier) -> set[int]:
    """Members watching, in "every review" mode, something this new review belongs to."""
    return _audience(
        session,
        supplier,
        "every",
        lambda: review_document_for(session, review_id),
        check_type=True,
    )


def shift_audience(session: Session, supplier: Supplier) -> set[int]:
    """Members watching, in "only real shifts" mode, something covering this supplier."""
    return _audience(
        session,
        supplier,
        "shifts",
        lambda: supplier_document_for(session, supplier.id),
        check_type=False,
    )


@dataclass(frozen=True)
class WatchRow:
    """One line of /account/watching: what, where to see it, how, and how to name it."""

    id: int
    kind: str
    label: str
    link: str
    mode: str
    arg: tuple[str, str]


def describe(session: Session, watches: Sequence[Watch]) -> list[WatchRow]:
    """Labels and links for WATCHES, with one query per kind (not per watch)."""
    supplier_ids = {w.supplier_id for w in watches if w.supplier_id is not None}
    area_ids = {w.area_id for w in watches if w.area_id is not None}
    suppliers = {
        s.id: s for s in session.scalars(select(Supplier).where(Supplier.id.in_(supplier_ids)))
    }
    areas = {a.id: a for a in session.scalars(select(Area).where(Area.id.in_(area_ids)))}
    rows = []
    for w in watches:
        if w.kind == "supplier" and w.supplier_id in suppliers:
            s = suppliers[w.supplier_id]
            label, link, arg = (
                s.name,
                _url("suppliers.show_supplier", f"/s/{s.slug}", slug=s.slug),
                s.slug,
            )
        elif w.kind == "sector" and w.sector:
            label = f"The {SECTORS.get(w.sector, w.sector)} sector"
            link, arg = (
                _url("suppliers.list_suppliers", f"/sectors/{w.sector}", sector=w.sector),
                w.sector,
            )
        elif w.kind == "area" and w.area_id in areas:
            a = areas[w.area_id]
            label, link, arg = (
                a.name,
                _url("suppliers.list_suppliers", f"/suppliers?area={a.code}", area=a.code),
                a.code,
            )
        elif w.kind == "search" and w.search_query is not None:
            label, link, arg = (
                search_label(w.search_query),
                f"{_url('search.search', '/search')}?{w.search_query}",
                w.search_query,
            )
        else:
            continue
        rows.append(WatchRow(w.id, w.kind, label, link, w.mode, (w.kind, arg)))
    return rows


def _url(endpoint: str, fallback: str, **values: Any) -> str:
    """A link to a target; the plain path outside a request (the export from the CLI)."""
    return url_for(endpoint, **values) if has_request_context() else fallback
