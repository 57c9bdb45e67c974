"""The thread rules, called directly: who answers, who replies, resolution, change claims."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.representatives import factories as make
from vrm import signals
from vrm.activity.models import ActivityEvent
from vrm.clock import now
from vrm.errors import Conflict, DomainError, NotAllowed
from vrm.representatives import service as claims
from vrm.reviews import thread
from vrm.reviews.models import ChangeClaim, ReviewMessage


@pytest.fixture
def scene(db_session):
    acme = make.supplier(db_session, "Acme Energy")
    author = make.member(db_session, "rev")
    review = make.review(db_session, author=author, supplier=acme)
    rep = make.representative(db_session, supplier=acme)
    return acme, author, review, rep


def message_count(db_session) -> int:
    return db_session.scalar(select(func.count(ReviewMessage.id))) or 0


def test_a_representative_answers_under_the_suppliers_name(db_session, scene):
    _acme, _author, review, rep = scene
    heard = []

    def receiver(sender, **kwargs):
        heard.append(sender)

    signals.review_answered.connect(receiver)
    try:
        message = thread.answer_review(
            db_session, representative=rep, review=review, body="Sorry — **fixed** now."
        )
    finally:
        signals.review_answered.disconnect(receiver)
    assert heard == [message]
    assert message.as_supplier and message.author_id == rep.id
    assert message.body_html == "<p>Sorry — <strong>fixed</strong> now.</p>\n"
    assert review.first_answer_at is not None
    first = review.first_answer_at
    thread.answer_review(db_session, representative=rep, review=review, body="More news.")
    assert review.first_answer_at == first
    kinds = db_session.scalars(
        select(ActivityEvent.kind).where(ActivityEvent.review_id == review.id)
    ).all()
    assert kinds == ["review_answered", "review_answered"]
    view = thread.thread_context(db_session, [review], None)[review.id]
    assert [m.display_name for m in view.messages] == ["Acme Energy (representative)"] * 2


def test_a_representative_of_another_supplier_is_refused(db_session, scene):
    _acme, _author, review, _rep = scene
    other = make.supplier(db_session, "Other Co")
    outsider = make.representative(db_session, supplier=other)
    with pytest.raises(NotAllowed, match="Only a verified representative of Acme Energy"):
        thread.answer_review(db_session, representative=outsider, review=review, body="Hi")
    assert message_count(db_session) == 0 and review.first_answer_at is None


def test_a_revoked_representative_cannot_answer(db_session, scene):
    _acme, _author, review, rep = scene
    claim = claims.open_claim(db_session, rep.id, review.supplier_id)
    claims.revoke_claim(db_session, actor=rep, claim=claim, reason="Left")
    with pytest.raises(NotAllowed):
        thread.answer_review(db_session, representative=rep, review=review, body="Hi")
    assert message_count(db_session) == 0


def test_a_pending_claim_is_not_enough(db_session, scene):
    acme, _author, review, _rep = scene
    hopeful = make.member(db_session)
    claims.request_claim(db_session, member=hopeful, supplier=acme, method="domain")
    with pytest.raises(NotAllowed):
        thread.answer_review(db_session, representative=hopeful, review=review, body="Hi")


def test_the_author_cannot_answer_for_the_supplier_even_as_a_representative(db_session, scene):
    acme, author, review, _rep = scene
    make.representative(db_session, supplier=acme, person=author)
    with pytest.raises(NotAllowed, match="You wrote this review"):
        thread.answer_review(db_session, representative=author, review=review, body="Hi")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write your message"),
        ("   ", "Write your message"),
        ("x" * 10_001, "under 10,000 characters"),
    ],
)
def test_body_length_rules(db_session, scene, body, message):
    _acme, _author, review, rep = scene
    with pytest.raises(DomainError, match=message) as caught:
        thread.answer_review(db_session, representative=rep, review=review, body=body)
    assert caught.value.field == "body" and message_count(db_session) == 0


def test_markdown_is_sanitised(db_session, scene):
    _acme, _author, review, rep = scene
    message = thread.answer_review(
        db_session,
        representative=rep,
        review=review,
        body="<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://acme.test)",
    )
    assert "<script" not in message.body_html and 'href="javascript' not in message.body_html
    assert 'rel="nofollow ugc noopener"' in message.body_html


def test_only_public_reviews_have_a_thread(db_session, scene):
    _acme, author, review, rep = scene
    review.status = "withdrawn"
    with pytest.raises(DomainError, match="no longer public"):
        thread.answer_review(db_session, representative=rep, review=review, body="Hi")
    review.status, review.visibility = "live", "hidden"
    with pytest.raises(DomainError, match="no longer public"):
        thread.mark_resolution(db_session, member=author, review=review, resolved=True)


def test_the_reviewer_replies_and_the_thread_continues(db_session, scene):
    _acme, author, review, rep = scene
    with pytest.raises(DomainError, match="once the supplier has answered"):
        thread.reply_to_thread(db_session, member=author, review=review, body="Hello?")
    thread.answer_review(db_session, representative=rep, review=review, body="Sorry.")
    reply = thread.reply_to_thread(db_session, member=author, review=review, body="Not fixed.")
    again = thread.reply_to_thread(db_session, member=rep, review=review, body="Now it is.")
    thread.reply_to_thread(db_session, member=author, review=review, body="Thanks.")
    assert not reply.as_supplier and again.as_supplier
    view = thread.thread_context(db_session, [review], author)[review.id]
    assert [m.display_name for m in view.messages] == [
        "Acme Energy (representative)",
        "rev",
        "Acme Energy (representative)",
        "rev",
    ]
    stranger = make.member(db_session)
    with pytest.raises(NotAllowed):
        thread.reply_to_thread(db_session, member=stranger, review=review, body="Me too")
    assert message_count(db_session) == 4


def test_only_the_author_marks_the_resolution(db_session, scene):
    _acme, author, review, rep = scene
    for other in (rep, make.member(db_session)):
        with pytest.raises(NotAllowed):
            thread.mark_resolution(db_session, member=other, review=review, resolved=True)
    assert review.resolution is None
    thread.mark_resolution(db_session, member=author, review=review, resolved=False)
    assert review.resolution == "not_resolved" and review.resolution_at is not None
    thread.mark_resolution(db_session, member=author, review=review, resolved=True)
    assert review.resolution == "resolved"


def test_a_stated_change_asks_the_reviewer_once(db_session, scene):
    _acme, author, review, rep = scene
    message = thread.answer_review(
        db_session,
        representative=rep,
        review=review,
        body="We changed it.",
        states_change_made=True,
    )
    claim = db_session.scalar(select(ChangeClaim).where(ChangeClaim.message_id == message.id))
    assert claim is not None and claim.verdict is None
    assert abs(claim.remind_after - (now() + dt.timedelta(days=21))) < dt.timedelta(minutes=1)
    view = thread.thread_context(db_session, [review], author)[review.id]
    assert view.pending_change_claims == [claim.id]
    assert thread.thread_context(db_session, [review], rep)[review.id].pending_change_claims == []
    with pytest.raises(NotAllowed):
        thread.answer_change_claim(db_session, member=rep, claim=claim, confirmed=True)
    thread.answer_change_claim(db_session, member=author, claim=claim, confirmed=False)
    assert claim.verdict == "denied" and claim.verdict_at is not None
    with pytest.raises(Conflict, match="already answered"):
        thread.answer_change_claim(db_session, member=author, claim=claim, confirmed=True)
    assert claim.verdict == "denied"
    view = thread.thread_context(db_session, [review], author)[review.id]
    assert view.pending_change_claims == [] and view.messages[0].change_verdict == "denied"


class Anonymous:
    is_authenticated = False


def test_capabilities_are_precomputed_per_viewer(db_session, scene):
    _acme, author, review, rep = scene
    stranger = make.member(db_session)

    def caps(viewer):
        view = thread.thread_context(db_session, [review], viewer)[review.id]
        return view.can_answer, view.can_reply, view.can_mark_resolution

    assert caps(Anonymous()) == (False, False, False)
    assert caps(stranger) == (False, False, False)
    assert caps(rep) == (True, False, False)
    assert caps(author) == (False, False, True)
    thread.answer_review(db_session, representative=rep, review=review, body="Sorry.")
    assert caps(author) == (False, True, True)
    assert thread.thread_context(db_session, [], author) == {}
