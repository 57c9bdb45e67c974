"""Erasing a member takes others' notifications about their reviews with it: those quote
the reviews' titles, and SQLite may give the freed review ids to someone else's review."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.representatives import factories as make
from vrm import signals
from vrm.members.models import Member
from vrm.members.service import erase_member
from vrm.notifications import service
from vrm.notifications.models import Notification
from vrm.reviews import thread
from vrm.watch import service as watching
from vrm.watch.targets import resolve


def texts(db_session: Session, person: Member) -> list[str]:
    return [n.text for n in service.notifications_for(db_session, person.id)]


def test_erasure_removes_others_notifications_about_the_members_reviews(
    app: Flask, db_session: Session
) -> None:
    bt = make.supplier(db_session, "BT")
    dave, erin, watcher = (make.member(db_session) for _ in range(3))
    carol = make.representative(db_session, supplier=bt)
    watching.watch(db_session, member=watcher, target=resolve(db_session, {"supplier": bt.slug}))

    withdrawn = make.review(db_session, author=dave, supplier=bt)
    withdrawn.status, withdrawn.title = "withdrawn", "Dave's first go"
    db_session.flush()
    daves = make.review(db_session, author=dave, supplier=bt)
    daves.title = "Dave on BT"
    erins = make.review(db_session, author=erin, supplier=bt)
    erins.title = "Erin on BT"
    for review in (daves, erins):
        signals.review_posted.send(review, session=db_session)
    thread.answer_review(db_session, representative=carol, review=daves, body="Sorry.")
    thread.reply_to_thread(db_session, member=dave, review=daves, body="Still broken.")
    service.notify(db_session, carol.id, "test", "old", review_id=withdrawn.id)
    service.notify(db_session, carol.id, "test", "keep", review_id=erins.id)
    db_session.flush()
    assert any("Dave on BT" in text for text in texts(db_session, carol))
    assert any("Dave on BT" in text for text in texts(db_session, watcher))

    gone = (daves.id, withdrawn.id)
    with app.app_context():  # the retired handle's digest is keyed by a setting
        erase_member(db_session, dave)
    db_session.expire_all()

    for person in (carol, watcher):
        assert not [t for t in texts(db_session, person) if "Dave" in t or t == "old"]
    assert sorted(texts(db_session, carol)) == [
        "New review of BT: “Erin on BT” (2 out of 5).",
        "keep",
    ]
    assert texts(db_session, watcher) == ["New review of BT: “Erin on BT” (2 out of 5)."]
    # Gone by ON DELETE CASCADE with the reviews, not by matching stored URLs.
    about = db_session.scalars(select(Notification.review_id)).all()
    assert not set(about) & set(gone)


def test_erasing_a_member_without_reviews_leaves_notifications_alone(
    app: Flask, db_session: Session
) -> None:
    bt = make.supplier(db_session)
    quiet, author = make.member(db_session), make.member(db_session)
    watcher = make.member(db_session)
    watching.watch(db_session, member=watcher, target=resolve(db_session, {"supplier": bt.slug}))
    signals.review_posted.send(
        make.review(db_session, author=author, supplier=bt), session=db_session
    )
    db_session.flush()
    with app.app_context():
        erase_member(db_session, quiet)
    assert len(texts(db_session, watcher)) == 1
