"""Public pages: how the numbers are made (/methodology) and sector league tables (/league)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from vrm.db import get_session
from vrm.errors import DomainError
from vrm.reputation import league as tables
from vrm.reputation.queries import parameters_document
from vrm.reputation.service import current_parameters
from vrm.suppliers.sectors import KINDS, SECTORS

bp = Blueprint("reputation", __name__)


@bp.get("/methodology")
def methodology() -> str:
    params = current_parameters()
    return render_template(
        "reputation/methodology.html", params=params, parameters=parameters_document(params)
    )


@bp.get("/league")
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
