"""Atom feeds: valid (feedparser, bozo == 0) empty or busy, linked from their pages,
public reviews only, conditional GET, and a cost that does not grow with history."""

from __future__ import annotations

import datetime as dt

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.reviews.factories import (
    make_member,
    make_representative,
    make_review,
    make_supplier,
)
from tests.support.cost import statement_counts
from vrm.moderation.service import hide_review
from vrm.reviews.models import ChangeClaim
from vrm.reviews.service import withdraw_review
from vrm.reviews.thread import answer_change_claim, answer_review, mark_resolution
from vrm.suppliers.models import Area

ATOM_LINK = '<link rel="alternate" type="application/atom+xml" href="{}"'


def parsed(client: FlaskClient, path: str) -> feedparser.FeedParserDict:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    assert answer.mimetype == "application/atom+xml"
    feed = feedparser.parse(answer.get_data())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_an_empty_supplier_feed_is_valid_and_linked(
    client: FlaskClient, db_session: Session
) -> None:
    make_supplier(db_session, "quiet-water", name="Quiet Water")
    feed = parsed(client, "/s/quiet-water/feed.atom")
    assert feed.entries == [] and feed.feed.title == "Quiet Water · Parley"
    assert feed.feed.link == "http://localhost/s/quiet-water"
    html = client.get("/s/quiet-water").get_data(as_text=True)
    assert ATOM_LINK.format("/s/quiet-water/feed.atom") in html
    assert 'class="feed-link" href="/s/quiet-water/feed.atom"' in html


def test_a_busy_supplier_feed_tells_reviews_answers_resolutions_and_changes(
    client: FlaskClient, db_session: Session
) -> None:
    supplier = make_supplier(db_session, "busy-power", name="Busy Power")
    rep = make_member(db_session, "busyrep")
    make_representative(db_session, rep, supplier)
    alice = make_member(db_session, "alice")
    review = make_review(
        db_session, alice, supplier, rating=2, title="Billed twice",
        body="They **billed** me twice <script>alert(1)</script>",
    )  # fmt: skip
    answer_review(db_session, representative=rep, review=review,
                  body="We have *refunded* you.", states_change_made=True)  # fmt: skip
    mark_resolution(db_session, member=alice, review=review, resolved=True)
    claim = db_session.query(ChangeClaim).filter_by(review_id=review.id).one()
    answer_change_claim(db_session, member=alice, claim=claim, confirmed=True)
    for n in range(5):
        make_review(db_session, make_member(db_session), supplier, title=f"Review {n}")

    feed = parsed(client, "/s/busy-power/feed.atom")
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 9
    assert "alice confirmed a change made after “Billed twice”" in titles
    assert "alice marked “Billed twice” resolved" in titles
    assert "Busy Power answered “Billed twice”" in titles
    assert "2★ Billed twice — Busy Power" in titles
    by_title = {entry.title: entry for entry in feed.entries}
    posted = by_title["2★ Billed twice — Busy Power"]
    assert posted.id == f"tag:localhost,{review.created_at.date().isoformat()}:review/{review.id}"
    assert posted.author == "alice" and posted.link == f"http://localhost/reviews/{review.id}"
    assert "<strong>billed</strong>" in posted.content[0].value
    assert "<script" not in client.get("/s/busy-power/feed.atom").get_data(as_text=True)
    assert by_title["Busy Power answered “Billed twice”"].author == "Busy Power"
    assert all(entry.updated_parsed for entry in feed.entries)
    # Ids are stable: the same feed read again names the same entries.
    assert [e.id for e in parsed(client, "/s/busy-power/feed.atom").entries] == [
        e.id for e in feed.entries
    ]


def test_withdrawn_and_hidden_reviews_leave_the_feeds(
    client: FlaskClient, db_session: Session
) -> None:
    supplier = make_supplier(db_session, "leaving", name="Leaving Ltd", sector="water")
    alice, bob = make_member(db_session, "alicew"), make_member(db_session, "bobw")
    moderator = make_member(db_session, "modw", role="moderator")
    first = make_review(db_session, alice, supplier, title="Withdrawn soon")
    second = make_review(db_session, bob, supplier, title="Hidden soon")
    paths = ["/s/leaving/feed.atom", "/sectors/water/feed.atom", "/members/alicew/feed.atom"]
    assert len(parsed(client, paths[0]).entries) == 2
    assert len(parsed(client, paths[1]).entries) == 2
    withdraw_review(db_session, actor=alice, review=first)
    hide_review(db_session, moderator=moderator, review=second, rule="abuse")
    db_session.commit()
    for path in paths:
        assert parsed(client, path).entries == [], path


