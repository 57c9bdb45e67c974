"""Writing, editing, withdrawing, marking and flagging reviews; permalinks, history and
members' public profiles. The rules live in vrm.reviews.service."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from vrm.caching.pages import public_page
from vrm.db import get_session
from vrm.errors import Conflict, DomainError, NotAllowed, NotFound
from vrm.escalation.queries import supplier_routes
from vrm.extensions import WRITE_LIMIT, limiter, member_or_address
from vrm.members.policies import is_moderator
from vrm.moderation.queries import decisions_on
from vrm.moderation.rules import KEEPING
from vrm.moderation.views import DecisionForm
from vrm.representatives.policies import is_verified_representative
from vrm.reviews import policies, queries, service
from vrm.reviews.assurance import GRADE_EXPLANATIONS, GRADES, PROVIDER_POINTS
from vrm.reviews.forms import FlagForm, NextForm, ReviewForm
from vrm.reviews.models import ASPECT_LABELS, Review, ReviewRevision
from vrm.reviews.queries import configured_levels
from vrm.reviews.voices import voice_label
from vrm.suppliers.models import Supplier
from vrm.suppliers.queries import public_supplier

bp = Blueprint("reviews", __name__)


@bp.app_context_processor
def _review_labels() -> dict[str, Any]:
    return {"aspect_labels": ASPECT_LABELS, "voice_label": voice_label}


write_limit = limiter.limit(WRITE_LIMIT, key_func=member_or_address, methods=["POST"])
Page = tuple[str, int]


def _review(review_id: int) -> Review:
    """The review if this viewer may see it (its author sees it withdrawn too)."""
    review = get_session().get(Review, review_id)
    if review is None or not policies.can_view(current_user, review):
        raise NotFound("There is no such review on Parley.")
    return review


def _own_review(review_id: int) -> Review:
    review = _review(review_id)
    if not policies.is_author(current_user, review):
        raise NotAllowed("Only the author of a review can change it.")
    return review


def _back(form: NextForm, review: Review) -> str:
    target = form.next.data or ""
    # Only a path on this site; never "//elsewhere" or a full URL.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("reviews.show_review", review_id=review.id)


def _card_context(reviews: list[Review]) -> dict[str, Any]:
    # A form makes a CSRF token, which writes the session cookie: only signed-in members
    # see buttons, and an anonymous page must stay the same for everyone (page cache).
    return {
        "button_form": NextForm() if current_user.is_authenticated else None,
        **queries.cards_context(get_session(), reviews, current_user),
    }


def _render_form(form: ReviewForm, supplier: Supplier, review: Review | None, status: int) -> Page:
    return render_template("reviews/form.html", form=form, supplier=supplier, review=review), status


@bp.route("/s/<slug>/review", methods=["GET", "POST"])
@login_required
@write_limit
def new_review(slug: str) -> Response | Page:
    session = get_session()
    supplier = public_supplier(session, slug)
    service.require_independent(session, current_user, supplier)  # before a form is filled
    existing = queries.live_review_by(session, current_user.id, supplier.id)
    if existing is not None and request.method == "GET":
        flash("You have already reviewed this one. You can edit your review.", "info")
        return redirect(url_for("reviews.edit_review", review_id=existing.id))
    form = ReviewForm()
    if not form.validate_on_submit():
        return _render_form(form, supplier, None, 400 if form.is_submitted() else 200)
    try:
        review = service.post_review(
            session, author=current_user, supplier=supplier, draft=form.draft()
        )
    except service.InvalidReview as exc:
        form.show_errors(exc.errors)
        return _render_form(form, supplier, None, 400)
    except service.AlreadyReviewed as exc:
        return render_template(
            "reviews/form.html",
            form=form,
            supplier=supplier,
            review=None,
            existing_id=exc.review_id,
            conflict=exc.detail,
        ), 409
    session.commit()
    flash("Thank you. Your review is published.", "success")
    return redirect(url_for("reviews.show_review", review_id=review.id), code=303)


@bp.get("/reviews/<int:review_id>")
@public_page
def show_review(review_id: int) -> str:
    session = get_session()
    review = session.get(Review, review_id)
    if review is not None and policies.is_tombstone(current_user, review):
        # Hidden by a moderator: the URL stays, saying when, under which rule and by whom.
        return render_template(
            "reviews/tombstone.html",
            review=review,
            decisions=decisions_on(session, review.id),
            restore_form=DecisionForm() if is_moderator(current_user) else None,
            keeping=KEEPING,
        )
    review = _review(review_id)
    return render_template(
        "reviews/show.html",
        review=review,
        escalation_routes=supplier_routes(session, review.supplier)[1],
        **_card_context([review]),
    )


@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
@write_limit
def edit_review(review_id: int) -> Response | Page:
    session = get_session()
    review = _own_review(review_id)
    if review.status != "live":
        raise Conflict("This review was withdrawn, so it can no longer be edited.")
    form = ReviewForm() if request.method == "POST" else ReviewForm.for_review(review)
    if not form.validate_on_submit():
        return _render_form(form, review.supplier, review, 400 if form.is_submitted() else 200)
    before = review.revision_count
    try:
        service.edit_review(session, editor=current_user, review=review, draft=form.draft())
    except service.InvalidReview as exc:
        form.show_errors(exc.errors)
        return _render_form(form, review.supplier, review, 400)
    session.commit()
    changed = review.revision_count != before
    flash("Your review is updated." if changed else "Nothing had changed.", "success")
    return redirect(url_for("reviews.show_review", review_id=review.id), code=303)


@bp.get("/reviews/<int:review_id>/history")
def review_history(review_id: int) -> str:
    review = _review(review_id)
    revisions = get_session().scalars(
        select(ReviewRevision)
        .where(ReviewRevision.review_id == review.id)
        .order_by(ReviewRevision.number.desc())
    )
    return render_template("reviews/history.html", review=review, revisions=list(revisions))


@bp.route("/reviews/<int:review_id>/withdraw", methods=["GET", "POST"])
@login_required
@write_limit
def withdraw_review(review_id: int) -> Response | str:
    review = _own_review(review_id)
    form = NextForm()
    if not form.validate_on_submit():
        return render_template("reviews/withdraw.html", review=review, form=form)
    session = get_session()
    service.withdraw_review(session, actor=current_user, review=review)
    session.commit()
    flash("Your review is withdrawn. It stays in your data export.", "success")
    return redirect(url_for("reviews.show_member", handle=current_user.handle), code=303)


@bp.post("/reviews/<int:review_id>/helpful")
@login_required
@write_limit
def mark_helpful(review_id: int) -> Response:
    review = _review(review_id)
    form = NextForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    service.mark_helpful(session, member=current_user, review=review)
    session.commit()
    flash("Thank you: marked as helpful.", "success")
    return redirect(_back(form, review), code=303)


@bp.route("/reviews/<int:review_id>/flag", methods=["GET", "POST"])
@login_required
@write_limit
def flag_review(review_id: int) -> Response | Page:
    session = get_session()
    review = _review(review_id)
    if not queries.is_public_review(review):
        raise NotFound("There is no such review on Parley.")
    represents = is_verified_representative(session, current_user.id, review.supplier_id)
    form = FlagForm()
    page = "reviews/flag.html"
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(page, review=review, form=form, represents=represents), status
    try:
        service.flag_review(
            session,
            member=current_user,
            review=review,
            reason=form.reason.data or "",
            on_behalf_of_supplier_id=review.supplier_id if form.as_supplier.data else None,
        )
    except DomainError as exc:
        if exc.field != "reason":
            raise
        form.reason.errors = [exc.detail]
        return render_template(page, review=review, form=form, represents=represents), 400
    session.commit()
    flash("Thank you. A moderator will look at it; the review stays visible meanwhile.", "success")
    return redirect(url_for("reviews.show_review", review_id=review.id), code=303)


@bp.get("/assurance")
@public_page
def assurance() -> str:
    """How sure Parley is of who wrote a review: the grades and the rated providers."""
    levels = sorted(configured_levels().values(), key=lambda p: (-PROVIDER_POINTS[p.level], p.name))
    return render_template(
        "reviews/assurance.html",
        grades=GRADES,
        explanations=GRADE_EXPLANATIONS,
        providers=levels,
    )


@bp.get("/members/<handle>")
def show_member(handle: str) -> str:
    session = get_session()
    member = queries.member_by_handle(session, handle)
    if member is None:
        raise NotFound("There is no member with that handle.")
    page_number = queries.positive_int(request.args.get("page"), 1) or 1
    page = queries.member_public_reviews(session, member, page_number)
    return render_template(
        "reviews/member.html",
        member=member,
        page=page,
        reviews=page.items,
        **_card_context(list(page.items)),
    )
