"""The moderators' queue of reported reviews: hiding takes a review out of every public
place; dismissing keeps it; only moderators decide."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_from
from tests.reviews.factories import make_member, make_review, sign_in_as
from vrm.errors import NotAllowed
from vrm.reputation.models import ReputationSums
from vrm.reviews import moderation, service
from vrm.reviews.models import ReviewFlag
from vrm.reviews.queries import public_reviews


@pytest.fixture
def mia(db_session):
    return make_member(db_session, "mia", role="moderator")


def flagged(db_session, alice, bob, supplier, reason="Names a member of staff"):
    review = make_review(db_session, alice, supplier)
    service.flag_review(db_session, member=bob, review=review, reason=reason)
    db_session.flush()
    return review


def test_hiding_takes_the_review_off_the_public_pages_and_out_of_the_scores(
    db_session, alice, bob, supplier, mia
):
    review = flagged(db_session, alice, bob, supplier)
    [item] = moderation.open_flags(db_session)
    assert item.review.id == review.id and len(item.flags) == 1
    moderation.hide_review(db_session, moderator=mia, review=review, reason="Personal data")
    assert review.visibility == "hidden" and review.visibility_reason == "Personal data"
    assert review.id not in {r.id for r in db_session.scalars(public_reviews())}
    sums = db_session.scalar(
        select(ReputationSums).where(
            ReputationSums.supplier_id == supplier.id, ReputationSums.dimension == "overall"
        )
    )
    assert sums is None or sums.n1 + sums.n2 + sums.n3 + sums.n4 + sums.n5 == 0
    assert moderation.open_flags(db_session) == []
    assert db_session.scalar(select(ReviewFlag.status)) == "upheld"


def test_only_moderators_decide(db_session, alice, bob, supplier):
    review = flagged(db_session, alice, bob, supplier)
    with pytest.raises(NotAllowed):
        moderation.hide_review(db_session, moderator=bob, review=review, reason="No")
    with pytest.raises(NotAllowed):
        moderation.dismiss_flags(db_session, moderator=alice, review=review)


def test_the_queue_page_hides_and_dismisses(client: FlaskClient, db_session, alice, bob, mia,
                                            supplier):  # fmt: skip
    hidden = flagged(db_session, alice, bob, supplier)
    kept = flagged(db_session, bob, alice, supplier, reason="I disagree with it")
    sign_in_as(client, mia)
    page = client.get("/moderation/reviews")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Names a member of staff" in html
    token = csrf_from(html)
    empty = client.post(f"/moderation/reviews/{hidden.id}/hide", data={"csrf_token": token})
    assert empty.status_code == 400 and "Say why" in empty.get_data(as_text=True)
    done = client.post(
        f"/moderation/reviews/{hidden.id}/hide",
        data={"csrf_token": token, "reason": "Names a member of staff"},
    )
    db_session.refresh(hidden)
    assert done.status_code == 303 and hidden.visibility == "hidden"
    kept_answer = client.post(f"/moderation/reviews/{kept.id}/dismiss", data={"csrf_token": token})
    db_session.refresh(kept)
    assert kept_answer.status_code == 303 and kept.visibility == "public"
    assert "No reported reviews are waiting" in client.get("/moderation/reviews").get_data(
        as_text=True
    )
    assert client.post(f"/moderation/reviews/{kept.id}/dismiss",
                       data={"csrf_token": token}).status_code == 409  # fmt: skip
    assert client.post("/moderation/reviews/999999/dismiss",
                       data={"csrf_token": token}).status_code == 404  # fmt: skip


def test_members_cannot_see_the_queue(alice_client: FlaskClient):
    assert alice_client.get("/moderation/reviews").status_code == 403
