"""The search page, the suggestion endpoint and the JSON API, with every kind of bad input."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.search.factories import make_area, make_review, make_supplier

NASTY = [
    "",
    "   ",
    '"unbalanced',
    'meter "billing',
    "AND",
    "OR NOT AND",
    "* ? ~ ^ :",
    "meter*",
    "meter~",
    "body:meter",
    "title:",
    ":",
    "(((",
    "[a TO z]",
    "meter^5",
    "x" * 10_000,
    "meter " * 2_000,
    "<script>alert(1)</script>",
    "Ελληνικά",
    "Кириллица",
    "中文搜索",
    "العربية",
    "\u202e\u200b",
    "%00",
    "well-known",
    "helpfull-phone",
    "oct,opus",
    "oct\x01opus",
    "Sainsbury's",
    "the and of",
]


def _populate(db_session: Session, commit: Callable[[], None]) -> None:
    supplier = make_supplier(db_session, "Northern Power", description="Electricity supplier")
    make_review(
        db_session,
        supplier,
        title="Meter billing",
        body="The meter <script>x</script> was read twice.",
    )
    make_review(db_session, supplier, title="Ελληνικά κριτική", body="Πολύ καλή εξυπηρέτηση")
    commit()


@pytest.fixture
def populated(db_session: Session, commit: Callable[[], None], search_backend: str) -> str:
    """A few documents, searched by each engine in turn (the pages never know which)."""
    _populate(db_session, commit)
    return search_backend


@pytest.mark.parametrize("q", NASTY)
def test_any_query_is_a_page_not_an_error(client: FlaskClient, populated: str, q: str) -> None:
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<script>x" not in html
    api = client.get("/api/v1/search", query_string={"q": q})
    assert api.status_code == 200, api.get_data(as_text=True)


def test_results_page(client: FlaskClient, populated: str) -> None:
    html = client.get("/search?q=meters").get_data(as_text=True)
    assert "1 result" in html and "<mark>" in html
    assert "&lt;script&gt;" in html
    assert 'href="/search?q=meters&amp;rating_band=high"' in html  # a facet link


def test_empty_search_shows_the_form(client: FlaskClient, populated: str) -> None:
    html = client.get("/search").get_data(as_text=True)
    assert "Type a name" in html and "No results" not in html


def test_non_latin_results_or_a_clear_no_results(client: FlaskClient, populated: str) -> None:
    assert "1 result" in client.get("/search?q=εξυπηρέτηση").get_data(as_text=True)
    assert "No results" in client.get("/search?q=中文").get_data(as_text=True)


def test_long_query_notice(client: FlaskClient, populated: str) -> None:
    html = client.get("/search", query_string={"q": "meter " * 2000}).get_data(as_text=True)
    assert "only its first words were used" in html


def test_bad_parameters_are_dropped_on_the_page(client: FlaskClient, populated: str) -> None:
    response = client.get("/search?q=meter&sort=loudest&page=x&sector=moon&type=cat")
    assert response.status_code == 200
    assert "were not understood" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ["sort=loudest", "page=0", "page=x", "page=100000", "sector=moon", "type=cat", "kind=alien"],
)
def test_api_rejects_bad_parameters(client: FlaskClient, populated: str, query: str) -> None:
    response = client.get(f"/api/v1/search?q=meter&{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_api_matches_the_page(client: FlaskClient, populated: str) -> None:
    body = client.get("/api/v1/search?q=meters&type=review").get_json()
    assert body["total"] == 1
    hit = body["results"][0]
    assert hit["type"] == "review" and hit["supplier"]["name"] == "Northern Power"
    assert any("<mark>meter</mark>" in s for s in hit["snippets_html"])
    assert any("<script>" in s for s in hit["snippets"])  # text is text
    assert not any("<script>" in s for s in hit["snippets_html"])
    assert {"kind", "sector", "area", "rating_band"} <= body["facets"].keys()
    assert client.get("/api/v1/search?q=metr").get_json()["did_you_mean"] == "meter"


def test_openapi_lists_search(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/search" in document["paths"] and "SearchResults" in document["components"]["schemas"]


def test_suggest_endpoint(client: FlaskClient, populated: str) -> None:
    assert client.get("/search/suggest?q=nor").get_json()["suggestions"] == ["Northern Power"]
    assert client.get("/search/suggest?q=").get_json()["suggestions"] == []
    assert client.get("/search/suggest", query_string={"q": "*:(" * 500}).status_code == 200


def _garble(base: Path) -> None:
    live = base / (base / "current").read_text()
    for path in live.iterdir():
        path.write_bytes(b"\x00garbage\xff" * 100)


def _delete(base: Path) -> None:
    shutil.rmtree(base)


@pytest.mark.parametrize("damage", [_delete, _garble])
def test_missing_or_corrupt_index(
    client: FlaskClient,
    search_dir: Path,
    damage: Callable[[Path], None],
    caplog: pytest.LogCaptureFixture,
    db_session: Session,
    commit: Callable[[], None],
) -> None:
    # Whoosh's own files: the postgres backend has none to lose.
    _populate(db_session, commit)
    damage(search_dir)
    with caplog.at_level(logging.ERROR, logger="vrm.search"):
        page = client.get("/search?q=meter")
    assert page.status_code == 503
    assert "Search is being rebuilt" in page.get_data(as_text=True)
    assert "flask --app app search reindex" in caplog.text
    api = client.get("/api/v1/search?q=meter")
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert client.get("/search/suggest?q=nor").get_json()["suggestions"] == []
    assert client.get("/").status_code == 200
    assert client.get("/search").status_code == 200  # the empty form needs no index
    # Writes still succeed; their changes wait in the outbox for the rebuild.
    make_review(db_session, make_supplier(db_session, "Still Writing"), body="after damage")
    commit()


def test_a_page_past_the_last_shows_the_last_and_says_so(
    client: FlaskClient, populated: str
) -> None:
    html = client.get("/search?q=meter&page=7").get_data(as_text=True)
    assert "There is no page 7" in html and "1 result" in html and "<mark>" in html
    assert client.get("/api/v1/search?q=meter&page=7").get_json()["results"] == []


def test_some_words_are_better_than_nothing(client: FlaskClient, populated: str) -> None:
    html = client.get("/search?q=meter+zebra").get_data(as_text=True)
    assert "No result has every one of your words" in html and "<mark>" in html
    body = client.get("/api/v1/search?q=meter+zebra").get_json()
    assert body["any_word"] is True and body["total"] >= 1
    assert client.get("/api/v1/search?q=meter").get_json()["any_word"] is False


def test_nothing_to_narrow_down_shows_no_facets(client: FlaskClient, populated: str) -> None:
    html = client.get("/search?q=zebra").get_data(as_text=True)
    assert "No results" in html and "Narrow down" not in html


def test_long_facet_lists_open_on_demand_and_bands_go_best_first(
    client: FlaskClient, db_session: Session, commit: Callable[[], None], search_backend: str
) -> None:
    for n in range(14):
        area = make_area(db_session, f"Borough {n:02d}")
        supplier = make_supplier(db_session, f"Heron Water {n}", area_id=area.id)
        make_review(db_session, supplier, title="Heron leak", rating=(1, 3, 5)[n % 3])
    commit()
    html = client.get("/search?q=heron&type=review").get_data(as_text=True)
    assert "4 more area values" in html and "<details" in html
    bands = client.get("/api/v1/search?q=heron&type=review").get_json()["facets"]["rating_band"]
    assert [b["value"] for b in bands] == ["high", "mid", "low"]
