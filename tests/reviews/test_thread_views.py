"""The thread through the web: every write is signed in, CSRF-checked and authorised on
the server; refusals write nothing."""

from __future__ import annotations

import pytest
from flask import render_template
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.representatives import factories as make
from vrm.members.models import Member
from vrm.representatives import service as claims
from vrm.reviews import thread
from vrm.reviews.models import ChangeClaim, Review, ReviewMessage
from vrm.reviews.thread_views import review_url


def signed_up(auth: AuthActions, db_session, handle: str) -> Member:
    auth.sign_up(handle)
    found = db_session.scalar(select(Member).where(Member.handle == handle))
    assert found is not None
    return found


def messages(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count(ReviewMessage.id))) or 0


@pytest.fixture
def review(db_session) -> Review:
    acme = make.supplier(db_session, "Acme Energy")
    return make.review(db_session, author=make.member(db_session, "writer"), supplier=acme)


def permalink(app, review_id: int) -> str:
    with app.test_request_context():
        return review_url(review_id)


def test_a_representative_answers_and_lands_on_the_permalink(app, auth, db_session, review):
    rep = signed_up(auth, db_session, "repa")
    make.representative(db_session, supplier=review.supplier, person=rep)
    answer = auth.client.post(
        f"/reviews/{review.id}/answer",
        data={"csrf_token": auth.csrf("/"), "body": "Sorry, fixed.", "states_change_made": "y"},
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == permalink(app, review.id)
    assert messages(db_session) == 1
    assert db_session.scalar(select(func.count(ChangeClaim.id))) == 1


def test_answering_for_a_supplier_you_do_not_represent_is_403(auth, db_session, review):
    member = signed_up(auth, db_session, "repb")
    make.representative(db_session, supplier=make.supplier(db_session, "Other"), person=member)
    answer = auth.client.post(
        f"/reviews/{review.id}/answer", data={"csrf_token": auth.csrf("/"), "body": "Hi"}
    )
    assert answer.status_code == 403
    assert "Only a verified representative of Acme Energy" in answer.get_data(as_text=True)
    assert messages(db_session) == 0


def test_a_revoked_representative_gets_403(auth, db_session, review):
    rep = signed_up(auth, db_session, "repc")
    make.representative(db_session, supplier=review.supplier, person=rep)
    claim = claims.open_claim(db_session, rep.id, review.supplier_id)
    claims.revoke_claim(db_session, actor=rep, claim=claim, reason="Left")
    db_session.flush()
    answer = auth.client.post(
        f"/reviews/{review.id}/answer", data={"csrf_token": auth.csrf("/"), "body": "Hi"}
    )
    assert answer.status_code == 403 and messages(db_session) == 0


@pytest.mark.parametrize(
    ("body", "message"), [("", "Write your message."), ("x" * 10_001, "under 10,000")]
)
def test_bad_bodies_are_400_with_the_message(auth, db_session, review, body, message):
    rep = signed_up(auth, db_session, "repd")
    make.representative(db_session, supplier=review.supplier, person=rep)
    answer = auth.client.post(
        f"/reviews/{review.id}/answer", data={"csrf_token": auth.csrf("/"), "body": body}
    )
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert messages(db_session) == 0


def test_no_csrf_or_no_sign_in_writes_nothing(client, auth, db_session, review):
    assert client.post(f"/reviews/{review.id}/answer", data={"body": "Hi"}).status_code in (
        302,
        400,
    )
    rep = signed_up(auth, db_session, "repe")
    make.representative(db_session, supplier=review.supplier, person=rep)
    assert auth.client.post(f"/reviews/{review.id}/answer", data={"body": "Hi"}).status_code == 400
    assert messages(db_session) == 0
    assert (
        auth.client.post(
            "/reviews/999999/answer", data={"csrf_token": auth.csrf("/"), "body": "Hi"}
        ).status_code
        == 404
    )


def test_the_reviewer_replies_and_marks_resolution(app, auth, db_session):
    acme = make.supplier(db_session, "Acme Water")
    author = signed_up(auth, db_session, "writer2")
    review = make.review(db_session, author=author, supplier=acme)
    rep = make.representative(db_session, supplier=acme)
    thread.answer_review(db_session, representative=rep, review=review, body="Sorry.")
    db_session.flush()
    token = auth.csrf("/")
    reply = auth.client.post(
        f"/reviews/{review.id}/reply", data={"csrf_token": token, "body": "Still broken."}
    )
    assert reply.status_code == 303 and reply.headers["Location"] == permalink(app, review.id)
    bad = auth.client.post(f"/reviews/{review.id}/resolution", data={"csrf_token": token})
    assert bad.status_code == 400 and "Choose resolved or not resolved." in bad.get_data(
        as_text=True
    )
    marked = auth.client.post(
        f"/reviews/{review.id}/resolution", data={"csrf_token": token, "resolution": "resolved"}
    )
    assert marked.status_code == 303
    db_session.expire_all()
    assert review.resolution == "resolved" and messages(db_session) == 2


def test_a_non_author_cannot_reply_or_mark_resolution(auth, db_session, review):
    signed_up(auth, db_session, "nosy")
    token = auth.csrf("/")
    assert (
        auth.client.post(
            f"/reviews/{review.id}/resolution", data={"csrf_token": token, "resolution": "resolved"}
        ).status_code
        == 403
    )
    assert (
        auth.client.post(
            f"/reviews/{review.id}/reply", data={"csrf_token": token, "body": "Me too"}
        ).status_code
        == 403
    )
    db_session.expire_all()
    assert review.resolution is None and messages(db_session) == 0


def test_the_change_verdict_is_given_once(auth, db_session):
    acme = make.supplier(db_session)
    author = signed_up(auth, db_session, "writer3")
    review = make.review(db_session, author=author, supplier=acme)
    rep = make.representative(db_session, supplier=acme)
    thread.answer_review(
        db_session, representative=rep, review=review, body="Changed.", states_change_made=True
    )
    claim = db_session.scalar(select(ChangeClaim))
    token = auth.csrf("/")
    url = f"/change-claims/{claim.id}/verdict"
    assert auth.client.post(url, data={"csrf_token": token, "verdict": "maybe"}).status_code == 400
    assert (
        auth.client.post(url, data={"csrf_token": token, "verdict": "confirmed"}).status_code == 303
    )
    second = auth.client.post(url, data={"csrf_token": token, "verdict": "denied"})
    assert second.status_code == 409 and "already answered" in second.get_data(as_text=True)
    db_session.expire_all()
    assert claim.verdict == "confirmed"


def test_a_stranger_cannot_give_the_verdict(auth, db_session, review):
    rep = make.representative(db_session, supplier=review.supplier)
    thread.answer_review(
        db_session, representative=rep, review=review, body="Changed.", states_change_made=True
    )
    claim = db_session.scalar(select(ChangeClaim))
    signed_up(auth, db_session, "stranger")
    answer = auth.client.post(
        f"/change-claims/{claim.id}/verdict",
        data={"csrf_token": auth.csrf("/"), "verdict": "denied"},
    )
    assert answer.status_code == 403
    db_session.expire_all()
    assert claim.verdict is None


class Anonymous:
    is_authenticated = False


def test_the_thread_template_shows_only_what_the_viewer_may_do(app, db_session, review):
    rep = make.representative(db_session, supplier=review.supplier)
    thread.answer_review(
        db_session,
        representative=rep,
        review=review,
        body="We *fixed* it.",
        states_change_made=True,
    )

    def html(viewer) -> str:
        view = thread.thread_context(db_session, [review], viewer)[review.id]
        with app.test_request_context():
            return render_template("reviews/_thread.html", thread=view)

    public = html(Anonymous())
    assert "Acme Energy (representative)" in public and "<em>fixed</em>" in public
    assert "States a change was made" in public and "<form" not in public
    assert "style=" not in public and "<script" not in public
    as_rep = html(rep)
    assert f"/reviews/{review.id}/answer" in as_rep and "/reply" not in as_rep
    as_author = html(review.author)
    assert f"/reviews/{review.id}/reply" in as_author and "/resolution" in as_author
    assert "/change-claims/" in as_author and "/answer" not in as_author
    with app.test_request_context():
        assert render_template("reviews/_thread.html", thread=None).strip() == ""
