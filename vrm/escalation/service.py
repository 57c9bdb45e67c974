"""Operators' changes to escalation data: routes per sector, a body's complaints page,
and the GOV.UK identifiers of councils from mySociety's register."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.errors import DomainError, NotFound
from vrm.escalation.models import ComplaintsContact, EscalationRoute
from vrm.escalation.routes import NATIONS
from vrm.suppliers.models import Supplier
from vrm.suppliers.sectors import SECTORS

log = logging.getLogger(__name__)
URL_MAX, TITLE_MAX, EXPLANATION_MAX = 500, 200, 1000


def _checked_url(url: str, field: str = "url") -> str:
    url = (url or "").strip()
    if not url.startswith("https://") or len(url) > URL_MAX or any(c.isspace() for c in url):
        raise DomainError(f"Give an https:// address of up to {URL_MAX} characters.", field=field)
    return url


def add_route(
    session: Session,
    *,
    sector: str,
    title: str,
    url: str,
    explanation: str = "",
    nation: str | None = None,
) -> EscalationRoute:
    """A route shown for every supplier of SECTOR (in NATION only, if given)."""
    if sector not in SECTORS:
        raise DomainError(f"{sector!r} is not a sector: {', '.join(SECTORS)}.", field="sector")
    if nation is not None and nation not in NATIONS:
        raise DomainError(f"nation must be one of {', '.join(NATIONS)}.", field="nation")
    title, explanation = (title or "").strip(), (explanation or "").strip()
    if not 3 <= len(title) <= TITLE_MAX:
        raise DomainError(f"Give a title of 3 to {TITLE_MAX} characters.", field="title")
    if len(explanation) > EXPLANATION_MAX:
        raise DomainError(f"Keep the explanation to {EXPLANATION_MAX} characters.")
    route = EscalationRoute(
        sector=sector, nation=nation, title=title, url=_checked_url(url), explanation=explanation
    )
    session.add(route)
    session.flush()
    log.info("escalation route %s added for sector %s", route.id, sector)
    return route


def remove_route(session: Session, route_id: int) -> None:
    route = session.get(EscalationRoute, route_id)
    if route is None:
        raise NotFound(f"There is no escalation route {route_id}.")
    session.delete(route)
    session.flush()
    log.info("escalation route %s removed", route_id)


def _contact(session: Session, supplier: Supplier) -> ComplaintsContact:
    contact = session.get(ComplaintsContact, supplier.id)
    if contact is None:
        contact = ComplaintsContact(supplier_id=supplier.id)
        session.add(contact)
    return contact


def set_complaints_page(session: Session, *, slug: str, url: str | None) -> ComplaintsContact:
    """Record (or, with None, forget) a supplier's own complaints page."""
    supplier = session.scalar(select(Supplier).where(Supplier.slug == slug))
    if supplier is None:
        raise NotFound(f"There is no supplier {slug!r}.")
    contact = _contact(session, supplier)
    contact.complaints_url = _checked_url(url) if url else None
    session.flush()
    return contact


def load_register_slugs(session: Session, source: str | Path) -> int:
    """GOV.UK slugs of councils from mySociety's register (its ``gov-uk-slug`` column),
    matched on the register key ``la:<local-authority-code>``; returns how many changed."""
    text = Path(source).read_bytes().decode("utf-8", errors="replace")
    rows = csv.DictReader(io.StringIO(text))
    slugs = {
        f"la:{(row.get('local-authority-code') or '').strip()}": (row.get("gov-uk-slug") or "")
        .strip()
        .lower()
        for row in rows
    }
    councils = session.scalars(select(Supplier).where(Supplier.register_key.in_(list(slugs))))
    changed = 0
    for supplier in councils:
        slug = slugs[supplier.register_key or ""]
        if not slug or len(slug) > 120 or not slug.replace("-", "").isalnum():
            continue
        contact = _contact(session, supplier)
        if contact.gov_uk_slug != slug:
            contact.gov_uk_slug = slug
            changed += 1
    session.flush()
    log.info("escalation: %s council GOV.UK slugs loaded", changed)
    return changed
