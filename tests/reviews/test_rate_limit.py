"""Posting is rate-limited per member, not per address."""

from __future__ import annotations

from tests.conftest import csrf_from, make_settings
from tests.reviews.factories import make_member, sign_in_as
from vrm import create_app
from vrm.db import get_db
from vrm.extensions import WRITE_LIMIT


def test_review_posting_is_limited_per_member(app, db_session, database_url, tmp_path, supplier):
    limited = create_app(make_settings(database_url, tmp_path, ratelimit_enabled=True))
    try:
        _post_until_limited(limited, app, db_session)
    finally:
        get_db(limited).engine.dispose()  # its schema check opened a connection


def _post_until_limited(limited, app, db_session) -> None:
    # Share the test's savepoint transaction, so nothing here outlives the test.
    shared = get_db(app).session_factory
    get_db(limited).session_factory = get_db(limited).read_session_factory = shared
    per_minute = int(WRITE_LIMIT.split()[0])
    first, second = make_member(db_session, "hasty"), make_member(db_session, "patient")
    client = limited.test_client()
    sign_in_as(client, first)
    token = csrf_from(client.get("/s/north-power/review").get_data(as_text=True))
    statuses = [
        client.post("/s/north-power/review", data={"csrf_token": token}).status_code
        for _ in range(per_minute + 1)
    ]
    assert statuses[:per_minute] == [400] * per_minute
    assert statuses[-1] == 429
    sign_in_as(client, second)  # same address, another member: not limited
    assert client.post("/s/north-power/review", data={"csrf_token": token}).status_code == 400
