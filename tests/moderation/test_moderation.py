"""Moderation in the open: every decision cites a published rule, a hidden review keeps
its URL as a tombstone, decisions are logged per review and tallied per month, reporters
are never named, and only moderators decide."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import csrf_from
from tests.reviews.factories import make_member, make_representative, make_review, sign_in_as
from vrm import clock
from vrm.errors import Conflict, DomainError, NotAllowed
from vrm.moderation import queries
from vrm.moderation import service as moderation
from vrm.moderation.models import ModerationDecision, ModerationTally
from vrm.reputation.models import ReputationSums
from vrm.reviews import service
from vrm.reviews.models import ReviewFlag
from vrm.reviews.queries import public_reviews

REPORTER = "zed-the-reporter"


def flagged(db_session, author, reporter, supplier, reason="Names a member of staff", **kw):
    review = make_review(db_session, author, supplier, **kw)
    service.flag_review(db_session, member=reporter, review=review, reason=reason)
    db_session.flush()
    return review


def rated(db_session, supplier) -> int:
    sums = db_session.scalar(
        select(ReputationSums).where(
            ReputationSums.supplier_id == supplier.id, ReputationSums.dimension == "overall"
        )
    )
    return 0 if sums is None else sums.n1 + sums.n2 + sums.n3 + sums.n4 + sums.n5


def test_hiding_cites_a_rule_takes_the_review_out_and_restoring_puts_it_back(
    db_session, alice, bob, supplier, mia
):
    review = flagged(db_session, alice, bob, supplier)
    [item] = moderation.open_flags(db_session)
    assert item.review.id == review.id and len(item.flags) == 1
    decision = moderation.hide_review(
        db_session, moderator=mia, review=review, rule="personal-data", note="Remove the name"
    )
    assert review.visibility == "hidden" and review.visibility_reason == "Remove the name"
    assert (decision.action, decision.rule, decision.reports) == ("hidden", "personal-data", 1)
    assert review.id not in {r.id for r in db_session.scalars(public_reviews())}
    assert rated(db_session, supplier) == 0
    assert moderation.open_flags(db_session) == []
    assert db_session.scalar(select(ReviewFlag.status)) == "upheld"
    with pytest.raises(Conflict):
        moderation.hide_review(db_session, moderator=mia, review=review, rule="abuse")

    moderation.restore_review(db_session, moderator=mia, review=review, rule="put-right")
    assert review.visibility == "public" and review.visibility_reason is None
    assert rated(db_session, supplier) == 1
    assert [d.action for d in queries.decisions_on(db_session, review.id)] == [
        "hidden",
        "restored",
    ]
    with pytest.raises(Conflict):
        moderation.restore_review(db_session, moderator=mia, review=review, rule="put-right")


def test_every_decision_must_cite_a_published_rule_of_the_right_kind(
    db_session, alice, bob, supplier, mia
):
    review = flagged(db_session, alice, bob, supplier)
    for rule in ("", "negative", "within-the-rules"):
        with pytest.raises(DomainError) as caught:
            moderation.hide_review(db_session, moderator=mia, review=review, rule=rule)
        assert caught.value.field == "rule"
    with pytest.raises(DomainError):
        moderation.dismiss_flags(db_session, moderator=mia, review=review, rule="abuse")
    with pytest.raises(DomainError):
        moderation.hide_review(
            db_session, moderator=mia, review=review, rule="abuse", note="x" * 501
        )
    assert review.visibility == "public"
    assert db_session.scalar(select(func.count()).select_from(ModerationDecision)) == 0


def test_only_moderators_decide(db_session, alice, bob, supplier):
    review = flagged(db_session, alice, bob, supplier)
    make_representative(db_session, bob, supplier)
    with pytest.raises(NotAllowed):
        moderation.hide_review(db_session, moderator=bob, review=review, rule="abuse")
    with pytest.raises(NotAllowed):
        moderation.dismiss_flags(db_session, moderator=alice, review=review)
    with pytest.raises(NotAllowed):
        moderation.restore_review(db_session, moderator=bob, review=review, rule="put-right")


def test_members_and_representatives_cannot_see_or_use_the_queue(
    client: FlaskClient, db_session, alice, bob, supplier, mia
):
    review = flagged(db_session, alice, bob, supplier)
    make_representative(db_session, bob, supplier)
    sign_in_as(client, bob)
    token = csrf_from(client.get(f"/reviews/{review.id}/flag").get_data(as_text=True))
    assert client.get("/moderation/reviews").status_code == 403
    assert client.get("/moderation").status_code == 403
    for action in ("hide", "dismiss", "restore"):
        answer = client.post(
            f"/moderation/reviews/{review.id}/{action}",
            data={"csrf_token": token, "rule": "abuse"},
        )
        assert answer.status_code == 403
    db_session.refresh(review)
    assert review.visibility == "public"


def test_the_queue_shows_what_a_moderator_needs_and_decides_in_one_click(
    client: FlaskClient, db_session, alice, bob, mia, supplier
):
    earlier = flagged(db_session, alice, bob, supplier, title="An earlier one")
    moderation.dismiss_flags(db_session, moderator=mia, review=earlier)
    hidden = flagged(
        db_session,
        alice,
        bob,
        make_review_supplier(db_session),
        body="Gerald at the desk was rude.",
    )
    rep = make_member(db_session, "repper")
    make_representative(db_session, rep, hidden.supplier)
    service.flag_review(db_session, member=rep, review=hidden, reason="Names our staff",
                        on_behalf_of_supplier_id=hidden.supplier_id)  # fmt: skip
    kept = flagged(db_session, bob, alice, supplier, reason="I disagree with it")
    db_session.flush()
    sign_in_as(client, mia)
    assert client.get("/moderation").headers["Location"].endswith("/moderation/reviews")
    page = client.get("/moderation/reviews")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for seen in ("Gerald at the desk was rude.", "alice", hidden.supplier.name,
                 "Names a member of staff", "The supplier’s report", "An earlier one",
                 "Reports dismissed"):  # fmt: skip
        assert seen in html, seen
    assert "repper" not in html  # a reporter, even the supplier's, is never named
    token = csrf_from(html)
    no_rule = client.post(f"/moderation/reviews/{hidden.id}/hide", data={"csrf_token": token})
    assert no_rule.status_code == 400 and "published rules" in no_rule.get_data(as_text=True)
    done = client.post(
        f"/moderation/reviews/{hidden.id}/hide",
        data={"csrf_token": token, "rule": "personal-data"},
    )
    db_session.refresh(hidden)
    assert done.status_code == 303 and hidden.visibility == "hidden"
    [decision] = queries.decisions_on(db_session, hidden.id)
    assert (decision.reports, decision.supplier_reports) == (2, 1)
    kept_answer = client.post(
        f"/moderation/reviews/{kept.id}/dismiss",
        data={"csrf_token": token, "rule": "within-the-rules"},
    )
    db_session.refresh(kept)
    assert kept_answer.status_code == 303 and kept.visibility == "public"
    assert "No reported reviews are waiting" in client.get("/moderation/reviews").get_data(
        as_text=True
    )
    keep = {"csrf_token": token, "rule": "within-the-rules"}
    assert client.post(f"/moderation/reviews/{kept.id}/dismiss", data=keep).status_code == 409
    assert client.post("/moderation/reviews/999999/dismiss", data=keep).status_code == 404
    restored = client.post(
        f"/moderation/reviews/{hidden.id}/restore",
        data={"csrf_token": token, "rule": "put-right"},
    )
    db_session.refresh(hidden)
    assert restored.status_code == 303 and hidden.visibility == "public"


def make_review_supplier(db_session):
    from tests.reviews.factories import make_supplier

    return make_supplier(db_session, "east-water", name="East Water")


def test_a_hidden_review_keeps_its_url_as_a_tombstone_and_no_page_names_a_reporter(
    client: FlaskClient, db_session, alice, supplier, mia
):
    reporter = make_member(db_session, REPORTER)
    review = flagged(db_session, alice, reporter, supplier, body="Call Jane Doe on 0123.")
    moderation.hide_review(db_session, moderator=mia, review=review, rule="personal-data",
                           note="Please take out the phone number")  # fmt: skip
    db_session.flush()
    pages = (f"/reviews/{review.id}", f"/reviews/{review.id}/moderation", "/transparency")
    for path in pages:  # signed out
        answer = client.get(path)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 200, path
        assert REPORTER not in html and "mia" not in html and "0123" not in html, path
        assert "Please take out" not in html, path  # the note is for the author only
    tomb = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "A moderator hid this review" in tomb and "Personal data" in tomb
    assert "after 1 report" in tomb and 'name="robots" content="noindex"' in tomb
    sign_in_as(client, mia)
    for path in (*pages, "/moderation/reviews"):
        html = client.get(path).get_data(as_text=True)
        assert REPORTER not in html, path
    assert "Restore: put right" in client.get(f"/reviews/{review.id}").get_data(as_text=True)
    sign_in_as(client, alice)
    own = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "0123" in own and "Please take out the phone number" in own and REPORTER not in own


def test_a_withdrawn_review_has_no_tombstone(client: FlaskClient, db_session, alice, supplier):
    review = make_review(db_session, alice, supplier)
    service.withdraw_review(db_session, actor=alice, review=review)
    db_session.flush()
    assert client.get(f"/reviews/{review.id}").status_code == 404
    assert client.get(f"/reviews/{review.id}/moderation").status_code == 404


def test_the_transparency_page_counts_decisions_per_month_and_rule(
    client: FlaskClient, db_session, alice, bob, supplier, mia
):
    months = [dt.datetime(2026, 10, 5, tzinfo=dt.UTC), dt.datetime(2026, 11, 5, tzinfo=dt.UTC)]
    try:
        for when, rule in zip(months, ("abuse", "personal-data"), strict=True):
            clock.set_source(lambda when=when: when)
            review = flagged(db_session, alice, bob, supplier)
            moderation.hide_review(db_session, moderator=mia, review=review, rule=rule)
            moderation.restore_review(db_session, moderator=mia, review=review, rule="put-right")
            service.withdraw_review(db_session, actor=alice, review=review)
    finally:
        clock.set_source(None)
    db_session.flush()
    tallies = {
        (t.month.month, t.action, t.rule): t.n for t in db_session.scalars(select(ModerationTally))
    }
    assert tallies == {
        (10, "hidden", "abuse"): 1,
        (10, "restored", "put-right"): 1,
        (11, "hidden", "personal-data"): 1,
        (11, "restored", "put-right"): 1,
    }
    report = queries.transparency(db_session)
    assert [row.month.month for row in report.months] == [11, 10]
    assert report.totals[("restored", "put-right")] == 2
    html = client.get("/transparency").get_data(as_text=True)
    assert "November 2026" in html and "October 2026" in html
    assert "Hidden: Abuse or threats" in html and "never hidden for being negative" in html


def test_methodology_publishes_the_moderation_rules(client: FlaskClient):
    html = client.get("/methodology").get_data(as_text=True)
    assert "Abuse or threats" in html and "never hidden for being negative" in html
    assert 'href="/transparency"' in html
