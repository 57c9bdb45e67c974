"""Search results as the page and the API show them: URLs, labels, and snippet HTML
built only from escaped text (a review's "<script>" stays text)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import current_app, g, url_for
from markupsafe import Markup, escape

from vrm.reviews.assurance import GRADES
from vrm.search.documents import RATING_BANDS
from vrm.search.searching import Hit, SearchResults
from vrm.search.snippets import Segments
from vrm.suppliers.sectors import KINDS, sector_name

FACET_TITLES = {
    "kind": "Kind",
    "sector": "Sector",
    "area": "Area",
    "rating_band": "Rating",
    "assurance": "Who wrote it",
}


def segments_html(segments: Segments) -> Markup:
    # escape() and plain joins: Markup.format per segment cost more than the search.
    return Markup(  # noqa: S704 - every piece of text went through escape()
        "".join(
            f"<mark>{escape(text)}</mark>" if matched else str(escape(text))
            for text, matched in segments
        )
    )


def segments_text(segments: Segments) -> str:
    return "".join(text for text, _ in segments)


def facet_label(name: str, value: str) -> str:
    if name == "kind":
        return KINDS.get(value, value)
    if name == "sector":
        return sector_name(value)
    if name == "rating_band":
        return RATING_BANDS.get(value, value)
    if name == "assurance":
        return GRADES.get(value, value)
    return value


_SLOT = "0"  # stands for the value in a URL built once per request


def _url(endpoint: str, fallback: str, name: str, value: str | int) -> str:
    """The endpoint's URL for one value, from one url_for per request: a page of hits
    asks for forty links, and routing each cost more than the search itself."""
    if endpoint not in current_app.view_functions:
        return fallback.replace(_SLOT, quote(str(value)))
    cached: dict[str, str] = g.setdefault("search_url_templates", {})
    if endpoint not in cached:
        values: dict[str, Any] = {name: _SLOT}
        cached[endpoint] = url_for(endpoint, **values)
    head, _, tail = cached[endpoint].rpartition(_SLOT)
    return f"{head}{quote(str(value), safe='')}{tail}"


def hit_view(hit: Hit) -> dict[str, Any]:
    supplier_url = _url("suppliers.show_supplier", "/s/0", "slug", hit.supplier_slug)
    if hit.doc_type == "supplier":
        url = supplier_url
    else:
        url = _url("reviews.show_review", "/reviews/0", "review_id", hit.doc_id)
    return {
        "type": hit.doc_type,
        "id": hit.doc_id,
        "url": url,
        "title": hit.title,
        "title_html": segments_html(hit.title_segments),
        "snippets": [segments_text(s) for s in hit.snippets],
        "snippets_html": [segments_html(s) for s in hit.snippets],
        "supplier": {
            "id": hit.supplier_id,
            "slug": hit.supplier_slug,
            "name": hit.supplier_name,
            "url": supplier_url,
        },
        "kind": hit.kind,
        "kind_label": facet_label("kind", hit.kind),
        "sector": hit.sector,
        "sector_label": facet_label("sector", hit.sector),
        "area": hit.area or None,
        "rating": hit.rating,
        "created_at": hit.created_at.isoformat() + "Z" if hit.created_at else None,
    }


def facets_view(results: SearchResults) -> dict[str, list[dict[str, Any]]]:
    """Each facet's values with labels and counts: most first, rating bands best first."""
    view = {
        name: [
            {"value": value, "label": facet_label(name, value), "count": count}
            for value, count in pairs
        ]
        for name, pairs in results.facets.items()
    }
    if "rating_band" in view:
        order = list(RATING_BANDS)
        view["rating_band"].sort(
            key=lambda item: order.index(item["value"]) if item["value"] in order else len(order)
        )
    return view
