from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms 3.2

from vrm import markdown
from vrm.caching.pages import public_page
from vrm.db import get_session
from vrm.errors import DomainError, NotAllowed
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.pagination import note_past_end, within_range
from vrm.settings_access import get_settings
from vrm.suppliers import queries, service
from vrm.suppliers.forms import NO_AREA, MergeForm, RemoveForm, SupplierForm
from vrm.suppliers.models import Area, Supplier
from vrm.suppliers.sectors import KINDS, SECTORS

bp = Blueprint("suppliers", __name__)

Page = str | tuple[str, int] | Response


def _field_error(form: FlaskForm, exc: DomainError) -> None:
    """Show a service's refusal at the field it is about (or above the form)."""
    field = getattr(form, exc.field or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, exc.detail]
    else:
        form.form_errors.append(exc.detail)


@bp.app_errorhandler(queries.SupplierMoved)
def _moved(exc: queries.SupplierMoved) -> Response:
    """Any route that found its supplier by an old slug: the same route at the new one,
    with the same query (308 keeps a form's method and body)."""
    if request.endpoint is None or "slug" not in (request.view_args or {}):
        abort(404)  # only routes with a <slug> call public_supplier; a lookup by form
        # field or query argument uses public_by_slug and takes the current supplier
    target = url_for(request.endpoint, **{**(request.view_args or {}), "slug": exc.slug})
    query = request.query_string.decode()
    code = 301 if request.method in ("GET", "HEAD") else 308
    return redirect(f"{target}?{query}" if query else target, code=code)


@bp.get("/suppliers")
@bp.get("/sectors/<sector>")
@public_page
def list_suppliers(sector: str | None = None) -> Page:
    if sector is not None and sector not in SECTORS:
        abort(404)
    session = get_session()
    args = request.args.to_dict()
    if sector:
        args["sector"] = sector
    context: dict[str, Any] = {"kinds": KINDS, "sectors": SECTORS, "error": None}
    context["areas"] = queries.area_choices(session)
    try:
        filters = queries.parse_filters(session, args, include_ended_default=False)
    except queries.BadFilter as exc:
        context["error"] = exc
        filters = queries.SupplierFilter(include_ended=False)
        context.update(page=None, filters=filters, args={})
        return render_template("suppliers/list.html", **context), 400
    link_args = filters.args() | ({"ended": "1"} if filters.include_ended else {})
    page = within_range(
        lambda number: queries.list_suppliers(session, dataclasses.replace(filters, page=number)),
        filters.page,
    )
    context.update(page=page, filters=filters, args=link_args)
    return render_template("suppliers/list.html", **context)


def _supplier_form(session: Any) -> SupplierForm:
    form = SupplierForm()
    form.area.choices = [
        NO_AREA,
        *(SelectChoice(*c, optgroup="Nations and regions") for c in queries.area_choices(session)),
        *(
            SelectChoice(*c, optgroup="Local authorities")
            for c in queries.local_authority_choices(session)
        ),
    ]
    return form


@bp.route("/suppliers/new", methods=["GET", "POST"])
@login_required
@limiter.limit(WRITE_LIMIT, key_func=member_or_address, methods=["POST"])
def new_supplier() -> Page:
    session = get_session()
    form = _supplier_form(session)

    def again(status: int, candidates: list[Any] | None = None) -> tuple[str, int]:
        return render_template("suppliers/new.html", form=form, candidates=candidates), status

    if request.method == "GET":
        return again(200)
    if not form.validate_on_submit():
        return again(400)
    draft = {
        "name": form.name.data,
        "kind": form.kind.data,
        "sector": form.sector.data,
        "website_domain": form.website_domain.data,
        "description": form.description.data or "",
        "aliases": [a for a in (form.aliases.data or "").split(",") if a.strip()],
        "allow_loopback": get_settings().allow_loopback_issuers,
    }
    try:
        if form.area.data:
            area = session.scalar(select(Area).where(Area.code == form.area.data))
            if area is None:
                raise service.SupplierError("Choose an area from the list.", field="area")
            draft["area_id"] = area.id
        if form.parent.data:
            parent = queries.find_public_by_slug(session, form.parent.data)
            if parent is None:
                raise service.SupplierError(
                    "No supplier in Parley has that address.", field="parent"
                )
            draft["parent_id"] = parent.id
        domain = service.clean_domain(draft["website_domain"], allow_loopback=True)
        if not form.confirm_new.data:
            candidates = service.likely_duplicates(session, form.name.data or "", domain)
            if candidates:
                # Not an error: a question. The page lists them and asks to confirm.
                return again(200, candidates)
        supplier = service.create_supplier(
            session, actor=current_user._get_current_object(), **draft
        )
    except service.SupplierError as exc:
        _field_error(form, exc)
        return again(400)
    session.commit()
    flash(f"{supplier.name} is now in Parley. You can review it now.", "success")
    return redirect(url_for("suppliers.show_supplier", slug=supplier.slug), code=303)


