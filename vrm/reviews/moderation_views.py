"""The moderators' queue of reported reviews: hide one, or dismiss its reports."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField

from vrm.db import get_session
from vrm.errors import DomainError, NotFound
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.members.policies import require_moderator
from vrm.reviews import moderation
from vrm.reviews.models import Review

bp = Blueprint("review_moderation", __name__)
LIMIT = {"key_func": member_or_address, "methods": ["POST"]}


class DecisionForm(FlaskForm):
    reason = TextAreaField("Why it is hidden (shown to its author)")


def _require_moderator() -> None:
    require_moderator(current_user, "Only moderators see reported reviews.")


def _queue(status: int = 200, errors: dict[int, str] | None = None) -> tuple[str, int]:
    return render_template(
        "reviews/moderation.html",
        flagged=moderation.open_flags(get_session()),
        form=DecisionForm(),
        errors=errors or {},
    ), status


def _review(review_id: int) -> Review:
    review = get_session().get(Review, review_id)
    if review is None:
        raise NotFound("There is no such review on Parley.")
    return review


@bp.get("/moderation/reviews")
@login_required
def queue() -> tuple[str, int]:
    _require_moderator()
    return _queue()


@bp.post("/moderation/reviews/<int:review_id>/hide")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def hide(review_id: int) -> Response | tuple[str, int]:
    _require_moderator()
    form = DecisionForm()
    if not form.validate_on_submit():
        return _queue(400, {review_id: "The form had expired. Please try again."})
    session = get_session()
    review = _review(review_id)
    try:
        moderation.hide_review(
            session, moderator=current_user, review=review, reason=form.reason.data or ""
        )
    except DomainError as error:
        if error.field != "reason":
            raise
        return _queue(400, {review_id: error.detail})
    session.commit()
    flash(f"“{review.title}” is hidden.", "success")
    return redirect(url_for("review_moderation.queue"), code=303)


@bp.post("/moderation/reviews/<int:review_id>/dismiss")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def dismiss(review_id: int) -> Response | tuple[str, int]:
    _require_moderator()
    if not DecisionForm().validate_on_submit():
        return _queue(400, {review_id: "The form had expired. Please try again."})
    session = get_session()
    review = _review(review_id)
    moderation.dismiss_flags(session, moderator=current_user, review=review)
    session.commit()
    flash(f"The reports on “{review.title}” are dismissed; it stays up.", "success")
    return redirect(url_for("review_moderation.queue"), code=303)
