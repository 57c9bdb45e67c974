"""API routes for suppliers: the public directory as JSON."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from werkzeug.wrappers import Response

from vrm.api.blueprint import bp
from vrm.caching.pages import public_page
from vrm.db import get_session
from vrm.suppliers import queries
from vrm.suppliers.models import Supplier
from vrm.suppliers.sectors import KINDS, SECTORS


def supplier_json(supplier: Supplier) -> dict[str, Any]:
    """The public JSON form of a supplier (also used by other API modules)."""
    area = supplier.area
    region = queries.region_of(area)
    return {
        "slug": supplier.slug,
        "name": supplier.name,
        "kind": supplier.kind,
        "sector": supplier.sector,
        "sector_name": SECTORS.get(supplier.sector, supplier.sector),
        "area": {
            "code": area.code,
            "name": area.name,
            "region": region.name if region is not None and region is not area else None,
        }
        if area
        else None,
        "website_domain": supplier.website_domain,
        "description": supplier.description,
        "aliases": [alias.name for alias in supplier.aliases],
        "parent": supplier.parent.slug if supplier.parent else None,
        "replaced_by": supplier.replaced_by.slug if supplier.replaced_by else None,
        "ended_on": supplier.ended_on.isoformat() if supplier.ended_on else None,
        "url": url_for("suppliers.show_supplier", slug=supplier.slug, _external=True),
        "created_at": supplier.created_at.isoformat(),
    }


@bp.get("/suppliers")
@public_page
def list_suppliers() -> Response:
    session = get_session()
    filters = queries.parse_filters(session, request.args)  # BadFilter → 400 problem
    page = queries.list_suppliers(session, filters)
    next_url = None
    if page.has_next:
        next_url = url_for(
            "api.list_suppliers",
            **filters.args(),
            page=page.next_num,
            per_page=page.per_page,
            _external=True,
        )
    return jsonify(
        items=[supplier_json(supplier) for supplier in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
        next=next_url,
    )


@bp.get("/suppliers/<slug>")
def get_supplier(slug: str) -> Response:
    supplier = queries.public_supplier(get_session(), slug)  # 404 / 410 problems, 301
    return jsonify(supplier_json(supplier))


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The supplier's slug, as in its page address /s/<slug>.",
    "schema": {"type": "string"},
}

# OpenAPI path items this module serves, merged into /api/v1/openapi.json.
PATHS: dict[str, Any] = {
    "/suppliers": {
        "get": {
            "operationId": "listSuppliers",
            "summary": "List public suppliers and public services",
            "description": "Ordered by name. Merged and removed suppliers are never listed; "
            "abolished councils are, with ended_on set.",
            "tags": ["suppliers"],
            "parameters": [
                _query(
                    "page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}
                ),
                _query(
                    "per_page",
                    "Items per page.",
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": queries.PER_PAGE_MAX,
                        "default": queries.PER_PAGE_DEFAULT,
                    },
                ),
                _query("kind", "Only this kind.", {"type": "string", "enum": list(KINDS)}),
                _query("sector", "Only this sector.", {"type": "string", "enum": list(SECTORS)}),
                _query(
                    "area",
                    "Only suppliers in this area or any area within it: a nation "
                    "(nation:england), a region (region:south-east) or a GSS code.",
                    {"type": "string"},
                ),
                _query(
                    "ended",
                    "Include councils that no longer exist (default true).",
                    {"type": "boolean", "default": True},
                ),
                _query(
                    "q",
                    "Name or other name contains this text.",
                    {"type": "string", "maxLength": queries.QUERY_MAX},
                ),
            ],
            "responses": {
                "200": {
                    "description": "One page of suppliers.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/SupplierPage"}
                        }
                    },
                },
                "400": _problem("A parameter is invalid (detail says which)."),
            },
        }
    },
    "/suppliers/{slug}": {
        "get": {
            "operationId": "getSupplier",
            "summary": "One supplier or public service",
            "tags": ["suppliers"],
            "parameters": [_SLUG],
            "responses": {
                "200": {
                    "description": "The supplier.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Supplier"}}
                    },
                },
                "301": {
                    "description": "Merged or renamed: Location gives its address.",
                    "headers": {"Location": {"schema": {"type": "string"}}},
                },
                "404": _problem("No supplier has this slug."),
                "410": _problem("A moderator removed this supplier; detail gives the reason."),
            },
        }
    },
}

_NULLABLE_STRING = {"type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "Supplier": {
        "type": "object",
        "required": ["slug", "name", "kind", "sector", "sector_name", "url", "created_at"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": list(KINDS)},
            "sector": {"type": "string", "enum": list(SECTORS)},
            "sector_name": {"type": "string"},
            "area": {"oneOf": [{"$ref": "#/components/schemas/SupplierArea"}, {"type": "null"}]},
            "website_domain": _NULLABLE_STRING,
            "description": {"type": "string", "description": "Markdown."},
            "aliases": {"type": "array", "items": {"type": "string"}},
            "parent": {
                **_NULLABLE_STRING,
                "description": "Slug of the organisation it belongs to.",
            },
            "replaced_by": {**_NULLABLE_STRING, "description": "Slug of its successor."},
            "ended_on": {"type": ["string", "null"], "format": "date"},
            "url": {"type": "string", "format": "uri", "description": "The HTML page."},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
    "SupplierArea": {
        "type": "object",
        "properties": {
            "code": {"type": "string", "description": "GSS code, or nation:/region: code."},
            "name": {"type": "string"},
            "region": {**_NULLABLE_STRING, "description": "Region or nation above it."},
        },
    },
    "SupplierPage": {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "next"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Supplier"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "next": {"type": ["string", "null"], "format": "uri"},
        },
    },
}
