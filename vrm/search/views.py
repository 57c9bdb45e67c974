"""The search page and the name suggestions behind the search box."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from vrm.db import get_session
from vrm.pagination import within_range
from vrm.search import present, service
from vrm.search.documents import MAX_QUERY_CHARS
from vrm.search.params import FACET_PARAMS, parse
from vrm.search.searching import SORTS

bp = Blueprint("search", __name__)

FACET_SHOWN = 10
"""Facet values listed at first; the rest are one click away (a <details>, no script)."""

SORT_LABELS = {"relevance": "Best match", "reputation": "Reputation", "newest": "Newest"}


def _current_args(parsed: Any) -> dict[str, str]:
    """The query string of this search, for facet, sort and page links."""
    args = {"q": parsed.request.text, **parsed.request.filters}
    if parsed.request.doc_type:
        args["type"] = parsed.request.doc_type
    if parsed.request.sort != "relevance":
        args["sort"] = parsed.request.sort
    return {k: v for k, v in args.items() if v}


def _add_links(facets: dict[str, list[dict[str, Any]]], args: dict[str, str]) -> dict[str, str]:
    """Give each facet value its link; return each filter's "remove" link. Built by
    urlencode on one base URL: a page lists a hundred values (areas), and url_for's
    routing per link cost as much as the search itself."""
    base = url_for("search.search")
    for name, items in facets.items():
        for item in items:
            item["href"] = f"{base}?{urlencode({**args, name: item['value']})}"
    return {
        name: f"{base}?{urlencode({k: v for k, v in args.items() if k != name})}"
        for name in FACET_PARAMS
    }


@bp.get("/search")
def search() -> Any:
    parsed = parse(request.args)
    context: dict[str, Any] = {
        "parsed": parsed,
        "args": _current_args(parsed),
        "facet_params": FACET_PARAMS,
        "facet_titles": present.FACET_TITLES,
        "facet_label": present.facet_label,
        "sorts": [(s, SORT_LABELS[s]) for s in SORTS],
        "max_chars": MAX_QUERY_CHARS,
        "facet_shown": FACET_SHOWN,
        "results": None,
    }
    if parsed.is_empty:
        return render_template("search/search.html", **context)
    try:
        # A page past the end (an old link, say) shows the last one, and says so.
        results = within_range(
            lambda number: service.run_search(
                get_session(), dataclasses.replace(parsed.request, page=number)
            ),
            parsed.request.page,
        )
    except service.SearchUnavailable:
        page = render_template("search/search.html", unavailable=True, **context)
        return page, 503, {"Retry-After": "60"}
    facets = present.facets_view(results)
    context.update(
        results=results,
        hits=[present.hit_view(hit) for hit in results.hits],
        remove_links=_add_links(facets, context["args"]),
        facets=facets,
    )
    return render_template("search/search.html", **context)


@bp.get("/search/suggest")
def suggest() -> Response:
    prefix = (request.args.get("q") or "").strip()
    names = service.suggest_names(get_session(), prefix) if prefix else []
    response = jsonify({"q": prefix[:100], "suggestions": names})
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response
