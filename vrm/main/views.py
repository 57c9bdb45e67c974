from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from werkzeug.wrappers import Response

from vrm.caching.pages import public_page
from vrm.clock import now
from vrm.db import get_session
from vrm.main import front
from vrm.schema import schema_problem

bp = Blueprint("main", __name__)


@bp.get("/")
@public_page
def index() -> str:
    session = get_session()
    return render_template(
        "main/index.html",
        recent=front.recent_reviews(session),
        shifts=front.biggest_shifts(session, now()),
        best=front.answerers(session, best=True),
        worst=front.answerers(session, best=False),
    )


@bp.get("/about")
def about() -> str:
    return render_template("main/about.html")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        get_session().execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    problem = schema_problem()
    if problem:
        return jsonify(status="unavailable", database="not migrated", detail=problem), 503
    return jsonify(status="ok", database="ok"), 200
