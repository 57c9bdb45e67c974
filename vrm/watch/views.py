"""Watching: the watch page (choose how), the watch and unwatch buttons, and
/account/watching. A signed-out visitor's Watch link goes through sign-in (login_required
sends ?next=) and comes back to the watch page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from vrm.db import get_session
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.identity.flow import safe_next_path
from vrm.identity.forms import EmptyForm
from vrm.watch import queries, service
from vrm.watch.forms import MODE_CHOICES, WatchForm
from vrm.watch.targets import resolve

bp = Blueprint("watch", __name__)
LIMIT = {"key_func": member_or_address, "methods": ["POST"]}
MODE_NAMES = dict(MODE_CHOICES)


@bp.get("/watch")
@login_required
def show_watch() -> str:
    session = get_session()
    target = resolve(session, request.args)
    existing = service.watching(session, current_user.id, target.key)
    form = WatchForm(formdata=None, mode=existing.mode if existing else "every")
    getattr(form, target.arg[0]).data = target.arg[1]
    form.next.data = safe_next_path(request.args.get("next")) or ""
    return render_template("watch/watch.html", target=target, form=form, existing=existing)


@bp.post("/watch")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def watch() -> Response | tuple[str, int]:
    session = get_session()
    form = WatchForm()
    target = resolve(session, form.target_args())
    if not form.validate_on_submit():
        page = render_template("watch/watch.html", target=target, form=form, existing=None)
        return page, 400
    service.watch(session, member=current_user, target=target, mode=form.mode.data)
    session.commit()
    flash(f"You watch {target.label}: {MODE_NAMES[form.mode.data].lower()}.", "success")
    return redirect(safe_next_path(form.next.data) or url_for("watch.list_watching"), code=303)


@bp.get("/account/watching")
@login_required
def list_watching() -> str:
    session = get_session()
    rows = queries.describe(session, service.watches_of(session, current_user.id))
    return render_template(
        "watch/list.html", rows=rows, modes=MODE_CHOICES, button_form=EmptyForm()
    )


@bp.post("/account/watching/<int:watch_id>/unwatch")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def unwatch(watch_id: int) -> Response:
    if EmptyForm().validate_on_submit():
        session = get_session()
        if service.unwatch(session, member=current_user, watch_id=watch_id):
            flash("You no longer watch that.", "info")
        session.commit()
    return redirect(url_for("watch.list_watching"), code=303)


# The supplier panel's one-click buttons (the URLs Parley has always had).


@bp.post("/s/<slug>/watch")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def watch_supplier(slug: str) -> Response:
    session = get_session()
    target = resolve(session, {"supplier": slug})
    if EmptyForm().validate_on_submit():
        mode = request.form.get("mode", "every")
        service.watch(session, member=current_user, target=target, mode=mode)
        session.commit()
        flash(f"You watch {target.label}: {MODE_NAMES.get(mode, mode).lower()}.", "success")
    return redirect(url_for("suppliers.show_supplier", slug=slug), code=303)


@bp.post("/s/<slug>/unwatch")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def unwatch_supplier(slug: str) -> Response:
    session = get_session()
    target = resolve(session, {"supplier": slug})
    if EmptyForm().validate_on_submit():
        service.unwatch_target(session, member=current_user, target=target)
        session.commit()
        flash(f"You no longer watch {target.label}.", "info")
    return redirect(url_for("suppliers.show_supplier", slug=slug), code=303)
