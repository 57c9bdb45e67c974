"""API routes for search: the same results as the search page, as JSON."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from werkzeug.wrappers import Response

from vrm.api.blueprint import bp
from vrm.db import get_session
from vrm.errors import problem
from vrm.reviews.assurance import GRADES
from vrm.search import present, service
from vrm.search.documents import DOC_TYPES, RATING_BANDS
from vrm.search.params import MAX_PAGE, parse
from vrm.search.searching import SORTS
from vrm.suppliers.sectors import KINDS, SECTORS


@bp.get("/search")
def search() -> Response:
    parsed = parse(request.args)
    if parsed.problems:
        detail = " ".join(parsed.problems.values())
        return problem(400, "Bad Request", detail, errors=parsed.problems)
    body: dict[str, Any] = {
        "query": parsed.request.text,
        "truncated": parsed.truncated,
        "page": parsed.request.page,
        "pages": 0,
        "total": 0,
        "total_capped": False,
        "did_you_mean": None,
        "any_word": False,
        "results": [],
        "facets": {},
    }
    if parsed.is_empty:
        return jsonify(body)
    try:
        results = service.run_search(get_session(), parsed.request)
    except service.SearchUnavailable:
        response = problem(
            503, "Service Unavailable", "Search is being rebuilt. Try again shortly."
        )
        response.headers["Retry-After"] = "60"
        return response
    hits = [present.hit_view(hit) for hit in results.hits]
    for hit in hits:
        hit["title_html"] = str(hit["title_html"])
        hit["snippets_html"] = [str(s) for s in hit["snippets_html"]]
    body.update(
        pages=results.pages,
        total=results.total,
        total_capped=results.capped,
        did_you_mean=results.did_you_mean,
        any_word=results.any_word,
        results=hits,
        facets=present.facets_view(results),
    )
    return jsonify(body)


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_FACET_ITEM = {
    "type": "object",
    "properties": {
        "value": {"type": "string"},
        "label": {"type": "string"},
        "count": {"type": "integer"},
    },
}

PATHS: dict[str, Any] = {
    "/search": {
        "get": {
            "summary": "Search suppliers, public services and reviews",
            "description": "The same results as the search page. Query text is words and "
            '"phrases" only; operators and field names are read as words. Text past '
            "200 characters is cut (truncated: true). Every word must be found; when no "
            "document has them all, those with some are returned (any_word: true). A page "
            "past the last has no results.",
            "parameters": [
                _param("q", "Words to find", {"type": "string"}),
                _param(
                    "type",
                    "Only this kind of document",
                    {"type": "string", "enum": list(DOC_TYPES)},
                ),
                _param("kind", "Supplier kind", {"type": "string", "enum": list(KINDS)}),
                _param("sector", "Sector code", {"type": "string", "enum": list(SECTORS)}),
                _param("area", "Area name", {"type": "string", "maxLength": 200}),
                _param(
                    "rating_band", "Rating band", {"type": "string", "enum": list(RATING_BANDS)}
                ),
                _param(
                    "assurance",
                    "Reviews whose writer Parley is this sure of (see /assurance)",
                    {"type": "string", "enum": list(GRADES)},
                ),
                _param(
                    "sort", "Order", {"type": "string", "enum": list(SORTS), "default": "relevance"}
                ),
                _param(
                    "page", "Page number", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
                ),
            ],
            "responses": {
                "200": {
                    "description": "Results, facets and a spelling suggestion",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/SearchResults"}
                        }
                    },
                },
                "400": {
                    "description": "A parameter was not understood",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                },
                "503": {
                    "description": "The index is being rebuilt",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                },
            },
        }
    }
}

SCHEMAS: dict[str, Any] = {
    "SearchHit": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": list(DOC_TYPES)},
            "id": {"type": "integer"},
            "url": {"type": "string"},
            "title": {"type": "string"},
            "title_html": {
                "type": "string",
                "description": "Escaped text with <mark> around matches",
            },
            "snippets": {"type": "array", "items": {"type": "string"}},
            "snippets_html": {"type": "array", "items": {"type": "string"}},
            "supplier": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "url": {"type": "string"},
                },
            },
            "kind": {"type": "string"},
            "kind_label": {"type": "string"},
            "sector": {"type": "string"},
            "sector_label": {"type": "string"},
            "area": {"type": ["string", "null"]},
            "rating": {"type": ["number", "null"]},
            "created_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "SearchResults": {
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "truncated": {"type": "boolean"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "total": {"type": "integer"},
            "total_capped": {
                "type": "boolean",
                "description": "Counting stopped at total: there are more results than that",
            },
            "did_you_mean": {"type": ["string", "null"]},
            "any_word": {
                "type": "boolean",
                "description": "No document had every word, so these have some of them",
            },
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
            "facets": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": _FACET_ITEM},
            },
        },
    },
}
