"""The page of routes onward from a supplier: /s/<slug>/escalate."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.wrappers import Response

from vrm.caching.pages import public_page
from vrm.db import get_session
from vrm.escalation.queries import supplier_routes
from vrm.escalation.routes import foi_request, ombudsmen
from vrm.suppliers.queries import public_supplier

bp = Blueprint("escalation", __name__)


@bp.get("/s/<slug>/escalate")
@public_page
def show_routes(slug: str) -> Response | str:
    session = get_session()
    supplier = public_supplier(session, slug)  # an old slug: SupplierMoved, a 301
    body, routes = supplier_routes(session, supplier)
    public = body.kind == "public_service"
    return render_template(
        "escalation/routes.html",
        supplier=supplier,
        body=body,
        routes=routes,
        ombudsmen=ombudsmen(body),
        foi_draft=foi_request(body) if public else None,
    )
