"""The API blueprint. Each feature adds its routes in vrm/api/<feature>.py.

No form posts here, so nothing to protect with CSRF; errors are RFC 9457 problem bodies
(vrm.errors does that for every path under /api/).
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.wrappers import Response

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def _readable_anywhere(response: Response) -> Response:
    # The read API is open data: any site's script may read it. Only reads: no cookie
    # is ever sent with "*" (browsers refuse credentials with it), so nothing leaks.
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response
