"""The clause library, its public register, moderators' clause forms, and the JWKS."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from vrm.db import get_db, get_session
from vrm.errors import DomainError
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.terms import library, queries, signing
from vrm.terms.blueprint import bp, show_error
from vrm.terms.forms import ClauseForm, ClauseVersionForm
from vrm.terms.models import Clause
from vrm.terms.parameters import ParameterError, load_schema


@bp.get("/terms", endpoint="library")
def library_index() -> str:
    clauses = queries.library(get_session())
    by_category: dict[str, list[Clause]] = {}
    for clause in clauses:
        by_category.setdefault(clause.latest.category, []).append(clause)
    groups = [
        (name, by_category[code])
        for code, name in library.CATEGORIES.items()
        if code in by_category
    ]
    return render_template("terms/library.html", groups=groups)


@bp.get("/terms/clauses/<identifier>")
def show_clause(identifier: str) -> str:
    session = get_session()
    clause = library.get_clause(session, identifier)
    return render_template(
        "terms/clause.html",
        clause=clause,
        register=queries.clause_register(session, clause),
        can_moderate=current_user.is_authenticated and current_user.is_moderator,
    )


def _moderator() -> None:
    if not current_user.is_moderator:
        abort(403, "Only moderators change the clause library.")


def _parameters(form: ClauseVersionForm) -> dict[str, Any] | None:
    """The typed parameters, or None with the reason at the field (the form is shown
    again with everything else as typed)."""
    try:
        return load_schema(form.parameters.data)
    except ParameterError as error:
        form.parameters.errors = [str(error)]
        return None


def _checked(form: ClauseVersionForm) -> dict[str, Any] | None:
    """The typed parameters once every field is valid, else None. The parameters are
    parsed even when another field is wrong, so all the errors come in one round."""
    valid = form.validate_on_submit()
    if not form.is_submitted() or form.parameters.errors:
        return None
    parameters = _parameters(form)
    return parameters if valid else None


@bp.route("/terms/clauses/new", methods=["GET", "POST"])
@login_required
@limiter.limit(WRITE_LIMIT, key_func=member_or_address, methods=["POST"])
def new_clause() -> Response | tuple[str, int]:
    _moderator()
    form = ClauseForm()
    if (parameters := _checked(form)) is not None:
        session = get_session()
        try:
            version = library.add_clause(
                session,
                actor=current_user,
                identifier=form.identifier.data or "",
                title=form.title.data or "",
                text=form.text.data or "",
                category=form.category.data,
                parameters=parameters,
                standard=form.standard.data,
            )
        except DomainError as error:
            session.rollback()
            show_error(form, error, "identifier")
            return render_template("terms/clause_form.html", form=form, clause=None), error.status
        session.commit()
        flash(f"{version.identifier} v1 is published.", "success")
        return redirect(url_for("terms.show_clause", identifier=version.identifier), code=303)
    return render_template("terms/clause_form.html", form=form, clause=None), (
        400 if form.is_submitted() else 200
    )


@bp.route("/terms/clauses/<identifier>/versions/new", methods=["GET", "POST"])
@login_required
@limiter.limit(WRITE_LIMIT, key_func=member_or_address, methods=["POST"])
def new_clause_version(identifier: str) -> Response | tuple[str, int]:
    _moderator()
    session = get_session()
    clause = library.get_clause(session, identifier)
    latest = clause.latest
    form = ClauseVersionForm()
    if request.method == "GET":  # start from the latest wording
        form.process(
            data={
                "title": latest.title,
                "text": latest.text,
                "category": latest.category,
                "parameters": json.dumps(latest.parameters, indent=2),
                "standard": latest.standard,
            }
        )
    if (parameters := _checked(form)) is not None:
        try:
            version = library.publish_version(
                session,
                actor=current_user,
                clause=clause,
                title=form.title.data or "",
                text=form.text.data or "",
                category=form.category.data,
                parameters=parameters,
                standard=form.standard.data,
            )
        except DomainError as error:
            session.rollback()
            show_error(form, error, "parameters")
            return render_template("terms/clause_form.html", form=form, clause=clause), 400
        session.commit()
        flash(f"{identifier} v{version.version} is published.", "success")
        return redirect(url_for("terms.show_clause", identifier=identifier), code=303)
    return render_template("terms/clause_form.html", form=form, clause=clause), (
        400 if form.is_submitted() else 200
    )


@bp.get("/.well-known/jwks.json")
def jwks() -> Response:
    keys = signing.public_jwks(get_session())
    if not keys["keys"]:
        # First use: make the key so the set is never empty, in a short write of its
        # own (a GET reads in a read-only transaction, which would refuse it).
        with get_db().session_factory() as writer:
            signing.active_key(writer)
            writer.commit()
            keys = signing.public_jwks(writer)
    response = jsonify(keys)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
