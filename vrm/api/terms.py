"""API routes for terms: the clause library, members' terms and their versions, and a
supplier's standing acceptances and public tally. Agreements are private: never here."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from werkzeug.wrappers import Response

from vrm.api.blueprint import bp
from vrm.db import get_session
from vrm.errors import NotFound
from vrm.suppliers.queries import public_supplier
from vrm.terms import queries
from vrm.terms.models import ClauseVersion, TermsVersion


def _clause_version(version: ClauseVersion) -> dict[str, Any]:
    return {
        "identifier": version.identifier,
        "version": version.version,
        "title": version.title,
        "text": version.text,
        "category": version.category,
        "parameters": version.parameters,
        "standard": version.standard,
        "published_at": version.published_at.isoformat(),
    }


def _version_summary(handle: str, version: TermsVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "sha256": version.sha256,
        "published_at": version.document["published_at"],
        "url": url_for("terms.show_version", handle=handle, number=version.number, _external=True),
        "document_url": url_for(
            "terms.version_json", handle=handle, number=version.number, _external=True
        ),
    }


@bp.get("/clauses")
def terms_clauses() -> Response:
    clauses = queries.library(get_session())
    return jsonify(
        {
            "clauses": [
                {
                    "identifier": clause.identifier,
                    "latest": _clause_version(clause.latest),
                    "versions": [v.version for v in clause.versions],
                }
                for clause in clauses
                if clause.versions
            ]
        }
    )


@bp.get("/members/<handle>/terms")
def terms_member(handle: str) -> Response:
    session = get_session()
    member = queries.member_by_handle(session, handle)
    terms = queries.terms_for(session, member)
    if terms is None or not terms.versions:
        raise NotFound(f"{member.handle} has not published terms.")
    current = terms.current
    return jsonify(
        {
            "member": member.handle,
            "status": terms.status,
            "current": (
                {**_version_summary(member.handle, current), "document": current.document}
                if current
                else None
            ),
            "versions": [_version_summary(member.handle, v) for v in terms.versions],
        }
    )


@bp.get("/members/<handle>/terms/versions/<int:number>")
def terms_member_version(handle: str, number: int) -> Response:
    session = get_session()
    member = queries.member_by_handle(session, handle)
    version = queries.version_of(session, member, number)
    return jsonify({**_version_summary(member.handle, version), "document": version.document})


@bp.get("/suppliers/<slug>/terms")
def terms_supplier(slug: str) -> Response:
    session = get_session()
    supplier = public_supplier(session, slug)
    kept, broken = queries.terms_kept_counts(session, supplier.id)
    return jsonify(
        {
            "supplier": {"slug": supplier.slug, "name": supplier.name},
            "standing_acceptances": [
                {
                    "clause": s.clause_version.identifier,
                    "version": s.clause_version.version,
                    "since": s.created_at.isoformat(),
                }
                for s in queries.standing_acceptances(session, supplier.id)
            ],
            "tally": [
                {k: row[k] for k in ("clause", "proffered", "accepted", "declined", "waiting")}
                for row in queries.clause_tally(session, supplier.id)
            ],
            "reports": {"kept": kept, "broken": broken},
        }
    )


def _get(summary: str, schema: str, params: list[dict[str, Any]]) -> dict[str, Any]:
    problem = {
        "description": "Not found",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    return {
        "get": {
            "summary": summary,
            "tags": ["terms"],
            "parameters": params,
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                    },
                },
                **({"404": problem} if params else {}),
            },
        }
    }


def _path_param(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


# OpenAPI path items this module serves, merged into /api/v1/openapi.json.
PATHS: dict[str, Any] = {
    "/clauses": _get("The clause library, with each clause's latest version", "ClauseList", []),
    "/members/{handle}/terms": _get(
        "A member's terms: the version in force and every published version",
        "MemberTerms",
        [_path_param("handle")],
    ),
    "/members/{handle}/terms/versions/{number}": _get(
        "One published version of a member's terms, with its document and hash",
        "TermsVersion",
        [_path_param("handle"), _path_param("number", "integer")],
    ),
    "/suppliers/{slug}/terms": _get(
        "A supplier's standing acceptances and the public tally of proffered clauses",
        "SupplierTerms",
        [_path_param("slug")],
    ),
}

_VERSION_PROPS = {
    "number": {"type": "integer"},
    "sha256": {"type": "string", "description": "SHA-256 (hex) of the RFC 8785 document"},
    "published_at": {"type": "string", "format": "date-time"},
    "url": {"type": "string", "format": "uri"},
    "document_url": {"type": "string", "format": "uri", "description": "canonical bytes"},
}

SCHEMAS: dict[str, Any] = {
    "ClauseVersion": {
        "type": "object",
        "properties": {
            "identifier": {"type": "string", "examples": ["parley:no-stalking"]},
            "version": {"type": "integer"},
            "title": {"type": "string"},
            "text": {"type": "string"},
            "category": {"type": "string"},
            "parameters": {"type": "object", "description": "name → typed definition"},
            "standard": {"type": ["string", "null"]},
            "published_at": {"type": "string", "format": "date-time"},
        },
    },
    "ClauseList": {
        "type": "object",
        "properties": {
            "clauses": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "identifier": {"type": "string"},
                        "latest": {"$ref": "#/components/schemas/ClauseVersion"},
                        "versions": {"type": "array", "items": {"type": "integer"}},
                    },
                },
            }
        },
    },
    "TermsVersion": {
        "type": "object",
        "properties": {
            **_VERSION_PROPS,
            "document": {"type": "object", "description": "member, version, clauses, text"},
        },
    },
    "MemberTerms": {
        "type": "object",
        "properties": {
            "member": {"type": "string"},
            "status": {"type": "string", "enum": ["draft", "published", "withdrawn"]},
            "current": {"oneOf": [{"$ref": "#/components/schemas/TermsVersion"}, {"type": "null"}]},
            "versions": {
                "type": "array",
                "items": {"type": "object", "properties": _VERSION_PROPS},
            },
        },
    },
    "SupplierTerms": {
        "type": "object",
        "properties": {
            "supplier": {"type": "object"},
            "standing_acceptances": {"type": "array", "items": {"type": "object"}},
            "tally": {"type": "array", "items": {"type": "object"}},
            "reports": {
                "type": "object",
                "properties": {"kept": {"type": "integer"}, "broken": {"type": "integer"}},
            },
        },
    },
}
