from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from vrm.db import get_session
from vrm.extensions import WRITE_LIMIT, limiter
from vrm.identity.forms import EmptyForm, IdentifierForm, ProviderForm
from vrm.members import service
from vrm.members.erasure import ERASURE_CHOICES, scrub_storage
from vrm.members.forms import EraseForm
from vrm.settings_access import get_settings

bp = Blueprint("members", __name__)

EXPORT_SCHEMA = Path(__file__).with_name("export.schema.json")


@bp.get("/account")
@login_required
def account() -> str:
    return render_template(
        "members/account.html",
        member=current_user,
        providers=get_settings().providers,
        provider_form=ProviderForm(intent="link"),
        identifier_form=IdentifierForm(intent="link"),
        button_form=EmptyForm(),
        erase_form=EraseForm(),
        erasure_choices=ERASURE_CHOICES,
    )


@bp.post("/account/identities/<int:identity_id>/unlink")
@login_required
@limiter.limit(WRITE_LIMIT)
def unlink_identity(identity_id: int) -> Response:
    if not EmptyForm().validate_on_submit():
        flash("That form had expired. Please try again.", "error")
        return redirect(url_for("members.account"))
    session = get_session()
    service.unlink_identity(session, current_user, identity_id)
    session.commit()
    flash("That identity is no longer linked.", "success")
    return redirect(url_for("members.account"), code=303)


@bp.get("/account/export.json")
@login_required
def export_data() -> Response:
    document = service.export_member(get_session(), current_user)
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="parley-{current_user.handle}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/account/export.schema.json")
def export_schema() -> Response:
    """The documented format of the export, public: anyone may check a file against it."""
    return Response(
        EXPORT_SCHEMA.read_bytes(),
        mimetype="application/schema+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@bp.post("/account/erase")
@login_required
@limiter.limit(WRITE_LIMIT)
def erase_account() -> Response | tuple[str, int]:
    form = EraseForm()
    if (
        not form.validate_on_submit()
        or (form.confirm_handle.data or "").strip().lower() != current_user.handle
    ):
        if form.confirm_handle.data is not None and not form.confirm_handle.errors:
            form.confirm_handle.errors = ["That is not your handle. Type it to confirm."]
        return render_template(
            "members/account.html",
            member=current_user,
            providers=get_settings().providers,
            provider_form=ProviderForm(intent="link"),
            identifier_form=IdentifierForm(intent="link"),
            button_form=EmptyForm(),
            erase_form=form,
            erasure_choices=ERASURE_CHOICES,
        ), 400
    session = get_session()
    keep_reviews = form.choice.data == "keep_reviews"
    service.erase_member(session, current_user._get_current_object(), keep_reviews=keep_reviews)
    session.commit()
    logout_user()
    from flask import current_app
    from flask import session as cookie

    cookie.clear()
    scrub_storage(current_app)
    flash(
        "Your account has been erased. Your reviews stay as a former member's."
        if keep_reviews
        else "Your account and everything Parley held about you have been erased.",
        "success",
    )
    return redirect(url_for("main.index"), code=303)
