"""Anonymous pages: ETags, 304s, shared caching headers, and a copy that a write retires."""

from __future__ import annotations

import gzip

from sqlalchemy import event, update

from tests.reviews.factories import make_member, make_review, make_supplier, sign_in_as
from vrm.caching.models import ContentVersion
from vrm.caching.pages import GZIP_MIN_BYTES, _gzipped
from vrm.db import get_db

PAGES = ("/", "/s/acme", "/league", "/open-data/reputation.csv", "/api/v1/suppliers")


def test_anonymous_pages_carry_an_etag_and_answer_304_when_unchanged(client, db_session):
    make_supplier(db_session, "acme", name="Acme Water")
    db_session.commit()
    for path in PAGES:
        first = client.get(path)
        assert first.status_code == 200, path
        assert first.headers["Cache-Control"] == "public, no-cache", path
        assert "Cookie" in first.headers["Vary"]
        etag = first.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.get_data() == b""
        since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304, path


def test_a_committed_write_retires_every_cached_copy(client, db_session):
    supplier = make_supplier(db_session, "acme", name="Acme Water")
    db_session.commit()
    before = client.get("/s/acme")
    assert "Nobody has reviewed Acme Water yet" in before.get_data(as_text=True)

    make_review(db_session, make_member(db_session, "writer"), supplier, title="Leaky pipes")
    db_session.commit()
    after = client.get("/s/acme", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Leaky pipes" in after.get_data(as_text=True)


def test_a_version_number_that_comes_back_with_other_content_is_rendered_anew(client, db_session):
    # A restored backup, or another database behind the same Redis, counts from an old
    # number again: the copies kept under that number show what is no longer so.
    supplier = make_supplier(db_session, "acme", name="Acme Water")
    db_session.commit()
    before = client.get("/s/acme")
    db_session.execute(update(ContentVersion).values(version=ContentVersion.version - 1))
    supplier.description = "Now with a social tariff."
    db_session.commit()  # the same number as before, with other content
    after = client.get("/s/acme", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "social tariff" in after.get_data(as_text=True)


def test_a_cached_copy_is_served_without_rendering_the_page(app, client, db_session):
    make_supplier(db_session, "acme", name="Acme Water")
    db_session.commit()
    first = client.get("/s/acme").get_data()
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = get_db(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        second = client.get("/s/acme").get_data()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert second == first
    assert [s for s in seen if s.lstrip().upper().startswith("SELECT")] == [
        s for s in seen if "content_version" in s
    ], "only the content version was read"


def test_signed_in_pages_are_personal_and_never_shared(client, db_session):
    make_supplier(db_session, "acme", name="Acme Water")
    db_session.commit()
    client.get("/s/acme")  # an anonymous copy exists
    sign_in_as(client, make_member(db_session, "reader"))
    page = client.get("/s/acme")
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in page.headers
    assert "reader" in page.get_data(as_text=True)  # the header names who is signed in


def test_the_api_with_a_token_is_never_served_from_the_cache(client, db_session):
    make_supplier(db_session, "acme", name="Acme Water")
    db_session.commit()
    client.get("/api/v1/suppliers")
    answer = client.get("/api/v1/suppliers", headers={"Authorization": "Bearer x"})
    assert answer.headers["Cache-Control"] == "private, no-store"


def test_anonymous_pages_set_no_cookie_so_every_visitor_shares_one_copy(app, db_session):
    supplier = make_supplier(db_session, "acme", name="Acme Water")
    review = make_review(db_session, make_member(db_session, "writer"), supplier)
    db_session.commit()
    for path in (*PAGES, f"/reviews/{review.id}"):
        answer = app.test_client(use_cookies=False).get(path)
        assert answer.status_code == 200, path
        assert "Set-Cookie" not in answer.headers, path
        assert "ETag" in answer.headers, path


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_client_that_accepts_gzip_gets_the_shared_copy_compressed(client, db_session):
    for number in range(30):  # enough rows that the CSV is worth compressing
        make_supplier(db_session, f"water-{number}", name=f"Water Company {number}")
    db_session.commit()
    for path in ("/s/water-1", "/league", "/open-data/suppliers.csv", "/api/v1/suppliers"):
        plain = client.get(path)
        packed = client.get(path, headers=GZIP)
        assert packed.headers["Content-Encoding"] == "gzip", path
        assert gzip.decompress(packed.get_data()) == plain.get_data(), path
        assert packed.headers["Content-Type"] == plain.headers["Content-Type"], path
        assert int(packed.headers["Content-Length"]) < int(plain.headers["Content-Length"]) / 3
        assert "Content-Encoding" not in plain.headers, path
        for answer in (plain, packed):
            assert {"Cookie", "Accept-Encoding"} <= set(answer.headers["Vary"].split(", "))
        # Each copy has its own validator, so a shared cache can keep both apart, and
        # each revalidates to itself.
        assert packed.headers["ETag"] != plain.headers["ETag"], path
        for answer in (plain, packed):
            again = client.get(path, headers={**GZIP, "If-None-Match": answer.headers["ETag"]})
            assert again.status_code == 304, path
            assert again.headers["ETag"] == answer.headers["ETag"], path
            assert "Accept-Encoding" in again.headers["Vary"]


def test_gzip_is_sent_only_to_clients_that_accept_it(client, db_session):
    make_supplier(db_session, "acme", name="Acme Water")
    db_session.commit()
    client.get("/s/acme", headers=GZIP)  # the copy, with its gzipped body, is now kept
    for refusing in ("identity", "gzip;q=0", "*;q=0", "br", "*, gzip;q=0", ""):
        answer = client.get("/s/acme", headers={"Accept-Encoding": refusing})
        assert "Content-Encoding" not in answer.headers, refusing
        assert b"Acme Water" in answer.get_data(), refusing
    for accepting in ("gzip", "GZIP;q=0.5", "*", "br, *;q=0.1", "x-gzip, gzip"):
        answer = client.get("/s/acme", headers={"Accept-Encoding": accepting})
        assert answer.headers["Content-Encoding"] == "gzip", accepting


def test_personal_pages_are_never_compressed(client, db_session):
    # They carry a CSRF token beside text a visitor can choose: compressing them would
    # let an attacker guess the token from the length (BREACH).
    make_supplier(db_session, "acme", name="Acme Water")
    db_session.commit()
    sign_in_as(client, make_member(db_session, "reader"))
    page = client.get("/s/acme?q=csrf_token", headers=GZIP)
    assert page.status_code == 200
    assert "Content-Encoding" not in page.headers
    assert b"csrf_token" in page.get_data()


def test_only_text_of_some_size_is_compressed():
    text = b"a,b,c\n" * 1000
    assert gzip.decompress(_gzipped(text, "text/csv") or b"") == text
    assert _gzipped(text, "application/json") is not None
    assert _gzipped(text[: GZIP_MIN_BYTES - 1], "text/csv") is None  # not worth a second copy
    assert _gzipped(text, "image/png") is None  # already compressed
    # The same page gives the same bytes on every host (no timestamp in the header).
    assert _gzipped(text, "text/csv") == _gzipped(text, "text/csv")
