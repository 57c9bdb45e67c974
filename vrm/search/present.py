"""Search results as the page and the API show them: URLs, labels, and snippet HTML
built only from escaped text (a review's "<script>" stays text)."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
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
    return Markup("").join(
        Markup("<mark>{}</mark>").format(text) if matched else escape(text)
        for text, matched in segments
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


def _url(endpoint: str, fallback: str, **values: Any) -> str:
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return fallback


def hit_view(hit: Hit) -> dict[str, Any]:
    if hit.doc_type == "supplier":
        url = _url("suppliers.show_supplier", f"/s/{hit.supplier_slug}", slug=hit.supplier_slug)
    else:
        url = _url("reviews.show_review", f"/reviews/{hit.doc_id}", review_id=hit.doc_id)
    supplier_url = _url(
        "suppliers.show_supplier", f"/s/{hit.supplier_slug}", slug=hit.supplier_slug
    )
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
