"""API routes for reviews: a supplier's public reviews, and one review, each with its
public thread. Everything starts from vrm.reviews.queries.public_reviews."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from flask import jsonify, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from vrm.api.blueprint import bp
from vrm.db import get_session
from vrm.errors import NotFound
from vrm.reviews import queries
from vrm.reviews.assurance import GRADES, Assurance
from vrm.reviews.models import ASPECTS, Review, ReviewMessage
from vrm.reviews.voices import CODES as VOICE_CODES
from vrm.suppliers.models import Supplier
from vrm.suppliers.queries import public_supplier

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def _messages_by_review(reviews: Sequence[Review]) -> dict[int, list[ReviewMessage]]:
    found: dict[int, list[ReviewMessage]] = defaultdict(list)
    if reviews:
        messages = get_session().scalars(
            select(ReviewMessage)
            .where(ReviewMessage.review_id.in_([review.id for review in reviews]))
            .order_by(ReviewMessage.id)
        )
        for message in messages:
            found[message.review_id].append(message)
    return found


def message_json(message: ReviewMessage, supplier: Supplier) -> dict[str, Any]:
    if message.as_supplier:
        author = supplier.name
    else:
        author = message.author.handle if message.author else "former member"
    return {
        "id": message.id,
        "author": author,
        "as_supplier": message.as_supplier,
        "body_html": message.body_html,
        "created_at": message.created_at.isoformat(),
        "states_change_made": message.states_change_made,
    }


def review_json(
    review: Review, messages: Sequence[ReviewMessage], assurance: Assurance
) -> dict[str, Any]:
    return {
        "id": review.id,
        "url": url_for("reviews.show_review", review_id=review.id, _external=True),
        "supplier": review.supplier.slug,
        # None: the author erased their account and left the review as a former member.
        "author": review.author.handle if review.author else None,
        "rating": review.rating,
        "aspects": {aspect: getattr(review, f"rating_{aspect}") for aspect in ASPECTS},
        "title": review.title,
        "body": review.body,
        "body_html": review.body_html,
        "experienced_on": review.experienced_on.isoformat(),
        "branch": review.branch,
        "voice": review.voice,
        "voice_label": review.voice_label or None,
        "assurance": {
            "grade": assurance.grade,
            "label": assurance.label,
            "reasons": list(assurance.reasons),
        },
        "created_at": review.created_at.isoformat(),
        "edited_at": review.edited_at.isoformat() if review.edited_at else None,
        "revision_count": review.revision_count,
        "helpful_count": review.helpful_count,
        "resolution": review.resolution,
        "responses": [message_json(message, review.supplier) for message in messages],
    }


def _param(name: str, allowed: Sequence[str] | None = None) -> str | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if allowed is not None and value not in allowed:
        raise BadRequest(f"'{name}' must be one of: {', '.join(allowed)}.")
    return value


def _number(name: str, default: int, maximum: int) -> int:
    value = queries.positive_int(request.args.get(name), default, maximum=maximum)
    if value is None:
        raise BadRequest(f"'{name}' must be a whole number from 1 to {maximum}.")
    return value


@bp.get("/suppliers/<slug>/reviews")
def supplier_reviews(slug: str) -> Response:
    session = get_session()
    supplier = public_supplier(session, slug)
    stars = _param("stars", ["1", "2", "3", "4", "5"])
    sort = _param("sort", list(queries.SORTS)) or "newest"
    answered = _param("answered", list(queries.ANSWERED))
    page_number = _number("page", 1, 1_000_000)
    per_page = _number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    query = queries.filtered_reviews(
        session, supplier, stars=int(stars) if stars else None, answered=answered, sort=sort
    )
    page = queries.paginate(session, query, page_number, per_page)
    messages = _messages_by_review(page.items)
    assurances = queries.assurance_of(session, page.items)
    args = {key: value for key, value in request.args.items() if key != "page"}

    def link(number: int) -> str:
        return url_for("api.supplier_reviews", slug=slug, page=number, **args, _external=True)

    return jsonify(
        {
            "items": [
                review_json(review, messages[review.id], assurances[review.id])
                for review in page.items
            ],
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
            "next": link(page.next_num) if page.has_next else None,
            "prev": link(page.prev_num) if page.has_prev else None,
        }
    )


@bp.get("/reviews/<int:review_id>")
def get_review(review_id: int) -> Response:
    session = get_session()
    review = queries.get_public_review(session, review_id)
    if review is None:
        raise NotFound("There is no such public review.")
    assurance = queries.assurance_of(session, [review])[review.id]
    return jsonify(review_json(review, _messages_by_review([review])[review.id], assurance))


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


# OpenAPI path items this module serves, merged into /api/v1/openapi.json.
PATHS: dict[str, Any] = {
    "/suppliers/{slug}/reviews": {
        "get": {
            "operationId": "listSupplierReviews",
            "summary": "A supplier's public reviews, with the public answers under each",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                _query(
                    "page", "Page number, from 1", {"type": "integer", "minimum": 1, "default": 1}
                ),
                _query(
                    "per_page",
                    "Reviews per page",
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_PER_PAGE,
                        "default": DEFAULT_PER_PAGE,
                    },
                ),
                _query(
                    "stars",
                    "Only reviews with this overall rating",
                    {"type": "integer", "enum": [1, 2, 3, 4, 5]},
                ),
                _query(
                    "answered",
                    "Only answered (yes) or unanswered (no) reviews",
                    {"type": "string", "enum": ["yes", "no"]},
                ),
                _query(
                    "sort",
                    "Order",
                    {"type": "string", "enum": list(queries.SORTS), "default": "newest"},
                ),
            ],
            "responses": {
                "200": {
                    "description": "One page of reviews",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ReviewPage"}}
                    },
                },
                "301": {"description": "The supplier was merged; follow Location"},
                "400": _problem("A parameter is not valid"),
                "404": _problem("No such public supplier"),
            },
        }
    },
    "/reviews/{id}": {
        "get": {
            "operationId": "getReview",
            "summary": "One public review with its public thread",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": {
                    "description": "The review",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Review"}}
                    },
                },
                "404": _problem(
                    "No such public review (withdrawn and hidden reviews are not public)"
                ),
            },
        }
    },
}

_rating = {"type": "integer", "minimum": 1, "maximum": 5}
_optional_rating = {"type": ["integer", "null"], "minimum": 1, "maximum": 5}
_time = {"type": "string", "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "ReviewResponse": {
        "type": "object",
        "description": "A message in a review's public thread",
        "properties": {
            "id": {"type": "integer"},
            "author": {
                "type": "string",
                "description": "The supplier's name when as_supplier, else the member's handle",
            },
            "as_supplier": {"type": "boolean"},
            "body_html": {"type": "string", "description": "Sanitised HTML"},
            "created_at": _time,
            "states_change_made": {
                "type": "boolean",
                "description": "The supplier states it changed something because of the review",
            },
        },
        "required": [
            "id",
            "author",
            "as_supplier",
            "body_html",
            "created_at",
            "states_change_made",
        ],
    },
    "Review": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string", "format": "uri"},
            "supplier": {"type": "string", "description": "The supplier's slug"},
            "author": {
                "type": ["string", "null"],
                "description": "The author's public handle; null for a former member's review",
            },
            "rating": _rating,
            "aspects": {
                "type": "object",
                "properties": {aspect: _optional_rating for aspect in ASPECTS},
            },
            "title": {"type": "string"},
            "body": {"type": "string", "description": "Markdown as written"},
            "body_html": {"type": "string", "description": "Sanitised HTML rendering of body"},
            "experienced_on": {"type": "string", "format": "date"},
            "branch": {"type": ["string", "null"]},
            "voice": {
                "type": "string",
                "enum": list(VOICE_CODES),
                "description": "Whose experience: 'self', or someone the writer speaks for",
            },
            "voice_label": {
                "type": ["string", "null"],
                "description": "The label shown on a review written on someone's behalf",
            },
            "assurance": {
                "type": "object",
                "description": "How sure Parley is of who wrote it (see /assurance)",
                "properties": {
                    "grade": {"type": "string", "enum": list(GRADES)},
                    "label": {"type": "string"},
                    "reasons": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["grade", "label", "reasons"],
            },
            "created_at": _time,
            "edited_at": {"type": ["string", "null"], "format": "date-time"},
            "revision_count": {"type": "integer", "minimum": 1},
            "helpful_count": {"type": "integer", "minimum": 0},
            "resolution": {"type": ["string", "null"], "enum": ["resolved", "not_resolved", None]},
            "responses": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ReviewResponse"},
            },
        },
        "required": [
            "id",
            "url",
            "supplier",
            "author",
            "rating",
            "title",
            "body",
            "body_html",
            "experienced_on",
            "created_at",
            "revision_count",
            "helpful_count",
            "responses",
        ],
    },
    "ReviewPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Review"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "pages": {"type": "integer"},
            "next": {"type": ["string", "null"], "format": "uri"},
            "prev": {"type": ["string", "null"], "format": "uri"},
        },
        "required": ["items", "page", "per_page", "total", "pages", "next", "prev"],
    },
}
