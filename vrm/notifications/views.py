"""The notifications page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from vrm.clock import now
from vrm.db import get_session, writes
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.identity.forms import EmptyForm
from vrm.notifications import service
from vrm.notifications.links import link_for

bp = Blueprint("notifications", __name__)
LIMIT = {"key_func": member_or_address, "methods": ["POST"]}


@bp.app_context_processor
def _unread_in_header() -> dict[str, Any]:
    """The header's unread count, for signed-in members only (anonymous pages are cached
    and must be the same for everyone)."""

    def unread() -> str:
        if not getattr(current_user, "is_authenticated", False):
            return ""
        count = service.unread_count(get_session(), current_user.id, service.UNREAD_SHOWN)
        return (
            ""
            if not count
            else f"{service.UNREAD_SHOWN}+"
            if count > service.UNREAD_SHOWN
            else str(count)
        )

    return {"unread_notifications": unread}


@bp.get("/notifications")
@login_required
@writes
def list_notifications() -> str:
    session = get_session()
    # Reminders are due by time, not by an event: ask again when the reviewer looks.
    service.due_change_claim_reminders(session, now(), author_id=current_user.id)
    session.commit()
    return render_template(
        "notifications/index.html",
        notifications=service.notifications_for(session, current_user.id),
        unread=service.unread_count(session, current_user.id),
        change_claims=service.pending_change_claims(session, current_user.id),
        link_for=link_for,
        button_form=EmptyForm(),
    )


@bp.post("/notifications/read")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def mark_all_read() -> Response:
    if EmptyForm().validate_on_submit():
        session = get_session()
        service.mark_all_read(session, current_user.id)
        session.commit()
    return redirect(url_for("notifications.list_notifications"), code=303)
