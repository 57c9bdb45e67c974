"""Writing in a review's public thread: answers, replies, resolution and change verdicts.

Each view: form → thread service → commit once → redirect 303 to the review's permalink.
Bad input gives a 400 page with the message (the thread form lives on another feature's
page, so there is no form here to re-render); a broken rule gives its own status.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms 3.2
from wtforms.validators import InputRequired, Length

from vrm.db import get_session
from vrm.errors import DomainError, NotFound
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.reviews import thread
from vrm.reviews.models import ChangeClaim, Review

bp = Blueprint("thread", __name__)
LIMIT = {"key_func": member_or_address, "methods": ["POST"]}


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Your message",
        validators=[
            InputRequired(message="Write your message."),
            Length(max=thread.BODY_MAX, message=f"Keep it under {thread.BODY_MAX:,} characters."),
        ],
    )
    states_change_made = BooleanField("We made a change because of this review")


class ResolutionForm(FlaskForm):
    resolution = RadioField(
        "Is the matter resolved?",
        choices=[
            SelectChoice("resolved", "Resolved"),
            SelectChoice("not_resolved", "Not resolved"),
        ],
        validators=[InputRequired(message="Choose resolved or not resolved.")],
    )


class VerdictForm(FlaskForm):
    verdict = RadioField(
        "Was the change made?",
        choices=[
            SelectChoice("confirmed", "Yes, it was made"),
            SelectChoice("denied", "No, it was not"),
        ],
        validators=[InputRequired(message="Choose yes or no.")],
    )


def review_url(review_id: int) -> str:
    """The review's permalink (the reviews feature's route)."""
    return url_for("reviews.show_review", review_id=review_id)


def _review(review_id: int) -> Review:
    review = get_session().get(Review, review_id)
    if review is None:
        raise NotFound("There is no such review.")
    return review


def _invalid(form: FlaskForm) -> DomainError:
    for errors in form.errors.values():
        if isinstance(errors, list | tuple):  # a field's messages (a FormField's is a dict)
            return DomainError(str(errors[0]))
    return DomainError("That form had expired. Please try again.")


def _done(review_id: int, message: str) -> Response:
    get_session().commit()
    flash(message, "success")
    return redirect(review_url(review_id), code=303)


@bp.post("/reviews/<int:id>/answer")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def answer_review(id: int) -> Response:
    review = _review(id)
    form = MessageForm()
    if not form.validate_on_submit():
        raise _invalid(form)
    thread.answer_review(
        get_session(),
        representative=current_user,
        review=review,
        body=form.body.data or "",
        states_change_made=bool(form.states_change_made.data),
    )
    return _done(id, f"Your answer for {review.supplier.name} is published.")


@bp.post("/reviews/<int:id>/reply")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def reply_to_thread(id: int) -> Response:
    review = _review(id)
    form = MessageForm()
    if not form.validate_on_submit():
        raise _invalid(form)
    thread.reply_to_thread(
        get_session(), member=current_user, review=review, body=form.body.data or ""
    )
    return _done(id, "Your reply is published.")


@bp.post("/reviews/<int:id>/resolution")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def mark_resolution(id: int) -> Response:
    review = _review(id)
    form = ResolutionForm()
    if not form.validate_on_submit():
        raise _invalid(form)
    resolved = form.resolution.data == "resolved"
    thread.mark_resolution(get_session(), member=current_user, review=review, resolved=resolved)
    return _done(id, "Marked resolved." if resolved else "Marked not resolved.")


@bp.post("/change-claims/<int:id>/verdict")
@login_required
@limiter.limit(WRITE_LIMIT, **LIMIT)
def answer_change_claim(id: int) -> Response:
    claim = get_session().get(ChangeClaim, id)
    if claim is None:
        raise NotFound("There is no such question.")
    form = VerdictForm()
    if not form.validate_on_submit():
        raise _invalid(form)
    confirmed = form.verdict.data == "confirmed"
    thread.answer_change_claim(get_session(), member=current_user, claim=claim, confirmed=confirmed)
    return _done(claim.review_id, "Thank you: your answer is shown beside the supplier's.")
