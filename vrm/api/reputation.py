"""API routes for reputation: one supplier's figures, and the league tables."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from werkzeug.wrappers import Response

from vrm.api.blueprint import bp
from vrm.db import get_session
from vrm.reputation import league as tables
from vrm.reputation.queries import reputation_document, score_document, supplier_reputation
from vrm.suppliers.queries import public_supplier


@bp.get("/suppliers/<slug>/reputation")
def supplier_reputation_api(slug: str) -> Response:
    session = get_session()
    supplier = public_supplier(session, slug)
    document = reputation_document(supplier_reputation(session, supplier))
    return jsonify({"supplier": {"slug": supplier.slug, "name": supplier.name}, **document})


@bp.get("/league")
def league_api() -> Response:
    session = get_session()
    filters = tables.LeagueFilters.parse(request.args)  # DomainError -> 400 problem
    page = tables.league(session, filters)
    return jsonify(
        {
            "page": page.page,
            "pages": page.pages,
            "per_page": page.per_page,
            "total": page.total,
            "unranked": page.unranked,
            "items": [
                {
                    "rank": row.rank,
                    "slug": row.supplier.slug,
                    "name": row.supplier.name,
                    "kind": row.supplier.kind,
                    "sector": row.supplier.sector,
                    **score_document(row.score),
                }
                for row in page.items
            ],
        }
    )


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


_SCORE = {
    "type": "object",
    "description": "A Dirichlet reputation score (see /methodology).",
    "properties": {
        "score": {"type": ["number", "null"], "description": "1–5; null below min_count"},
        "low": {"type": ["number", "null"], "description": "Lower end of the credible band"},
        "high": {"type": ["number", "null"]},
        "count": {"type": "integer", "description": "Public reviews behind the score"},
        "enough_reviews": {"type": "boolean"},
        "probabilities": {"type": "array", "items": {"type": "number"}, "minItems": 5},
    },
}
_RATE = {
    "type": "object",
    "properties": {"rate": {"type": ["number", "null"]}, "count": {"type": "integer"}},
}

SCHEMAS: dict[str, Any] = {
    "ReputationScore": _SCORE,
    "Reputation": {
        "type": "object",
        "properties": {
            "supplier": {"type": "object", "properties": {"slug": {}, "name": {}}},
            "overall": {"$ref": "#/components/schemas/ReputationScore"},
            "distribution": {
                "type": "object",
                "description": "Public reviews per star level, keys '1'..'5'",
                "additionalProperties": {"type": "integer"},
            },
            "aspects": {
                "type": "object",
                "additionalProperties": {"$ref": "#/components/schemas/ReputationScore"},
            },
            "responsiveness": {
                "type": "object",
                "properties": {
                    "reviews": {"type": "integer"},
                    "share_answered": {"type": ["number", "null"]},
                    "median_days_to_first_answer": {"type": ["number", "null"]},
                    "share_resolved": {"type": ["number", "null"]},
                },
            },
            "promises_kept": _RATE,
            "terms_kept": _RATE,
            "monthly": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "month": {"type": "string", "description": "YYYY-MM"},
                        "reviews": {"type": "integer"},
                        "mean_rating": {"type": ["number", "null"]},
                    },
                },
            },
            "parameters": {"type": "object", "description": "The parameters in use"},
        },
    },
    "LeaguePage": {
        "type": "object",
        "properties": {
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer", "description": "Ranked suppliers"},
            "unranked": {"type": "integer", "description": "Too few reviews to rank"},
            "items": {
                "type": "array",
                "items": {
                    "allOf": [
                        {"$ref": "#/components/schemas/ReputationScore"},
                        {
                            "type": "object",
                            "properties": {
                                "rank": {"type": "integer"},
                                "slug": {"type": "string"},
                                "name": {"type": "string"},
                                "kind": {"type": "string"},
                                "sector": {"type": "string"},
                            },
                        },
                    ]
                },
            },
        },
    },
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}  # fmt: skip


PATHS: dict[str, Any] = {
    "/suppliers/{slug}/reputation": {
        "get": {
            "summary": "A supplier's reputation: scores, distribution, aspects, trends",
            "operationId": "getSupplierReputation",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {
                    "description": "Current figures, computed as described at /methodology",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Reputation"}}
                    },
                },
                "301": {"description": "The supplier moved (merged or renamed)"},
                "404": _problem("No such supplier"),
                "410": _problem("The supplier was removed"),
            },
        }
    },
    "/league": {
        "get": {
            "summary": "League table ranked by the lower end of each score's band",
            "operationId": "getLeague",
            "parameters": [
                _query("kind", "business or public_service", {"type": "string"}),
                _query("sector", "A sector code", {"type": "string"}),
                _query("area", "An area code (includes the areas inside it)", {"type": "string"}),
                _query("page", "Page number from 1", {"type": "integer", "minimum": 1}),
            ],
            "responses": {
                "200": {
                    "description": "One page of 25",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/LeaguePage"}}
                    },
                },
                "400": _problem("A filter value is not valid"),
                "404": _problem("The page is past the end of the table"),
            },
        }
    },
}
