"""Permalinks, history, withdrawal, 'helpful', flags and member profiles over HTTP."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import csrf_from
from tests.reviews.factories import (
    make_member,
    make_representative,
    make_review,
    make_supplier,
    sign_in_as,
)
from vrm.reviews import service
from vrm.reviews.models import HelpfulVote, Review, ReviewFlag


def token(client, path: str = "/") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


def test_permalink_shows_the_review_to_anyone(client, db_session, alice, supplier):
    review = make_review(db_session, alice, supplier, rating=5, respect=2)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Fixed my meter quickly" in page and "5 out of 5" in page
    assert 'href="/members/alice"' in page
    assert "Respect for my data and terms" in page
    assert "<strong>the next day</strong>" in page
    assert 'href="/s/north-power"' in page
    assert "0 people found this helpful" in page


def test_permalink_of_a_missing_review_is_404(client):
    assert client.get("/reviews/424242").status_code == 404


def test_a_withdrawn_review_is_404_except_to_its_author(client, db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    service.withdraw_review(db_session, actor=alice, review=review)
    assert client.get(f"/reviews/{review.id}").status_code == 404
    assert client.get(f"/reviews/{review.id}/history").status_code == 404
    sign_in_as(client, bob)
    assert client.get(f"/reviews/{review.id}").status_code == 404
    sign_in_as(client, alice)
    page = client.get(f"/reviews/{review.id}")
    assert page.status_code == 200 and "You withdrew this review" in page.get_data(as_text=True)


def test_a_hidden_review_is_a_tombstone_to_others(client, db_session, alice, supplier):
    review = make_review(db_session, alice, supplier, body="Only its author may read this.")
    review.visibility = "hidden"
    db_session.flush()
    page = client.get(f"/reviews/{review.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "A moderator hid this review" in html
    assert "Only its author may read this." not in html and review.title not in html
    assert client.get(f"/reviews/{review.id}/history").status_code == 404


def test_withdrawing_needs_a_confirmation_step(alice_client, db_session, alice, supplier):
    review = make_review(db_session, alice, supplier)
    confirm = alice_client.get(f"/reviews/{review.id}/withdraw")
    assert confirm.status_code == 200 and "Withdraw your review?" in confirm.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Review, review.id).status == "live"
    answer = alice_client.post(
        f"/reviews/{review.id}/withdraw",
        data={"csrf_token": csrf_from(confirm.get_data(as_text=True))},
    )
    assert answer.status_code == 303 and answer.headers["Location"] == "/members/alice"
    db_session.expire_all()
    assert db_session.get(Review, review.id).status == "withdrawn"
    assert "Fixed my meter quickly" not in alice_client.get("/members/alice").get_data(as_text=True)


def test_only_the_author_withdraws(client, db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    sign_in_as(client, bob)
    assert client.get(f"/reviews/{review.id}/withdraw").status_code == 403
    answer = client.post(f"/reviews/{review.id}/withdraw", data={"csrf_token": token(client)})
    assert answer.status_code == 403
    db_session.expire_all()
    assert db_session.get(Review, review.id).status == "live"


def test_withdraw_without_csrf_is_400(alice_client, db_session, alice, supplier):
    review = make_review(db_session, alice, supplier)
    assert alice_client.post(f"/reviews/{review.id}/withdraw").status_code == 400
    db_session.expire_all()
    assert db_session.get(Review, review.id).status == "live"


def test_marking_helpful_once(client, db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    sign_in_as(client, bob)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert f'action="/reviews/{review.id}/helpful"' in page
    answer = client.post(
        f"/reviews/{review.id}/helpful",
        data={"csrf_token": csrf_from(page), "next": "/s/north-power?sort=helpful"},
    )
    assert answer.status_code == 303 and answer.headers["Location"] == "/s/north-power?sort=helpful"
    again = client.post(f"/reviews/{review.id}/helpful", data={"csrf_token": csrf_from(page)})
    assert again.status_code == 409
    db_session.expire_all()
    assert db_session.get(Review, review.id).helpful_count == 1
    shown = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "You found this helpful" in shown and "1 person found this helpful" in shown


def test_helpful_never_for_your_own_and_never_offsite(client, db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    sign_in_as(client, alice)
    assert f'action="/reviews/{review.id}/helpful"' not in client.get(
        f"/reviews/{review.id}"
    ).get_data(as_text=True)
    own = client.post(f"/reviews/{review.id}/helpful", data={"csrf_token": token(client)})
    assert own.status_code == 403
    sign_in_as(client, bob)
    answer = client.post(
        f"/reviews/{review.id}/helpful",
        data={"csrf_token": token(client), "next": "//evil.example/x"},
    )
    assert answer.headers["Location"] == f"/reviews/{review.id}"


def test_helpful_without_csrf_writes_nothing(client, db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    sign_in_as(client, bob)
    assert client.post(f"/reviews/{review.id}/helpful").status_code == 400
    assert db_session.scalar(select(func.count()).select_from(HelpfulVote)) == 0


def test_flagging_keeps_the_review_visible(client, db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    sign_in_as(client, bob)
    page = client.get(f"/reviews/{review.id}/flag").get_data(as_text=True)
    assert "on behalf of the supplier" not in page
    short = client.post(
        f"/reviews/{review.id}/flag", data={"csrf_token": csrf_from(page), "reason": "bad"}
    )
    assert short.status_code == 400 and 'id="reason-errors"' in short.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(ReviewFlag)) == 0
    answer = client.post(
        f"/reviews/{review.id}/flag",
        data={"csrf_token": csrf_from(page), "reason": "It names a member of staff."},
    )
    assert answer.status_code == 303
    flag = db_session.scalar(select(ReviewFlag))
    assert (flag.flagged_by_id, flag.on_behalf_of_supplier_id) == (bob.id, None)
    assert client.get(f"/reviews/{review.id}").status_code == 200


def test_a_non_representative_cannot_flag_for_the_supplier(
    client, db_session, alice, bob, supplier
):
    review = make_review(db_session, alice, supplier)
    sign_in_as(client, bob)
    answer = client.post(
        f"/reviews/{review.id}/flag",
        data={"csrf_token": token(client), "reason": "Not our customer", "as_supplier": "y"},
    )
    assert answer.status_code == 403
    assert db_session.scalar(select(func.count()).select_from(ReviewFlag)) == 0


def test_a_verified_representative_flags_for_the_supplier(client, db_session, alice, bob, supplier):
    review = make_review(db_session, alice, supplier)
    make_representative(db_session, bob, supplier)
    sign_in_as(client, bob)
    page = client.get(f"/reviews/{review.id}/flag").get_data(as_text=True)
    assert "on behalf of the supplier" in page
    answer = client.post(
        f"/reviews/{review.id}/flag",
        data={"csrf_token": csrf_from(page), "reason": "Not our customer", "as_supplier": "y"},
    )
    assert answer.status_code == 303
    assert db_session.scalar(select(ReviewFlag)).on_behalf_of_supplier_id == supplier.id
    assert client.get(f"/reviews/{review.id}").status_code == 200


def test_flagging_needs_sign_in(client, db_session, alice, supplier):
    review = make_review(db_session, alice, supplier)
    assert client.get(f"/reviews/{review.id}/flag").status_code == 302


def test_member_profile_shows_handle_and_public_reviews_only(client, db_session, supplier):
    erin = make_member(db_session, "erin")
    kept = make_review(db_session, erin, supplier, title="Still stands")
    gone = make_review(db_session, erin, make_supplier(db_session), title="Taken back")
    service.withdraw_review(db_session, actor=erin, review=gone)
    page = client.get("/members/erin")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h1>erin</h1>" in html and "Member since" in html
    assert "Still stands" in html and "Taken back" not in html
    assert f'href="/reviews/{kept.id}"' in html and "North Power" in html
    assert "issuer" not in html.lower()
    assert client.get("/members/ERIN").status_code == 200


def test_unknown_member_is_404(client):
    assert client.get("/members/nobody-here").status_code == 404
