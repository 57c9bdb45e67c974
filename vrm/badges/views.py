"""/s/<slug>/badge.svg: no script, no cookie, cached like any public page."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from werkzeug.wrappers import Response

from vrm.badges.shape import FILLS, badge
from vrm.caching.pages import public_page
from vrm.db import get_session
from vrm.reputation.queries import overall_score
from vrm.suppliers import queries as suppliers

bp = Blueprint("badges", __name__)


@bp.get("/s/<slug>/badge.svg")
@public_page
def supplier_badge(slug: str) -> Response:
    session = get_session()
    supplier = suppliers.public_supplier(session, slug)
    shape = badge(supplier.name, overall_score(session, supplier))
    svg = render_template(
        "badges/badge.svg",
        b=shape,
        fill=FILLS[shape.tone],
        link=url_for("suppliers.show_supplier", slug=supplier.slug, _external=True),
    )
    return Response(svg, mimetype="image/svg+xml")
