"""Moderation pages: the moderators' queue (hide, keep, restore under a published rule),
each review's public moderation log, and the public transparency page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, TextAreaField

from vrm.caching.pages import public_page
from vrm.db import get_session
from vrm.errors import DomainError, NotFound
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.members.policies import require_moderator
from vrm.moderation import queries, service
from vrm.moderation.rules import ACTIONS, HIDING, KEEPING, RULES, rule_title
from vrm.representatives.queries import pending_claims
from vrm.reviews.models import Review
from vrm.reviews.queries import is_public_review

bp = Blueprint("review_moderation", __name__)
LIMIT = {"key_func": member_or_address, "methods": ["POST"]}
Page = tuple[str, int]


class DecisionForm(FlaskForm):
    rule = HiddenField()  # set by the button pressed: one click, one published rule
    note = TextAreaField("A note to its author (optional, never public)")


@bp.app_context_processor
def _moderation_labels() -> dict[str, Any]:
    return {"rule_title": rule_title, "moderation_actions": ACTIONS, "moderation_rules": RULES}


def _require_moderator() -> None:
    require_moderator(current_user, "Only moderators see reported reviews.")


def _queue(status: int = 200, errors: dict[int, str] | None = None) -> Page:
    session = get_session()
    flagged = service.open_flags(session)
    return render_template(
        "moderation/queue.html",
        flagged=flagged,
        earlier={
            item.review.id: queries.earlier_decisions(session, item.review) for item in flagged
        },
        form=DecisionForm(),
        hiding=HIDING,
        keeping=KEEPING,
        errors=errors or {},
    ), status


def _review(review_id: int) -> Review:
    review = get_session().get(Review, review_id)
    if review is None:
        raise NotFound("There is no such review on Parley.")
    return review


@bp.get("/moderation")
@login_required
def home() -> Response:
    """The header's link: the queue that has work, reported reviews first."""
    _require_moderator()
    session = get_session()
    if not service.open_flag_count(session) and pending_claims(session):
        return redirect(url_for("representatives.moderation_queue"))
    return redirect(url_for("review_moderation.queue"))


@bp.get("/moderation/reviews")
@login_required
def queue() -> Page:
    _require_moderator()
    return _queue()


def _decide(review_id: int, decide: Callable[..., Any], done: str) -> Response | Page:
    _require_moderator()
    form = DecisionForm()
    if not form.validate_on_submit():
        return _queue(400, {review_id: "The form had expired. Please try again."})
    session = get_session()
    review = _review(review_id)
    try:
        decide(session, moderator=current_user, review=review, rule=form.rule.data or "",
               note=form.note.data)  # fmt: skip
    except DomainError as error:
        if error.field not in ("rule", "note"):
            raise
        return _queue(400, {review_id: error.detail})
    session.commit()
    flash(done.format(title=review.title), "success")
    return redirect(url_for("review_moderation.queue"), code=303)


@bp.post("/moderation/reviews/<int:review_id>/hide")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def hide(review_id: int) -> Response | Page:
    return _decide(review_id, service.hide_review, "“{title}” is hidden; its page says why.")


@bp.post("/moderation/reviews/<int:review_id>/dismiss")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def dismiss(review_id: int) -> Response | Page:
    return _decide(
        review_id, service.dismiss_flags, "The reports on “{title}” are dismissed; it stays up."
    )


@bp.post("/moderation/reviews/<int:review_id>/restore")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def restore(review_id: int) -> Response | Page:
    return _decide(review_id, service.restore_review, "“{title}” is restored.")


@bp.get("/reviews/<int:review_id>/moderation")
@public_page
def review_log(review_id: int) -> str:
    session = get_session()
    review = session.get(Review, review_id)
    # Withdrawn reviews are gone at their author's wish; hidden ones keep their log.
    if review is None or review.status != "live":
        raise NotFound("There is no such review on Parley.")
    return render_template(
        "moderation/review_log.html",
        review=review,
        shown=is_public_review(review),
        decisions=queries.decisions_on(session, review.id),
    )


@bp.get("/transparency")
@public_page
def transparency() -> str:
    return render_template(
        "moderation/transparency.html",
        report=queries.transparency(get_session()),
        rules=RULES,
    )
