"""What can be watched, named from a query string: ``supplier=<slug>``, ``sector=<code>``,
``area=<code>`` or ``search=<the query string of a /search URL>``. One parser for the
watch page, the watch form and the tests; a target that does not exist is NotFound."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.errors import NotFound
from vrm.search.params import parse
from vrm.suppliers.models import Area
from vrm.suppliers.queries import public_by_slug
from vrm.suppliers.sectors import SECTORS

SEARCH_MAX = 1000


class BadTarget(NotFound):
    """Nothing to watch at that address."""


@dataclass(frozen=True)
class Target:
    """A watchable thing: its kind, its unique key and the columns a Watch row keeps."""

    kind: str
    key: str
    label: str
    supplier_id: int | None = None
    sector: str | None = None
    area_id: int | None = None
    search_query: str | None = None
    arg: tuple[str, str] = ("", "")  # the query parameter that names it again

    def columns(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "target": self.key,
            "supplier_id": self.supplier_id,
            "sector": self.sector,
            "area_id": self.area_id,
            "search_query": self.search_query,
        }


def canonical_search(query_string: str) -> str:
    """A /search URL's query string reduced to what chooses its results (text, type,
    filters, sort), in a fixed order: two URLs listing the same results are one search."""
    parsed = parse(dict(parse_qsl(query_string[:SEARCH_MAX])))
    request = parsed.request
    args = {"q": request.text, "type": request.doc_type or "", **request.filters}
    if request.sort != "relevance":
        args["sort"] = request.sort
    return urlencode(sorted((k, v) for k, v in args.items() if v))


def search_label(canonical: str) -> str:
    args = dict(parse_qsl(canonical))
    text = f"“{args.pop('q')}”" if args.get("q") else "everything"
    rest = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in args.items())
    return f"Search for {text}" + (f" ({rest})" if rest else "")


def resolve(session: Session, args: Mapping[str, str]) -> Target:
    """The one target named by ARGS (the first of supplier, sector, area, search)."""
    if slug := (args.get("supplier") or "").strip():
        supplier, _moved_to = public_by_slug(session, slug)  # a watch is on the supplier
        return Target("supplier", f"supplier:{supplier.id}", supplier.name, supplier.id,
                      arg=("supplier", supplier.slug))  # fmt: skip
    if sector := (args.get("sector") or "").strip():
        if sector not in SECTORS:
            raise BadTarget("There is no such sector.")
        return Target("sector", f"sector:{sector}", f"The {SECTORS[sector]} sector", sector=sector,
                      arg=("sector", sector))  # fmt: skip
    if code := (args.get("area") or "").strip():
        area = session.scalar(select(Area).where(Area.code == code[:40]))
        if area is None:
            raise BadTarget("There is no area with that code.")
        return Target("area", f"area:{area.code}", area.name, area_id=area.id,
                      arg=("area", area.code))  # fmt: skip
    if "search" in args:
        canonical = canonical_search(args.get("search") or "")
        if not canonical:
            raise BadTarget("Search for something first, then watch that search.")
        digest = hashlib.sha256(canonical.encode()).hexdigest()[:40]
        return Target("search", f"search:{digest}", search_label(canonical),
                      search_query=canonical, arg=("search", canonical))  # fmt: skip
    raise BadTarget("Name a supplier, a sector, an area or a search to watch.")
