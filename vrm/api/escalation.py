"""API route for the routes onward from a supplier (vrm.escalation)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from werkzeug.wrappers import Response

from vrm.api.blueprint import bp
from vrm.caching.pages import public_page
from vrm.db import get_session
from vrm.escalation.queries import supplier_routes
from vrm.escalation.routes import foi_law, foi_request
from vrm.suppliers.queries import public_supplier


@bp.get("/suppliers/<slug>/escalation")
@public_page
def supplier_escalation(slug: str) -> Response:
    session = get_session()
    supplier = public_supplier(session, slug)  # an old slug: SupplierMoved, a 301
    body, routes = supplier_routes(session, supplier)
    public = body.kind == "public_service"
    return jsonify(
        {
            "supplier": supplier.slug,
            "nation": body.nation,
            "routes": [
                {"step": r.step, "title": r.title, "url": r.url, "explanation": r.explanation}
                for r in routes
            ],
            "foi": {"law": foi_law(body), "draft": foi_request(body)} if public else None,
            "page": url_for("escalation.show_routes", slug=supplier.slug, _external=True),
        }
    )


_STRING = {"type": "string"}
PATHS: dict[str, Any] = {
    "/suppliers/{slug}/escalation": {
        "get": {
            "summary": "Routes onward from a supplier: complaints page, ombudsman, FOI request",
            "tags": ["suppliers"],
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": _STRING}],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Escalation"}}
                    },
                },
                "404": {
                    "description": "Not found",
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
    "Escalation": {
        "type": "object",
        "properties": {
            "supplier": _STRING,
            "nation": {"type": ["string", "null"], "description": "null: UK-wide"},
            "routes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "step": {
                            "type": "string",
                            "enum": ["complain", "ombudsman", "operator", "information"],
                        },
                        "title": _STRING,
                        "url": {"type": "string", "format": "uri"},
                        "explanation": _STRING,
                    },
                },
            },
            "foi": {
                "type": ["object", "null"],
                "description": "A drafted Freedom of Information request (public services)",
                "properties": {"law": _STRING, "draft": _STRING},
            },
            "page": {"type": "string", "format": "uri"},
        },
        "required": ["supplier", "nation", "routes", "foi", "page"],
    }
}