def test_a_former_members_review_is_in_the_feeds_by_a_former_member(
    client: FlaskClient, db_session: Session
) -> None:
    # An erased member may leave their reviews; author_id is then None (no 500 here).
    supplier = make_supplier(db_session, "kept-words", name="Kept Words", sector="water")
    rep = make_member(db_session, "keptrep")
    make_representative(db_session, rep, supplier)
    review = make_review(db_session, make_member(db_session, "leaver"), supplier, title="Kept")
    answer_review(db_session, representative=rep, review=review, body="Thank you.")
    review.author_id = None
    review.author = None
    db_session.commit()
    for path in ("/s/kept-words/feed.atom", "/sectors/water/feed.atom"):
        by_title = {e.title: e for e in parsed(client, path).entries}
        assert by_title["4★ Kept — Kept Words"].author == "A former member", path
    supplier_titles = [e.title for e in parsed(client, "/s/kept-words/feed.atom").entries]
    assert "Kept Words answered “Kept”" in supplier_titles


def test_sector_area_and_member_feeds(client: FlaskClient, db_session: Session) -> None:
    region = Area(code="E12000009", name="South West", kind="region")
    db_session.add(region)
    db_session.flush()
    town = Area(code="E06000023", name="Bristol", kind="local_authority", parent_id=region.id)
    db_session.add(town)
    db_session.flush()
    here = make_supplier(db_session, "bristol-water", sector="water", area_id=town.id)
    elsewhere = make_supplier(db_session, "far-energy", sector="energy")
    writer = make_member(db_session, "writer")
    make_review(db_session, writer, here, title="Tap water fine")
    make_review(db_session, writer, elsewhere, title="Power cut")

    assert [e.title for e in parsed(client, "/sectors/water/feed.atom").entries] == [
        "4★ Tap water fine — Bristol Water"
    ]
    assert len(parsed(client, "/areas/E12000009/feed.atom").entries) == 1
    assert [e.author for e in parsed(client, "/members/writer/feed.atom").entries] == [
        "writer",
        "writer",
    ]
    assert parsed(client, "/sectors/telecoms/feed.atom").entries == []

    sector_page = client.get("/sectors/water").get_data(as_text=True)
    assert ATOM_LINK.format("/sectors/water/feed.atom") in sector_page
    area_page = client.get("/suppliers?area=E12000009").get_data(as_text=True)
    assert ATOM_LINK.format("/areas/E12000009/feed.atom") in area_page
    member_page = client.get("/members/writer").get_data(as_text=True)
    assert ATOM_LINK.format("/members/writer/feed.atom") in member_page


@pytest.mark.parametrize(
    "path",
    ["/s/nobody/feed.atom", "/sectors/nope/feed.atom", "/areas/X99/feed.atom",
     "/members/ghost/feed.atom"],
)  # fmt: skip
def test_unknown_things_have_no_feed(client: FlaskClient, db_session: Session, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404 and answer.mimetype == "text/html"


def test_conditional_get(client: FlaskClient, db_session: Session) -> None:
    supplier = make_supplier(db_session, "cond", name="Cond")
    make_review(db_session, make_member(db_session), supplier)
    db_session.commit()
    first = client.get("/s/cond/feed.atom")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/s/cond/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    since = client.get(
        "/s/cond/feed.atom", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304
    make_review(db_session, make_member(db_session), supplier)
    db_session.commit()
    changed = client.get("/s/cond/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and len(feedparser.parse(changed.get_data()).entries) == 2


def test_a_feed_costs_the_same_however_long_the_history(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    supplier = make_supplier(db_session, "long", sector="water", name="Long")
    rep = make_member(db_session, "longrep")
    make_representative(db_session, rep, supplier)
    author = make_member(db_session, "longauthor")
    paths = ["/s/long/feed.atom", "/sectors/water/feed.atom", "/members/longauthor/feed.atom"]

    def add(how_many: int) -> None:
        for _ in range(how_many):
            review = make_review(db_session, make_member(db_session), supplier)
            answer_review(db_session, representative=rep, review=review, body="Thanks.")
        make_review(db_session, author, make_supplier(db_session))

    add(3)
    before = statement_counts(app, client, paths)
    add(40)
    assert statement_counts(app, client, paths) == before
    assert len(parsed(client, paths[0]).entries) == 30  # a page, never the history


def test_tag_uris_drop_the_port() -> None:
    from vrm.feeds.atom import tag_uri

    assert tag_uri("example.org:8080", dt.date(2026, 3, 1), "review/1") == (
        "tag:example.org,2026-03-01:review/1"
    )
