"""A member's terms: the composer, publishing and withdrawing, and the public pages and
canonical JSON of every version."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from vrm import markdown
from vrm.db import get_session
from vrm.errors import DomainError
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.members.models import Member
from vrm.terms import composer, queries, service
from vrm.terms.blueprint import bp
from vrm.terms.forms import ButtonForm, TermsForm
from vrm.terms.models import TermsVersion
from vrm.terms.parameters import describe


def _owner(handle: str) -> Member:
    member = queries.member_by_handle(get_session(), handle)
    if member.id != current_user.id:
        abort(403, "Only the member themselves can change their terms.")
    return member


def _composer(
    member: Member,
    form: TermsForm,
    items: list[dict[str, Any]],
    errors: dict[str, str],
    status: int,
) -> tuple[str, int]:
    session = get_session()
    versions = [clause.latest for clause in queries.library(session)]
    row_ids = {version.identifier for version in versions}
    return render_template(
        "terms/edit.html",
        member=member,
        form=form,
        rows=composer.rows(versions, items, errors),
        terms=queries.terms_for(session, member),
        errors=errors,
        row_ids=row_ids,
        general_errors=[m for k, m in errors.items() if k not in row_ids and k != "text"],
        button_form=ButtonForm(),
    ), status


@bp.get("/account/terms")
@login_required
def my_terms() -> Response:
    return redirect(url_for("terms.edit_terms", handle=current_user.handle))


@bp.route("/members/<handle>/terms/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(WRITE_LIMIT, key_func=member_or_address, methods=["POST"])
def edit_terms(handle: str) -> Response | tuple[str, int]:
    member = _owner(handle)
    session = get_session()
    terms = queries.terms_for(session, member)
    form = TermsForm()
    if request.method == "GET":
        draft = terms.draft if terms else {}
        form.text.data = draft.get("text", "")
        return _composer(member, form, draft.get("clauses", []), {}, 200)
    library = {clause.identifier: clause.latest for clause in queries.library(session)}
    items = composer.items_from_form(request.form, library)
    if not form.validate_on_submit():
        return _composer(member, form, items, {}, 400)
    publishing = request.form.get("action") == "publish"
    try:
        service.save_draft(
            session, actor=current_user, member=member, items=items, text=form.text.data or ""
        )
        version = (
            service.publish(session, actor=current_user, member=member) if publishing else None
        )
    except service.TermsInvalid as error:
        session.rollback()
        if "text" in error.errors:
            form.text.errors = [error.errors["text"]]
        return _composer(member, form, items, error.errors, error.status)
    except DomainError as error:
        session.rollback()
        return _composer(member, form, items, {"clauses": error.detail}, error.status)
    session.commit()
    if version is not None:
        flash(f"Version {version.number} of your terms is published.", "success")
        return redirect(url_for("terms.show_terms", handle=member.handle), code=303)
    flash("Your draft is saved. Publish it when you are ready.", "success")
    return redirect(url_for("terms.edit_terms", handle=member.handle), code=303)


@bp.post("/members/<handle>/terms/withdraw")
@login_required
@limiter.limit(WRITE_LIMIT, key_func=member_or_address)
def withdraw_terms(handle: str) -> Response:
    member = _owner(handle)
    if not ButtonForm().validate_on_submit():
        abort(400, "That form had expired. Please try again.")
    session = get_session()
    service.withdraw(session, actor=current_user, member=member)
    session.commit()
    flash("Your terms are withdrawn. Agreements already made keep their version.", "success")
    return redirect(url_for("terms.show_terms", handle=member.handle), code=303)


def describe_version(version: TermsVersion) -> dict[str, Any]:
    """What a terms page shows: each clause's wording and readable parameter values."""
    document = version.document
    found = queries.clause_versions_by_key(get_session(), document["clauses"])
    clauses = []
    for item in document["clauses"]:
        clause_version = found[f"{item['clause']}@{item['version']}"]
        schema = clause_version.parameters if clause_version else {}
        clauses.append(
            {
                "item": item,
                "clause_version": clause_version,
                "settings": [
                    (schema.get(name, {}).get("label", name), describe(schema.get(name, {}), v))
                    for name, v in item["parameters"].items()
                ],
            }
        )
    return {"clauses": clauses, "text_html": markdown.render(document["text"])}


def _render_version(member: Member, version: TermsVersion) -> str:
    terms = version.terms
    return render_template(
        "terms/show.html",
        member=member,
        terms=terms,
        version=version,
        shown=describe_version(version),
        is_current=terms.current is version,
        is_owner=current_user.is_authenticated and current_user.id == member.id,
        button_form=ButtonForm(),
    )


@bp.get("/members/<handle>/terms")
def show_terms(handle: str) -> str:
    session = get_session()
    member = queries.member_by_handle(session, handle)
    terms = queries.terms_for(session, member)
    if terms is None or terms.latest is None:
        abort(404, f"{member.handle} has not published terms.")
    return _render_version(member, terms.latest)


@bp.get("/members/<handle>/terms/v/<int:number>")
def show_version(handle: str, number: int) -> str:
    session = get_session()
    member = queries.member_by_handle(session, handle)
    return _render_version(member, queries.version_of(session, member, number))


def _canonical(version: TermsVersion) -> Response:
    # The exact bytes that were hashed: `sha256sum` of this body is the version's id.
    return Response(
        version.canonical.encode("utf-8"),
        mimetype="application/json",
        headers={
            "ETag": f'"{version.sha256}"',
            "Access-Control-Allow-Origin": "*",
        },
    )


@bp.get("/members/<handle>/terms.json")
def terms_json(handle: str) -> Response:
    session = get_session()
    member = queries.member_by_handle(session, handle)
    version = queries.current_version(session, member)
    if version is None:
        abort(404, f"{member.handle} has no terms in force.")
    return _canonical(version)


@bp.get("/members/<handle>/terms/v/<int:number>.json")
def version_json(handle: str, number: int) -> Response:
    session = get_session()
    member = queries.member_by_handle(session, handle)
    return _canonical(queries.version_of(session, member, number))
