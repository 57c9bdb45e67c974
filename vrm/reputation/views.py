"""Public pages: how the numbers are made (/methodology) and sector league tables (/league)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from werkzeug.wrappers import Response

from vrm.caching.pages import public_page
from vrm.db import get_session
from vrm.errors import DomainError, NotFound
from vrm.reputation import league as tables
from vrm.reputation import open_data as open_data_module
from vrm.reputation.queries import parameters_document
from vrm.reputation.service import current_parameters
from vrm.suppliers.sectors import KINDS, SECTORS

bp = Blueprint("reputation", __name__)


@bp.get("/methodology")
@public_page
def methodology() -> str:
    from vrm.watch.shifts import current_settings

    params = current_parameters()
    return render_template(
        "reputation/methodology.html",
        params=params,
        parameters=parameters_document(params),
        shift_settings=current_settings(),
    )


@bp.get("/open-data/reputation.<fmt>")
@public_page
def open_data(fmt: str) -> Response:
    """Every supplier's aggregated reputation as CSV or JSON (league filters apply)."""
    if fmt not in ("csv", "json"):
        raise NotFound("Open data comes as reputation.csv or reputation.json.")
    filters = tables.LeagueFilters.parse(request.args)
    session = get_session()
    if fmt == "json":
        response: Response = jsonify(open_data_module.as_json(session, filters))
    else:
        response = Response(open_data_module.as_csv(session, filters), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=parley-reputation.{fmt}"
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@bp.get("/league")
@public_page
def league() -> tuple[str, int]:
    session = get_session()
    choices = {"kinds": KINDS, "sectors": SECTORS, "areas": tables.area_choices(session)}
    try:
        filters = tables.LeagueFilters.parse(request.args)
        page = tables.league(session, filters)
    except DomainError as error:
        if error.field is None:
            raise
        return render_template(
            "reputation/league.html", error=error, args=request.args, page=None, **choices
        ), 400
    return render_template(
        "reputation/league.html",
        error=None,
        args=request.args,
        filters=filters,
        page=page,
        params=current_parameters(),
        **choices,
    ), 200
