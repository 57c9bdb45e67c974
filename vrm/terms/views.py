from __future__ import annotations

from flask import Blueprint

bp = Blueprint("terms", __name__)
