"""/compare?s=bt&s=virgin-media, and the same as .csv and .json."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from werkzeug.wrappers import Response

from vrm import errors
from vrm.caching.pages import public_page
from vrm.compare import export, service
from vrm.db import get_session
from vrm.errors import DomainError
from vrm.reviews.models import ASPECT_LABELS

bp = Blueprint("compare", __name__)


@bp.get("/compare")
@public_page
def compare() -> tuple[str, int]:
    wanted = request.args.getlist("s")
    if not wanted:  # the bare address: the chooser, not an error
        return render_template("compare/compare.html", error=None, wanted=[]), 200
    try:
        comparison = service.compare(get_session(), wanted)
    except DomainError as error:
        page = render_template("compare/compare.html", error=error, wanted=wanted)
        return page, error.status
    return render_template(
        "compare/compare.html",
        error=None,
        comparison=comparison,
        aspect_labels=ASPECT_LABELS,
        slugs=[c.supplier.slug for c in comparison.items],
    ), 200


@bp.get("/compare.<fmt>")
@public_page
def compare_data(fmt: str) -> Response:
    if fmt not in ("csv", "json"):
        return errors.problem(404, "Not Found", "A comparison comes as compare.csv or .json.")
    try:
        comparison = service.compare(get_session(), request.args.getlist("s"))
    except DomainError as error:
        return errors.problem(error.status, error.title, error.detail)
    if fmt == "json":
        response: Response = jsonify(export.as_json(comparison))
    else:
        response = Response(export.as_csv(comparison), mimetype="text/csv")
        response.headers["Content-Disposition"] = "attachment; filename=parley-compare.csv"
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response
