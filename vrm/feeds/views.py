"""Feed URLs. Each mirrors a page: /s/<slug> → /s/<slug>/feed.atom, and so on; a search's
feed takes the very query string of /search (the page number aside)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from vrm.caching.pages import ANONYMOUS, public_page
from vrm.db import get_session
from vrm.errors import NotFound
from vrm.feeds import atom, queries
from vrm.reputation.league import area_ids
from vrm.reviews.queries import member_by_handle, public_reviews
from vrm.search import service as search_service
from vrm.search.params import parse
from vrm.suppliers.models import Area
from vrm.suppliers.queries import public_supplier
from vrm.suppliers.sectors import SECTORS

bp = Blueprint("feeds", __name__)

ATOM = "application/atom+xml; charset=utf-8"
# An empty feed's <updated>: any fixed moment will do, and keeps its ETag steady.
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _links() -> queries.Links:
    return queries.Links(
        host=request.host,
        review=lambda review_id: url_for(
            "reviews.show_review", review_id=review_id, _external=True
        ),
        supplier=lambda slug: url_for("suppliers.show_supplier", slug=slug, _external=True),
    )


def _feed(
    title: str, subtitle: str, page_url: str, entries: list[atom.Entry], since: dt.datetime
) -> atom.Feed:
    return atom.Feed(
        id=request.base_url,
        title=f"{title} · Parley",
        subtitle=subtitle,
        page_url=page_url,
        entries=entries,
        fallback_updated=since,
    )


def _atom(*args: Any) -> Response:
    return Response(atom.render(_feed(*args)), mimetype=ATOM)


@bp.get("/s/<slug>/feed.atom")
@public_page
def supplier_feed(slug: str) -> Response:
    session = get_session()
    supplier = public_supplier(session, slug)
    return _atom(
        supplier.name,
        f"New reviews of {supplier.name}, its answers, resolutions and confirmed changes.",
        url_for("suppliers.show_supplier", slug=supplier.slug, _external=True),
        queries.supplier_activity(session, supplier, _links()),
        supplier.created_at,
    )


@bp.get("/sectors/<sector>/feed.atom")
@public_page
def sector_feed(sector: str) -> Response:
    if sector not in SECTORS:
        raise NotFound("There is no such sector.")
    name = SECTORS[sector]
    return _atom(
        name,
        f"New reviews in {name}.",
        url_for("suppliers.list_suppliers", sector=sector, _external=True),
        queries.sector_reviews(get_session(), sector, _links()),
        _EPOCH,
    )


@bp.get("/areas/<code>/feed.atom")
@public_page
def area_feed(code: str) -> Response:
    session = get_session()
    area = session.scalar(select(Area).where(Area.code == code))
    if area is None:
        raise NotFound("There is no area with that code.")
    return _atom(
        area.name,
        f"New reviews of suppliers and services in {area.name}.",
        url_for("suppliers.list_suppliers", area=code, _external=True),
        queries.area_reviews(session, sorted(area_ids(session, code)), _links()),
        _EPOCH,
    )


@bp.get("/members/<handle>/feed.atom")
@public_page
def member_feed(handle: str) -> Response:
    session = get_session()
    member = member_by_handle(session, handle)
    if member is None:
        raise NotFound("There is no member with that handle.")
    return _atom(
        f"Reviews by {member.handle}",
        f"Public reviews written by {member.handle}.",
        url_for("reviews.show_member", handle=member.handle, _external=True),
        queries.member_reviews(session, member, _links()),
        member.created_at,
    )


@bp.get("/search/feed.atom")
def search_feed() -> Response:
    """Not a public_page: results come from the index, which follows commits a moment
    later, so the validators are made from the feed itself (one search per request)."""
    parsed = parse(request.args)
    session = get_session()
    page_url = url_for("search.search", _external=True, **search_args(request.args))
    if parsed.is_empty:
        entries = queries.latest_reviews(session, public_reviews(), _links())
        title = "Everything new"
    else:
        try:
            results = search_service.run_search(session, parsed.request)
        except search_service.SearchUnavailable:
            return Response("Search is unavailable; try again soon.", 503, {"Retry-After": "60"})
        keys = [(hit.doc_type, hit.doc_id) for hit in results.hits]
        entries = queries.hits(session, keys, _links())
        title = f"Search: {parsed.request.text}" if parsed.request.text else "Search"
    feed = _feed(title, "Results of a Parley search.", page_url, entries, _EPOCH)
    response = Response(atom.render(feed), mimetype=ATOM)
    response.add_etag()
    response.last_modified = atom.last_updated(feed)
    response.headers["Cache-Control"] = ANONYMOUS
    return response.make_conditional(request)


def search_args(args: Any) -> dict[str, str]:
    """A search's query string without its page: the feed follows the newest page."""
    return {key: value for key, value in args.items() if key != "page" and value}
