"""Claiming to represent a supplier, proving it, the moderators' queue and the public log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms 3.2

from vrm.clock import now
from vrm.db import get_session
from vrm.errors import DomainError, NotAllowed
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.identity import discovery, flow, providers, session_state
from vrm.identity.clients import ClientCredentials
from vrm.identity.errors import SignInError
from vrm.identity.forms import EmptyForm
from vrm.identity.safe_http import guarded_session
from vrm.representatives import queries, service, verification
from vrm.representatives.forms import ClaimForm, EmailClaimForm, ReasonForm
from vrm.settings_access import get_settings
from vrm.suppliers.queries import public_supplier

bp = Blueprint("representatives", __name__)
LIMIT = {"key_func": member_or_address, "methods": ["POST"]}


def _email_form() -> EmailClaimForm:
    form = EmailClaimForm()
    form.provider_id.choices = [
        SelectChoice(p.id, p.name) for p in get_settings().providers if p.trusted_for_email
    ]
    return form


def _render_represent(
    slug: str, *, status: int = 200, error: DomainError | None = None, **forms: Any
) -> tuple[str, int]:
    session = get_session()
    supplier = public_supplier(session, slug)
    member_id = queries.viewer_id(current_user)
    claim = service.open_claim(session, member_id, supplier.id) if member_id else None
    settings = get_settings()
    url = (
        verification.verification_url(claim.domain, settings.allow_loopback_issuers)
        if claim is not None and claim.method == "domain" and claim.domain
        else None
    )
    email_form = forms.get("email_form") or _email_form()
    return render_template(
        "representatives/represent.html",
        supplier=supplier,
        claim=claim,
        verification_url=url,
        error=error,
        claim_form=forms.get("claim_form") or ClaimForm(),
        email_form=email_form,
        email_possible=bool(email_form.provider_id.choices) and bool(supplier.website_domain),
        reason_form=forms.get("reason_form") or ReasonForm(),
        button_form=EmptyForm(),
    ), status


@bp.get("/s/<slug>/represent")
def show_represent(slug: str) -> tuple[str, int]:
    return _render_represent(slug)


@bp.post("/s/<slug>/represent")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def start_claim(slug: str) -> Response | tuple[str, int]:
    form = ClaimForm()
    if not form.validate_on_submit():
        return _render_represent(slug, status=400, claim_form=form)
    session = get_session()
    supplier = public_supplier(session, slug)
    try:
        service.request_claim(
            session,
            member=current_user,
            supplier=supplier,
            method=form.method.data or "",
            note=form.note.data or "",
        )
    except DomainError as error:
        session.rollback()
        _field_error(form, error)
        return _render_represent(slug, status=error.status, error=error, claim_form=form)
    session.commit()
    flash("Your claim is started. Follow the steps below to prove it.", "success")
    return redirect(url_for("representatives.show_represent", slug=slug), code=303)


@bp.post("/s/<slug>/represent/email")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def start_email_claim(slug: str) -> Response | tuple[str, int]:
    form = _email_form()
    if not form.validate_on_submit():
        return _render_represent(slug, status=400, email_form=form)
    session = get_session()
    supplier = public_supplier(session, slug)
    claim = service.open_claim(session, current_user.id, supplier.id)
    try:
        if claim is None or claim.method != "email" or claim.status != "pending":
            service.request_claim(session, member=current_user, supplier=supplier, method="email")
    except DomainError as error:
        session.rollback()
        return _render_represent(slug, status=error.status, error=error, email_form=form)
    session.commit()
    settings = get_settings()
    provider = providers.configured(settings, form.provider_id.data or "")
    metadata = discovery.discover(guarded_session(settings.allow_loopback_issuers), provider.issuer)
    url, pending = flow.begin(
        metadata,
        ClientCredentials.from_config(provider),
        redirect_uri=url_for("identity.callback", _external=True),
        now=now(),
        intent="verify_email",
        provider_id=provider.id,
    )
    session_state.remember_pending(pending)
    return redirect(url, code=303)


def finish_email_claim(verified: flow.VerifiedSignIn) -> Response:
    """Called by the sign-in callback for intent "verify_email"."""
    if not current_user.is_authenticated:
        raise SignInError.callback("Sign in first, then prove your claim by email.")
    session = get_session()
    try:
        claim = service.finish_email_verification(session, current_user, verified, get_settings())
    except DomainError as error:
        session.rollback()
        flash(error.detail, "error")
        return redirect(url_for("main.index"), code=303)
    session.commit()
    flash(f"You now represent {claim.supplier.name} on Parley.", "success")
    return redirect(url_for("representatives.show_represent", slug=claim.supplier.slug), code=303)


@bp.post("/claims/<int:claim_id>/check")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def check_claim(claim_id: int) -> Response | tuple[str, int]:
    session = get_session()
    claim = _own_claim(claim_id)
    slug = claim.supplier.slug
    if not EmptyForm().validate_on_submit():
        abort(400)
    settings = get_settings()
    try:
        service.check_domain_claim(
            session,
            claim,
            http=guarded_session(settings.allow_loopback_issuers),
            allow_loopback=settings.allow_loopback_issuers,
            actor=current_user,
        )
    except DomainError as error:
        session.rollback()
        return _render_represent(slug, status=error.status, error=error)
    session.commit()
    flash(f"Verified: you now represent {claim.supplier.name} on Parley.", "success")
    return redirect(url_for("representatives.show_represent", slug=slug), code=303)


@bp.post("/claims/<int:claim_id>/revoke")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def revoke_claim(claim_id: int) -> Response | tuple[str, int]:
    session = get_session()
    claim = queries.get_claim(session, claim_id)
    if claim.member_id != current_user.id and not current_user.is_moderator:
        raise NotAllowed("Only the representative or a moderator can revoke this claim.")
    form = ReasonForm()
    slug = claim.supplier.slug
    if not form.validate_on_submit():
        if current_user.is_moderator and claim.member_id != current_user.id:
            return _render_queue(400, errors={claim.id: _first_error(form)})
        return _render_represent(slug, status=400, reason_form=form)
    try:
        service.revoke_claim(
            session, actor=current_user, claim=claim, reason=form.reason.data or ""
        )
    except DomainError as error:
        session.rollback()
        return _render_represent(slug, status=error.status, error=error)
    session.commit()
    flash("The claim is revoked, and the log says so.", "success")
    return redirect(url_for("representatives.show_log", slug=slug), code=303)


@bp.get("/s/<slug>/representatives/log")
def show_log(slug: str) -> str:
    session = get_session()
    supplier = public_supplier(session, slug)
    return render_template(
        "representatives/log.html", supplier=supplier, entries=queries.public_log(session, supplier)
    )


def _render_queue(status: int = 200, errors: dict[int, str] | None = None) -> tuple[str, int]:
    return render_template(
        "representatives/moderation.html",
        claims=queries.pending_claims(get_session()),
        errors=errors or {},
        button_form=EmptyForm(),
        reason_form=ReasonForm(),
    ), status


@bp.get("/moderation/claims")
@login_required
def moderation_queue() -> tuple[str, int]:
    _require_moderator()
    return _render_queue()


@bp.post("/moderation/claims/<int:claim_id>/approve")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def approve_claim(claim_id: int) -> Response | tuple[str, int]:
    _require_moderator()
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _decide(claim_id, lambda s, c: service.approve_claim(s, moderator=current_user, claim=c))


@bp.post("/moderation/claims/<int:claim_id>/reject")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def reject_claim(claim_id: int) -> Response | tuple[str, int]:
    _require_moderator()
    form = ReasonForm()
    if not form.validate_on_submit():
        return _render_queue(400, errors={claim_id: _first_error(form)})
    reason = form.reason.data or ""
    return _decide(
        claim_id,
        lambda s, c: service.reject_claim(s, moderator=current_user, claim=c, reason=reason),
    )


def _decide(claim_id: int, action: Any) -> Response | tuple[str, int]:
    session = get_session()
    claim = queries.get_claim(session, claim_id)
    try:
        action(session, claim)
    except DomainError as error:
        session.rollback()
        return _render_queue(error.status, errors={claim_id: error.detail})
    session.commit()
    flash(f"Claim by {claim.member.handle} for {claim.supplier.name}: {claim.status}.", "success")
    return redirect(url_for("representatives.moderation_queue"), code=303)


def _require_moderator() -> None:
    if not current_user.is_moderator:
        raise NotAllowed("Only moderators can see and decide claims.")


def _own_claim(claim_id: int) -> Any:
    claim = queries.get_claim(get_session(), claim_id)
    if claim.member_id != current_user.id:
        raise NotAllowed("Only the member who made this claim can check it.")
    return claim


def _field_error(form: Any, error: DomainError) -> None:
    if error.field and error.field in form:
        form[error.field].errors = [error.detail]


def _first_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "That form had expired. Please try again."
