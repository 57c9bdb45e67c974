"""Who hears about what, the change-claim reminder, watching, and the notifications page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.representatives import factories as make
from vrm import clock, signals
from vrm.members.models import Member
from vrm.notifications import service
from vrm.notifications.links import link_for
from vrm.notifications.models import Notification
from vrm.reviews import thread
from vrm.reviews.models import ChangeClaim
from vrm.watch import service as watching
from vrm.watch.models import Watch
from vrm.watch.targets import resolve


def inbox(db_session, person: Member) -> list[str]:
    return [n.kind for n in service.notifications_for(db_session, person.id)]


@pytest.fixture
def frozen_clock():
    """Move time by setting ``frozen_clock.at``; the real clock comes back afterwards."""

    class Clock:
        # Starts at the real time: sign-in through the real provider checks token times.
        at = clock.now()

    clock.set_source(lambda: Clock.at)
    try:
        yield Clock
    finally:
        clock.set_source(None)


def test_a_new_review_reaches_representatives_and_watchers_not_the_author(app, db_session):
    acme = make.supplier(db_session, "Acme Energy")
    rep, watcher, bystander = (make.member(db_session) for _ in range(3))
    author = make.member(db_session)
    make.representative(db_session, supplier=acme, person=rep)
    for person in (watcher, author):
        target = resolve(db_session, {"supplier": acme.slug})
        watching.watch(db_session, member=person, target=target)
    review = make.review(db_session, author=author, supplier=acme)
    signals.review_posted.send(review, session=db_session)
    db_session.flush()
    assert inbox(db_session, rep) == ["review_posted"]
    assert inbox(db_session, watcher) == ["review_posted"]
    assert inbox(db_session, author) == [] and inbox(db_session, bystander) == []
    [note] = service.notifications_for(db_session, watcher.id)
    assert "New review of Acme Energy" in note.text and note.review_id == review.id
    with app.test_request_context():
        assert link_for(note) == f"/reviews/{review.id}"


def test_answers_reach_the_author_and_replies_reach_the_representatives(db_session):
    acme = make.supplier(db_session, "Acme Energy")
    author = make.member(db_session)
    review = make.review(db_session, author=author, supplier=acme)
    rep, other_rep = (
        make.representative(db_session, supplier=acme),
        make.representative(db_session, supplier=acme),
    )
    thread.answer_review(db_session, representative=rep, review=review, body="Sorry.")
    db_session.flush()
    assert inbox(db_session, author) == ["review_answered"]
    assert inbox(db_session, rep) == [] and inbox(db_session, other_rep) == []
    thread.reply_to_thread(db_session, member=author, review=review, body="Not fixed.")
    db_session.flush()
    assert inbox(db_session, author) == ["review_answered"]
    assert inbox(db_session, rep) == ["review_replied"]
    assert inbox(db_session, other_rep) == ["review_replied"]


def test_the_change_reminder_comes_after_21_days_once(db_session, frozen_clock):
    acme = make.supplier(db_session, "Acme Energy")
    author = make.member(db_session)
    review = make.review(db_session, author=author, supplier=acme)
    rep = make.representative(db_session, supplier=acme)
    thread.answer_review(
        db_session, representative=rep, review=review, body="Changed.", states_change_made=True
    )
    start = frozen_clock.at
    frozen_clock.at = start + dt.timedelta(days=20, hours=23)
    assert service.due_change_claim_reminders(db_session, clock.now()) == []
    frozen_clock.at = start + dt.timedelta(days=21, minutes=1)
    [claim] = service.due_change_claim_reminders(db_session, clock.now())
    assert claim.reminded_at == frozen_clock.at
    assert inbox(db_session, author) == ["change_claim_reminder", "review_answered"]
    [reminder, _] = service.notifications_for(db_session, author.id)
    assert reminder.text.startswith("Was the change made?")
    frozen_clock.at = start + dt.timedelta(days=60)
    assert service.due_change_claim_reminders(db_session, clock.now()) == []


def test_a_former_members_review_can_be_answered_and_nobody_is_reminded(db_session, frozen_clock):
    # The author erased their account and left the review: author_id is None.
    acme = make.supplier(db_session)
    review = make.review(db_session, author=make.member(db_session), supplier=acme)
    review.author_id = None
    review.author = None
    db_session.flush()
    rep = make.representative(db_session, supplier=acme)
    thread.answer_review(
        db_session, representative=rep, review=review, body="Changed.", states_change_made=True
    )
    db_session.flush()  # no notification for nobody (member_id is NOT NULL)
    assert db_session.scalars(select(Notification)).all() == []
    frozen_clock.at += dt.timedelta(days=30)
    assert service.due_change_claim_reminders(db_session, clock.now()) == []
    db_session.flush()
    assert db_session.scalars(select(Notification)).all() == []


def test_an_answered_change_claim_is_not_reminded(db_session, frozen_clock):
    acme = make.supplier(db_session)
    author = make.member(db_session)
    review = make.review(db_session, author=author, supplier=acme)
    rep = make.representative(db_session, supplier=acme)
    thread.answer_review(
        db_session, representative=rep, review=review, body="Changed.", states_change_made=True
    )
    claim = db_session.scalar(select(ChangeClaim))
    thread.answer_change_claim(db_session, member=author, claim=claim, confirmed=True)
    frozen_clock.at += dt.timedelta(days=30)
    assert service.due_change_claim_reminders(db_session, clock.now()) == []


def test_the_notifications_page_asks_again_after_21_days(
    auth: AuthActions, db_session, frozen_clock
):
    auth.sign_up("nora")
    author = db_session.scalar(select(Member).where(Member.handle == "nora"))
    acme = make.supplier(db_session, "Acme Rail")
    review = make.review(db_session, author=author, supplier=acme)
    rep = make.representative(db_session, supplier=acme)
    thread.answer_review(
        db_session, representative=rep, review=review, body="Changed.", states_change_made=True
    )
    db_session.flush()
    page = auth.client.get("/notifications").get_data(as_text=True)
    assert "Acme Rail answered your review" in page
    assert "Was the change made?" not in page  # not yet: only the question form shows
    assert "says they made a change" in page and "/change-claims/" in page
    frozen_clock.at += dt.timedelta(days=22)
    page = auth.client.get("/notifications").get_data(as_text=True)
    assert "Was the change made?" in page and "2 new" in page
    db_session.expire_all()
    assert db_session.scalar(select(ChangeClaim)).reminded_at is not None

    read = auth.client.post("/notifications/read", data={"csrf_token": auth.csrf("/")})
    assert read.status_code == 303
    db_session.expire_all()
    assert all(n.read_at for n in db_session.scalars(select(Notification)))
    assert "new</span>" not in auth.client.get("/notifications").get_data(as_text=True)


def test_the_notifications_page_needs_a_sign_in(client):
    answer = client.get("/notifications")
    assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]


def test_watch_and_unwatch_a_supplier(auth: AuthActions, db_session):
    acme = make.supplier(db_session)
    auth.sign_up("walt")
    token = auth.csrf("/")
    for _ in range(2):  # watching twice is harmless
        answer = auth.client.post(f"/s/{acme.slug}/watch", data={"csrf_token": token})
        assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/s/{acme.slug}")
    assert db_session.scalars(select(Watch.member_id)).all() != []
    assert len(db_session.scalars(select(Watch)).all()) == 1
    assert (
        auth.client.post(f"/s/{acme.slug}/unwatch", data={"csrf_token": token}).status_code == 303
    )
    db_session.expire_all()
    assert db_session.scalars(select(Watch)).all() == []
    assert auth.client.post("/s/nope/watch", data={"csrf_token": token}).status_code == 404
    assert auth.client.post(f"/s/{acme.slug}/watch", data={}).status_code == 400
    assert db_session.scalars(select(Watch)).all() == []


def test_notify_clips_long_text(db_session):
    person = make.member(db_session)
    note = service.notify(db_session, person.id, "test", "x" * 600)
    assert len(note.text) == 500 and note.text.endswith("…")


def test_a_verified_claim_tells_the_new_representative(db_session):
    from vrm.representatives import service as claims

    person = make.member(db_session)
    claim = claims.request_claim(
        db_session, member=person, supplier=make.supplier(db_session), method="moderator"
    )
    claims.approve_claim(
        db_session, moderator=make.member(db_session, role="moderator"), claim=claim
    )
    db_session.flush()
    assert inbox(db_session, person) == ["claim_verified"]


def test_the_remind_command_sends_due_reminders(app, db_session, frozen_clock):
    from vrm.notifications.cli import notifications_group

    acme = make.supplier(db_session)
    author = make.member(db_session)
    review = make.review(db_session, author=author, supplier=acme)
    rep = make.representative(db_session, supplier=acme)
    thread.answer_review(
        db_session, representative=rep, review=review, body="Changed.", states_change_made=True
    )
    db_session.flush()
    frozen_clock.at += dt.timedelta(days=21, seconds=1)
    result = app.test_cli_runner().invoke(notifications_group, ["remind"])
    assert result.exit_code == 0 and "1 reminder(s) sent." in result.output
    db_session.expire_all()
    assert inbox(db_session, author)[0] == "change_claim_reminder"


def test_export_holds_watches_notifications_and_claims(db_session):
    from vrm.members.service import export_member
    from vrm.representatives import service as claims

    person = make.member(db_session)
    acme = make.supplier(db_session)
    watching.watch(db_session, member=person, target=resolve(db_session, {"supplier": acme.slug}))
    service.notify(db_session, person.id, "test", "Hello")
    claims.request_claim(db_session, member=person, supplier=acme, method="moderator")
    db_session.flush()
    document = export_member(db_session, person)
    assert [w["name"] for w in document["watching"]] == [acme.name]
    assert document["notifications"]["notifications"][0]["text"] == "Hello"
    assert document["representative_claims"][0]["status"] == "pending"


def test_a_new_representative_starts_with_an_empty_inbox(db_session):
    acme = make.supplier(db_session, "Acme Energy")
    author = make.member(db_session)
    rep = make.representative(db_session, supplier=acme)
    # A review dated before the representative was verified (an import, the demo) is
    # the supplier's history, not news for them.
    old = make.review(db_session, author=author, supplier=acme,
                      created_at=clock.now() - dt.timedelta(days=30))  # fmt: skip
    signals.review_posted.send(old, session=db_session)
    db_session.flush()
    assert inbox(db_session, rep) == []
    new = make.review(db_session, author=make.member(db_session), supplier=acme)
    signals.review_posted.send(new, session=db_session)
    db_session.flush()
    assert inbox(db_session, rep) == ["review_posted"]


def test_the_header_shows_the_unread_count(auth: AuthActions, client, db_session):
    auth.sign_up("unready", "unready")
    person = db_session.scalar(select(Member).where(Member.handle == "unready"))
    assert "data-unread" not in client.get("/").get_data(as_text=True)
    for n in range(2):
        service.notify(db_session, person.id, "test", f"Note {n}")
    db_session.flush()
    page = client.get("/").get_data(as_text=True)
    assert 'data-unread>2<span class="visually-hidden"> unread</span>' in page
    service.mark_all_read(db_session, person.id)
    db_session.flush()
    assert "data-unread" not in client.get("/").get_data(as_text=True)
    for n in range(service.UNREAD_SHOWN + 5):
        service.notify(db_session, person.id, "test", f"Note {n}")
    db_session.flush()
    assert "data-unread>99+<" in client.get("/").get_data(as_text=True)
    assert service.unread_count(db_session, person.id) == service.UNREAD_SHOWN + 5
