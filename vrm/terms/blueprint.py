"""The ``terms`` blueprint object, shared by the view modules that add routes to it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_wtf import FlaskForm

from vrm.errors import DomainError

bp = Blueprint("terms", __name__)


@bp.app_template_global("current_terms_of")
def current_terms_of(member: Any) -> Any:
    """The member's published terms version, or None (templates/terms/_profile_terms.html)."""
    from vrm.db import get_session
    from vrm.terms.queries import current_version

    return current_version(get_session(), member) if member is not None else None


def show_error(form: FlaskForm, error: DomainError, default_field: str) -> None:
    """Put a domain error's message at its field (or a sensible one) for re-rendering."""
    field = getattr(form, error.field or default_field, None) or getattr(form, default_field)
    field.errors = (
        [*field.errors, error.detail] if isinstance(field.errors, list) else [error.detail]
    )
