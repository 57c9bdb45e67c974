from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reputation", __name__)
