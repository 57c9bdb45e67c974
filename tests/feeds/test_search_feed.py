"""Every /search URL has a feed: the same query string under /search/feed.atom."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.search.factories import make_review, make_supplier
from vrm.reviews.service import withdraw_review


@pytest.fixture
def indexed(db_session: Session, commit: Callable[[], None], search_dir: Path) -> dict:
    power = make_supplier(db_session, "Northern Power", description="Electricity *supplier*")
    water = make_supplier(db_session, "Southern Water", sector="water")
    meter = make_review(db_session, power, title="Meter billing", body="The meter was read twice.")
    make_review(db_session, water, title="Meter leak", body="The water meter leaked.")
    commit()
    return {"power": power, "meter": meter}


def feed_of(client: FlaskClient, path: str) -> feedparser.FeedParserDict:
    answer = client.get(path)
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
    feed = feedparser.parse(answer.get_data())
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=meter&type=review&sort=newest", ["4★ Meter leak — Southern Water",
                                              "4★ Meter billing — Northern Power"]),
        ("q=meter&type=review&sector=water", ["4★ Meter leak — Southern Water"]),
        ("q=northern&type=supplier", ["Northern Power"]),
        ("q=nothing-matches-this", []),
    ],
)  # fmt: skip
def test_a_search_and_its_feed_agree(
    client: FlaskClient, indexed: dict, query: str, expected: list[str]
) -> None:
    page = client.get(f"/search?{query}").get_data(as_text=True)
    linked = re.search(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', page)
    assert linked is not None
    feed_url = html.unescape(linked.group(1))
    assert parse_qs(urlsplit(feed_url).query) == parse_qs(query)
    assert [entry.title for entry in feed_of(client, feed_url).entries] == expected


def test_the_page_number_is_not_part_of_the_feed(client: FlaskClient, indexed: dict) -> None:
    page = client.get("/search?q=meter&page=1").get_data(as_text=True)
    assert 'href="/search/feed.atom?q=meter"' in page


def test_empty_search_feed_is_everything_new_and_withdrawn_reviews_leave(
    client: FlaskClient,
    db_session: Session,
    indexed: dict,
    commit: Callable[[], None],
) -> None:
    assert len(feed_of(client, "/search/feed.atom").entries) == 2
    meter = indexed["meter"]
    withdraw_review(db_session, actor=meter.author, review=meter)
    commit()
    assert len(feed_of(client, "/search/feed.atom").entries) == 1
    assert feed_of(client, "/search/feed.atom?q=billing").entries == []


def test_search_feed_conditional_get(client: FlaskClient, indexed: dict) -> None:
    first = client.get("/search/feed.atom?q=meter")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(
        "/search/feed.atom?q=meter", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    odd = client.get("/search/feed.atom?q=meter&sort=bogus&sector=nope&page=x")
    assert odd.status_code == 200  # lenient like the page: bad values are dropped
