"""The API blueprint. Each feature adds its routes in vrm/api/<feature>.py.

No form posts here, so nothing to protect with CSRF; errors are RFC 9457 problem bodies
(vrm.errors does that for every path under /api/).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
