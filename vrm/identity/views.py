"""Sign-in, first-visit handle choice, linking and sign-out. Thin: the rules live in
flow.py, providers.py and members.service."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from vrm.clock import now
from vrm.db import end_transaction, get_session, writes
from vrm.extensions import SIGN_IN_LIMIT, limiter
from vrm.identity import discovery, flow, providers, session_state
from vrm.identity.clients import ClientCredentials
from vrm.identity.errors import SignInError
from vrm.identity.forms import EmptyForm, HandleForm, IdentifierForm, ProviderForm
from vrm.identity.safe_http import guarded_session
from vrm.members import service as members
from vrm.members.models import Member
from vrm.settings_access import get_settings

bp = Blueprint("identity", __name__)


def _redirect_uri() -> str:
    return url_for("identity.callback", _external=True)


def _post_logout_uri() -> str:
    return url_for("identity.signed_out", _external=True)


def _intent(form: ProviderForm | IdentifierForm) -> str:
    return "link" if form.intent.data == "link" and current_user.is_authenticated else "sign_in"


def _render_sign_in(form: IdentifierForm | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "identity/sign_in.html",
        providers=get_settings().providers,
        identifier_form=form or IdentifierForm(),
        provider_form=ProviderForm(),
        linking=False,
        next_path=flow.safe_next_path(request.values.get("next")),
    ), status


@bp.get("/sign-in")
def sign_in() -> Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("members.account"))
    return _render_sign_in()


@bp.post("/sign-in/provider/<provider_id>")
@limiter.limit(SIGN_IN_LIMIT)
def start_with_provider(provider_id: str) -> Response:
    form = ProviderForm()
    if not form.validate_on_submit():
        raise SignInError.callback("The sign-in form had expired. Please try again.")
    settings = get_settings()
    provider = providers.configured(settings, provider_id)
    metadata = discovery.discover(guarded_session(settings.allow_loopback_issuers), provider.issuer)
    return _send_to_provider(
        metadata,
        ClientCredentials.from_config(provider),
        _intent(form),
        provider.id,
        form.next.data,
    )


@bp.post("/sign-in")
@limiter.limit(SIGN_IN_LIMIT)
def start_with_identifier() -> Response | tuple[str, int]:
    form = IdentifierForm()
    if not form.validate_on_submit():
        return _render_sign_in(form, 400)
    settings = get_settings()
    session = get_session()
    end_transaction(session)  # WebFinger, discovery and registration come first
    try:
        metadata, credentials, provider_id = providers.resolve_named(
            session,
            guarded_session(settings.allow_loopback_issuers),
            settings,
            form.identifier.data or "",
            redirect_uri=_redirect_uri(),
            post_logout_redirect_uri=_post_logout_uri(),
        )
    except SignInError as error:
        session.rollback()
        form.identifier.errors = [error.detail, *([error.hint] if error.hint else [])]
        if form.intent.data == "link" and current_user.is_authenticated:
            flash(error.detail, "error")
            return redirect(url_for("members.account"))
        return _render_sign_in(form, error.status)
    session.commit()
    return _send_to_provider(metadata, credentials, _intent(form), provider_id, form.next.data)


def _send_to_provider(
    metadata: discovery.ProviderMetadata,
    credentials: ClientCredentials,
    intent: str,
    provider_id: str | None,
    next_path: str | None = None,
) -> Response:
    url, pending = flow.begin(
        metadata,
        credentials,
        redirect_uri=_redirect_uri(),
        now=now(),
        intent=intent,
        provider_id=provider_id,
        next_path=next_path,
    )
    session_state.remember_pending(pending)
    return redirect(url, code=303)


@bp.get("/sign-in/callback")
@limiter.limit(SIGN_IN_LIMIT)
@writes
def callback() -> Response:
    params = flow.one_value_each(request.args.to_dict(flat=False))
    pending = session_state.pop_pending(params.get("state", ""))
    if pending is None:
        raise SignInError.callback(
            "This sign-in answer was not expected here: it may have been used already, "
            "have expired, or have been started in another browser."
        )
    if pending.intent == flow.SESSION_CHECK:
        return _report_sign_out(flow.provider_signed_out(pending, params))
    settings = get_settings()
    session = get_session()
    credentials = providers.credentials_for_return(
        session, settings, pending.issuer, pending.provider_id
    )
    # The token, keys and user information come from the provider's servers, which may
    # take their time: no transaction (no lock) is held meanwhile; writes come after.
    end_transaction(session)
    verified = flow.complete(
        pending,
        credentials,
        params,
        now=now(),
        allow_loopback=settings.allow_loopback_issuers,
    )
    if verified.intent == "link":
        return _link(verified)
    if verified.intent == "verify_email":
        # A representative proving they work at the supplier's domain.
        from vrm.representatives.views import finish_email_claim

        return finish_email_claim(verified)
    member = members.find_by_identity(session, verified.issuer, verified.subject)
    if member is None:
        session.rollback()
        session_state.remember_newcomer(verified, pending.next_path)
        return redirect(url_for("identity.welcome"))
    session.commit()
    _start_member_session(member, verified)
    flash(f"Welcome back, {member.handle}.", "success")
    return redirect(pending.next_path or url_for("main.index"))


def _link(verified: flow.VerifiedSignIn) -> Response:
    if not current_user.is_authenticated:
        raise SignInError.callback("Sign in first, then link another identity.")
    session = get_session()
    members.link_identity(session, current_user, issuer=verified.issuer, subject=verified.subject)
    session.commit()
    flash("That identity is now linked to your account.", "success")
    return redirect(url_for("members.account"))


def _start_member_session(member: Member, verified: flow.VerifiedSignIn) -> None:
    from flask import session as cookie

    cookie.clear()  # a fresh session on every sign-in: nothing carried over
    login_user(member)
    session_state.remember_provider_session(verified)


@bp.route("/welcome", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def welcome() -> Response | tuple[str, int]:
    newcomer = session_state.newcomer()
    if newcomer is None:
        return redirect(url_for("identity.sign_in"))
    form = HandleForm()
    if request.method == "GET":
        form.handle.data = newcomer.get("suggested_handle") or ""
    status = 200
    if form.validate_on_submit():
        session = get_session()
        try:
            member = members.create_member(
                session,
                handle=form.handle.data or "",
                issuer=newcomer["issuer"],
                subject=newcomer["subject"],
            )
            session.commit()
        except members.HandleError as error:
            session.rollback()
            form.handle.errors = [error.detail]
        except IntegrityError:
            session.rollback()
            form.handle.errors = ["That handle was just taken. Choose another."]
        else:
            verified = flow.VerifiedSignIn(
                issuer=newcomer["issuer"],
                subject=newcomer["subject"],
                client_id=newcomer["provider"]["client_id"],
                provider_id=None,
                end_session_endpoint=newcomer["provider"]["end_session_endpoint"],
                intent="sign_in",
                id_token=newcomer["provider"].get("id_token"),
                authorization_endpoint=newcomer["provider"].get("authorization_endpoint"),
            )
            _start_member_session(member, verified)
            flash(f"Welcome to Parley, {member.handle}.", "success")
            return redirect(newcomer.get("next_path") or url_for("main.index"))
    if form.is_submitted():
        status = 400
    return render_template("identity/welcome.html", form=form), status


SIGNED_OUT_EVERYWHERE = "You are signed out of Parley and of your provider."
SIGNED_OUT_HERE_ONLY = (
    "You are signed out of Parley. Your provider did not confirm that it signed you out "
    "too, so you may still be signed in there: sign out at your provider if others use "
    "this device."
)


@bp.post("/sign-out")
@login_required
def sign_out() -> Response:
    if not EmptyForm().validate_on_submit():
        raise SignInError.callback("The sign-out form had expired. Please try again.")
    provider = session_state.provider_session()
    # The cookie is the session: a copy kept from before must stop working too.
    current_user.session_generation += 1
    get_session().commit()
    logout_user()
    from flask import session as cookie

    cookie.clear()
    if provider and provider.get("end_session_endpoint"):
        # RP-initiated logout: the ID token says whose session to end; the state comes
        # back only to the browser that asked, and is checked in signed_out.
        state = secrets.token_urlsafe(32)
        session_state.remember_logout(state, provider)
        parameters = {
            "client_id": provider["client_id"],
            "post_logout_redirect_uri": _post_logout_uri(),
            "state": state,
        }
        if provider.get("id_token"):
            parameters["id_token_hint"] = provider["id_token"]
        separator = "&" if "?" in provider["end_session_endpoint"] else "?"
        target = f"{provider['end_session_endpoint']}{separator}{urlencode(parameters)}"
        return redirect(target, code=303)
    flash("You are signed out of Parley. (Your provider offers no sign-out to Parley.)", "info")
    return redirect(url_for("main.index"), code=303)


@bp.get("/signed-out")
def signed_out() -> Response:
    """The provider sent the browser back from its logout page. That it came back, even
    with our state, does not say the person chose to sign out there: ask the provider."""
    logout = session_state.pop_logout(request.args.get("state", ""))
    if logout is None or not logout.get("authorization_endpoint"):
        return _report_sign_out(False)
    url, check = flow.begin_session_check(
        issuer=logout["issuer"],
        client_id=logout["client_id"],
        authorization_endpoint=logout["authorization_endpoint"],
        redirect_uri=_redirect_uri(),
        now=now(),
    )
    session_state.remember_pending(check)
    return redirect(url, code=303)


def _report_sign_out(provider_confirmed: bool) -> Response:
    flash(SIGNED_OUT_EVERYWHERE if provider_confirmed else SIGNED_OUT_HERE_ONLY, "info")
    return redirect(url_for("main.index"))
