"""Reading a supplier's escalation facts: its nation, its complaints contact, and the
routes operators added for its sector."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.escalation.models import ComplaintsContact, EscalationRoute
from vrm.escalation.routes import NATIONS, Body, OperatorRoute, Route, routes_for
from vrm.suppliers.models import Area, Supplier


def nation_of(area: Area | None) -> str | None:
    """The nation an area lies in (walking up its parents); None for none."""
    seen = 0
    while area is not None and seen < 10:  # areas nest three deep; never loop forever
        if area.kind == "nation":
            return area.name if area.name in NATIONS else None
        area, seen = area.parent, seen + 1
    return None


def body_for(session: Session, supplier: Supplier) -> Body:
    contact = session.get(ComplaintsContact, supplier.id)
    return Body(
        name=supplier.name,
        kind=supplier.kind,
        sector=supplier.sector,
        nation=nation_of(supplier.area),
        is_council=(supplier.register_key or "").startswith("la:"),
        complaints_url=contact.complaints_url if contact else None,
        gov_uk_slug=contact.gov_uk_slug if contact else None,
        website_domain=supplier.website_domain,
    )


def operator_routes(session: Session, sector: str) -> list[OperatorRoute]:
    rows = session.scalars(
        select(EscalationRoute).where(EscalationRoute.sector == sector).order_by(EscalationRoute.id)
    )
    return [OperatorRoute(r.title, r.url, r.explanation, r.nation) for r in rows]


def supplier_routes(session: Session, supplier: Supplier) -> tuple[Body, list[Route]]:
    body = body_for(session, supplier)
    return body, routes_for(body, operator_routes(session, supplier.sector))
