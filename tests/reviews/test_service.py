"""The review rules, called as plain functions with a database session (no HTTP)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.reviews.factories import (
    make_draft,
    make_member,
    make_representative,
    make_review,
    make_supplier,
)
from vrm import signals
from vrm.activity.models import ActivityEvent
from vrm.errors import Conflict, DomainError, NotAllowed, NotFound
from vrm.members.service import erase_member, export_member
from vrm.reviews import service
from vrm.reviews.models import HelpfulVote, Review, ReviewFlag, ReviewRevision
from vrm.reviews.queries import public_reviews


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def revisions(session, review) -> list[ReviewRevision]:
    return list(
        session.scalars(
            select(ReviewRevision)
            .where(ReviewRevision.review_id == review.id)
            .order_by(ReviewRevision.number)
        )
    )


def test_posting_writes_review_first_revision_event_and_signal(db_session, alice, supplier):
    seen = []

    def listener(review, **kwargs):
        seen.append((review, kwargs["session"]))

    signals.review_posted.connect(listener)
    try:
        review = make_review(db_session, alice, supplier, ease=2, branch="  Leeds  ")
    finally:
        signals.review_posted.disconnect(listener)
    assert seen == [(review, db_session)]
    assert (review.status, review.visibility, review.rating_ease, review.branch) == (
        "live",
        "public",
        2,
        "Leeds",
    )
    assert "<strong>the next day</strong>" in review.body_html
    [first] = revisions(db_session, review)
    assert (first.number, first.title, first.body_html) == (1, review.title, review.body_html)
    kinds = db_session.scalars(
        select(ActivityEvent.kind).where(ActivityEvent.review_id == review.id)
    ).all()
    assert kinds == ["review.posted"]


def test_invalid_draft_raises_with_every_field_and_writes_nothing(db_session, alice, supplier):
    with pytest.raises(service.InvalidReview) as caught:
        service.post_review(
            db_session,
            author=alice,
            supplier=supplier,
            draft=make_draft(rating=6, title="", experienced_on=dt.date(2999, 1, 1)),
        )
    assert set(caught.value.errors) == {"rating", "title", "experienced_on"}
    assert count(db_session, Review) == 0


def test_a_second_live_review_is_a_conflict_and_nothing_is_written(db_session, alice, supplier):
    first = make_review(db_session, alice, supplier)
    before = (count(db_session, Review), count(db_session, ReviewRevision))
    with pytest.raises(service.AlreadyReviewed) as caught:
        make_review(db_session, alice, supplier, title="Again")
    assert isinstance(caught.value, Conflict)
    assert caught.value.review_id == first.id
    assert f"/reviews/{first.id}/edit" in caught.value.hint
    assert (count(db_session, Review), count(db_session, ReviewRevision)) == before


def test_the_unique_index_also_refuses_a_racing_duplicate(db_session, alice, supplier, monkeypatch):
    first = make_review(db_session, alice, supplier)
    real = service.live_review_by
    calls = []

    def stale_then_real(*args):
        # The first check ran before the other request committed; the retry sees it.
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(service, "live_review_by", stale_then_real)
    with pytest.raises(service.AlreadyReviewed) as caught:
        make_review(db_session, alice, supplier, title="Racing")
    assert caught.value.review_id == first.id
    assert count(db_session, Review) == 1 and count(db_session, ReviewRevision) == 1


def test_re_review_after_withdrawal_is_allowed(db_session, alice, supplier):
    first = make_review(db_session, alice, supplier)
    service.withdraw_review(db_session, actor=alice, review=first)
    second = make_review(db_session, alice, supplier, title="Second try")
    assert second.id != first.id and first.status == "withdrawn"


def test_removed_supplier_is_not_found_and_merged_one_is_a_conflict(db_session, alice):
    removed = make_supplier(db_session, visibility="removed")
    target = make_supplier(db_session)
    merged = make_supplier(db_session, merged_into_id=target.id)
    with pytest.raises(NotFound):
        make_review(db_session, alice, removed)
    with pytest.raises(Conflict):
        make_review(db_session, alice, merged)
    assert count(db_session, Review) == 0


def test_only_the_author_edits_and_every_revision_is_kept(db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    with pytest.raises(NotAllowed):
        service.edit_review(db_session, editor=bob, review=review, draft=make_draft(rating=1))
    edited = []

    def listener(review, **kwargs):
        edited.append(kwargs["previous"].number)

    signals.review_edited.connect(listener)
    try:
        service.edit_review(
            db_session, editor=alice, review=review, draft=make_draft(rating=2, title="Worse")
        )
        service.edit_review(
            db_session, editor=alice, review=review, draft=make_draft(rating=1, title="Worst")
        )
    finally:
        signals.review_edited.disconnect(listener)
    assert edited == [1, 2]
    assert [(r.number, r.title, r.rating) for r in revisions(db_session, review)] == [
        (1, "Fixed my meter quickly", 4),
        (2, "Worse", 2),
        (3, "Worst", 1),
    ]
    assert (review.revision_count, review.rating, review.edited_at is not None) == (3, 1, True)


def test_editing_without_changes_is_a_no_op(db_session, alice, supplier):
    review = make_review(db_session, alice, supplier)
    service.edit_review(
        db_session, editor=alice, review=review, draft=make_draft(title="  Fixed my meter quickly ")
    )
    assert review.revision_count == 1 and review.edited_at is None
    assert len(revisions(db_session, review)) == 1


def test_an_invalid_edit_changes_nothing(db_session, alice, supplier):
    review = make_review(db_session, alice, supplier)
    with pytest.raises(service.InvalidReview):
        service.edit_review(
            db_session, editor=alice, review=review, draft=make_draft(body="x" * 50_000)
        )
    assert review.revision_count == 1 and len(revisions(db_session, review)) == 1


def test_only_the_author_withdraws_and_only_live_reviews(db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    with pytest.raises(NotAllowed):
        service.withdraw_review(db_session, actor=bob, review=review)
    withdrawn = []

    def listener(review, **kwargs):
        withdrawn.append(review)

    signals.review_withdrawn.connect(listener)
    try:
        service.withdraw_review(db_session, actor=alice, review=review)
    finally:
        signals.review_withdrawn.disconnect(listener)
    assert withdrawn == [review]
    assert review.status == "withdrawn" and review.withdrawn_at is not None
    assert db_session.scalars(public_reviews(db_session)).all() == []
    with pytest.raises(Conflict):
        service.withdraw_review(db_session, actor=alice, review=review)
    with pytest.raises(Conflict):
        service.edit_review(db_session, editor=alice, review=review, draft=make_draft(rating=1))


def test_helpful_once_and_never_your_own(db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    with pytest.raises(NotAllowed):
        service.mark_helpful(db_session, member=alice, review=review)
    service.mark_helpful(db_session, member=bob, review=review)
    assert review.helpful_count == 1
    with pytest.raises(Conflict):
        service.mark_helpful(db_session, member=bob, review=review)
    assert review.helpful_count == 1 and count(db_session, HelpfulVote) == 1
    carol = make_member(db_session, "carol")
    service.mark_helpful(db_session, member=carol, review=review)
    assert review.helpful_count == 2


def test_helpful_on_a_withdrawn_review_is_not_found(db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    service.withdraw_review(db_session, actor=alice, review=review)
    with pytest.raises(NotFound):
        service.mark_helpful(db_session, member=bob, review=review)


def test_a_flag_is_stored_and_the_review_stays_visible(db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    flag = service.flag_review(db_session, member=bob, review=review, reason="  Names a person ")
    assert (flag.reason, flag.flagged_by_id, flag.on_behalf_of_supplier_id) == (
        "Names a person",
        bob.id,
        None,
    )
    assert db_session.scalars(public_reviews(db_session)).all() == [review]
    with pytest.raises(Conflict):
        service.flag_review(db_session, member=bob, review=review, reason="Again, please")


@pytest.mark.parametrize("reason", ["", "shrt", "x" * 1001])
def test_a_flag_needs_a_reason_of_5_to_1000_characters(db_session, alice, bob, supplier, reason):
    review = make_review(db_session, alice, supplier)
    with pytest.raises(DomainError) as caught:
        service.flag_review(db_session, member=bob, review=review, reason=reason)
    assert caught.value.field == "reason"
    assert count(db_session, ReviewFlag) == 0


def test_flagging_for_a_supplier_needs_verified_representation(db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    with pytest.raises(NotAllowed):
        service.flag_review(
            db_session,
            member=bob,
            review=review,
            reason="Not our customer",
            on_behalf_of_supplier_id=supplier.id,
        )
    other = make_supplier(db_session)
    make_representative(db_session, bob, other)
    with pytest.raises(NotAllowed):  # represents another supplier
        service.flag_review(
            db_session,
            member=bob,
            review=review,
            reason="Not our customer",
            on_behalf_of_supplier_id=other.id,
        )
    assert count(db_session, ReviewFlag) == 0
    make_representative(db_session, bob, supplier)
    flag = service.flag_review(
        db_session,
        member=bob,
        review=review,
        reason="Not our customer",
        on_behalf_of_supplier_id=supplier.id,
    )
    assert flag.on_behalf_of_supplier_id == supplier.id
    assert review.is_public


def test_no_service_function_deletes_or_hides_a_review() -> None:
    public_names = {name for name in dir(service) if not name.startswith("_")}
    assert not {n for n in public_names if "delete" in n or "hide" in n or "remove" in n}


def test_export_includes_withdrawn_reviews_with_every_revision(db_session, alice, supplier):
    review = make_review(db_session, alice, supplier)
    service.edit_review(db_session, editor=alice, review=review, draft=make_draft(title="Later"))
    service.withdraw_review(db_session, actor=alice, review=review)
    current = make_review(db_session, alice, supplier, title="Fresh")
    document = export_member(db_session, alice)
    exported = {entry["id"]: entry for entry in document["reviews"]}
    assert set(exported) == {review.id, current.id}
    assert exported[review.id]["status"] == "withdrawn"
    assert [r["title"] for r in exported[review.id]["revisions"]] == [
        "Fixed my meter quickly",
        "Later",
    ]
    assert exported[review.id]["supplier"]["slug"] == supplier.slug


def test_erasing_a_member_withdraws_then_deletes_their_reviews(
    app, db_session, alice, bob, supplier
):
    review = make_review(db_session, alice, supplier)
    others = make_review(db_session, bob, supplier)
    service.mark_helpful(db_session, member=alice, review=others)
    review_id, others_id = review.id, others.id
    seen = []

    def listener(withdrawn, **kwargs):
        seen.append((withdrawn.id, withdrawn.status))

    signals.review_withdrawn.connect(listener)
    try:
        with app.app_context():  # the retired handle's digest is keyed by a setting
            erase_member(db_session, alice)
    finally:
        signals.review_withdrawn.disconnect(listener)
    assert seen == [(review_id, "withdrawn")]
    db_session.expire_all()
    assert db_session.scalars(select(Review.id)).all() == [others_id]
    assert count(db_session, ReviewRevision) == 1
    assert db_session.get(Review, others_id).helpful_count == 0


def test_a_suppliers_representative_cannot_review_it(db_session, alice, bob, supplier):
    make_representative(db_session, bob, supplier)
    with pytest.raises(NotAllowed):
        make_review(db_session, bob, supplier)
    assert count(db_session, Review) == 0
    other = make_supplier(db_session)
    assert make_review(db_session, bob, other).supplier_id == other.id  # others are fine
