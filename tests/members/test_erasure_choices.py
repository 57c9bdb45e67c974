"""What the erasure page says each choice keeps is what stays (vrm.members.erasure)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.representatives import factories as make
from vrm.members.service import erase_member
from vrm.moderation.models import ModerationDecision
from vrm.reviews.models import ChangeClaim, Review, ReviewMessage
from vrm.suppliers.models import Supplier


def _count(session: Session, model: type, *where: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.mark.parametrize("keep_reviews", [False, True])
def test_what_each_choice_keeps(app: Flask, db_session: Session, keep_reviews: bool) -> None:
    leaving, other = make.member(db_session, "leaving", role="moderator"), make.member(db_session)
    acme = make.supplier(db_session, "Acme Energy")
    added = Supplier(slug="added", name="Added", kind="business", sector="energy")
    added.created_by_id = leaving.id
    db_session.add(added)
    own = make.review(db_session, author=leaving, supplier=acme)
    others = make.review(db_session, author=other, supplier=acme)
    answer = ReviewMessage(review_id=own.id, as_supplier=True, body="Fixed.", body_html="Fixed.")
    # Written by the leaving member on the supplier's behalf, under someone else's review.
    for_supplier = ReviewMessage(
        review_id=others.id, author_id=leaving.id, as_supplier=True, body="On it.",
        body_html="On it.",
    )  # fmt: skip
    db_session.add_all([answer, for_supplier])
    db_session.flush()
    db_session.add_all(
        [
            ChangeClaim(review_id=own.id, message_id=answer.id, remind_after=own.created_at),
            ModerationDecision(review_id=own.id, action="dismissed", rule="within-the-rules",
                               moderator_id=other.id),
            ModerationDecision(review_id=others.id, action="dismissed", rule="within-the-rules",
                               moderator_id=leaving.id, note="Fine."),
        ]
    )  # fmt: skip
    db_session.flush()
    own_id = own.id
    with app.app_context():
        erase_member(db_session, leaving, keep_reviews=keep_reviews)
    db_session.flush()

    # Kept either way, naming nobody: what they did for others.
    assert db_session.get(ReviewMessage, for_supplier.id).author_id is None
    assert _count(db_session, ModerationDecision, ModerationDecision.note == "Fine.") == 1
    assert db_session.scalar(select(Supplier.created_by_id).where(Supplier.slug == "added")) is None
    # Their review, its thread, claimed change and the decision on it: kept only if chosen.
    kept = int(keep_reviews)
    assert _count(db_session, Review, Review.id == own_id) == kept
    assert _count(db_session, ReviewMessage, ReviewMessage.review_id == own_id) == kept
    assert _count(db_session, ChangeClaim, ChangeClaim.review_id == own_id) == kept
    assert _count(db_session, ModerationDecision, ModerationDecision.review_id == own_id) == kept
    if keep_reviews:
        assert db_session.get(Review, own_id).author_id is None