@bp.get("/s/<slug>")
@public_page
def show_supplier(slug: str) -> Page:
    from vrm.escalation.queries import supplier_routes
    from vrm.representatives.queries import supplier_panel_context
    from vrm.reputation.queries import supplier_reputation_context
    from vrm.reviews.queries import supplier_reviews_context
    from vrm.terms.queries import supplier_terms_context
    from vrm.watch.shifts import shift_marks

    session = get_session()
    supplier = queries.public_supplier(session, slug)
    reviews = supplier_reviews_context(session, supplier, request.args, current_user)
    note_past_end(reviews["review_filters"].page, reviews["review_page"])
    return render_template(
        "suppliers/show.html",
        **reviews,
        **supplier_panel_context(session, supplier, current_user),
        terms_panel=supplier_terms_context(session, supplier, current_user),
        escalation_routes=supplier_routes(session, supplier)[1],
        **supplier_reputation_context(session, supplier, marks=shift_marks(session, supplier.id)),
        **queries.supplier_page(session, supplier),
        supplier=supplier,
        kind_name=KINDS.get(supplier.kind, supplier.kind),
        sector_name=SECTORS.get(supplier.sector, supplier.sector),
        description_html=markdown.render(supplier.description) if supplier.description else "",
        is_moderator=current_user.is_authenticated and current_user.is_moderator,
    )


def _moderated_supplier(slug: str) -> Supplier:
    if not current_user.is_moderator:
        raise NotAllowed("Only moderators can merge or remove suppliers.")
    return queries.public_supplier(get_session(), slug)


@bp.route("/s/<slug>/merge", methods=["GET", "POST"])
@login_required
@limiter.limit(WRITE_LIMIT, key_func=member_or_address, methods=["POST"])
def merge_supplier(slug: str) -> Page:
    supplier = _moderated_supplier(slug)
    session, form = get_session(), MergeForm()
    candidates = [
        s
        for s in service.likely_duplicates(session, supplier.name, supplier.website_domain)
        if s.id != supplier.id
    ]

    def again(status: int) -> tuple[str, int]:
        page = render_template(
            "suppliers/merge.html", form=form, supplier=supplier, candidates=candidates
        )
        return page, status

    if request.method == "GET":
        return again(200)
    if not form.validate_on_submit():
        return again(400)
    target = queries.find_public_by_slug(session, form.target.data or "")
    try:
        if target is None:
            raise service.SupplierError("No public supplier has that address.", field="target")
        result = service.merge_suppliers(
            session, moderator=current_user._get_current_object(), source=supplier, target=target
        )
    except service.SupplierError as exc:
        _field_error(form, exc)
        return again(400)
    session.commit()
    flash(
        f"Merged {supplier.name} into {target.name}: {len(result.moved_review_ids)} reviews "
        "moved, and the old address now leads here.",
        "success",
    )
    if result.kept_review_ids:
        flash(
            f"{len(result.kept_review_ids)} reviews stayed with {supplier.name} because their "
            "authors had already reviewed this one; they remain at their own addresses.",
            "info",
        )
    return redirect(url_for("suppliers.show_supplier", slug=target.slug), code=303)


@bp.route("/s/<slug>/remove", methods=["GET", "POST"])
@login_required
@limiter.limit(WRITE_LIMIT, key_func=member_or_address, methods=["POST"])
def remove_supplier(slug: str) -> Page:
    supplier = _moderated_supplier(slug)
    session, form = get_session(), RemoveForm()

    def again(status: int) -> tuple[str, int]:
        return render_template("suppliers/remove.html", form=form, supplier=supplier), status

    if request.method == "GET":
        return again(200)
    if not form.validate_on_submit():
        return again(400)
    try:
        service.remove_supplier(
            session,
            moderator=current_user._get_current_object(),
            supplier=supplier,
            reason=form.reason.data or "",
        )
    except service.SupplierError as exc:
        _field_error(form, exc)
        return again(400)
    session.commit()
    flash(f"{supplier.name} was removed. Its page now says why.", "success")
    return redirect(url_for("suppliers.list_suppliers"), code=303)
