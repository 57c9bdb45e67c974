from __future__ import annotations

from flask import Blueprint

bp = Blueprint("thread", __name__)
