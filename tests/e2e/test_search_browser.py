"""Issue 6 in a real browser: the header search box, highlighted results, facets with
counts, "Did you mean", name suggestions filled in by suggest.js, hostile query text,
and a withdrawn review leaving the results as soon as its withdrawal commits.

Suppliers and reviews are written through the services and committed inside an app
context of a twin of the live app (same database, same instance directory), so the
search handlers' after-commit drain writes them into the index the live app reads.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from tests.conftest import make_settings
from tests.e2e.conftest import LiveServer
from tests.search.factories import make_member, make_review, make_supplier
from tests.support.browser import (
    NetworkRecorder,
    assert_no_csp_violations,
    assert_no_third_party_requests,
)
from vrm import create_app
from vrm.db import get_db
from vrm.members.models import Member
from vrm.reviews.models import Review
from vrm.reviews.service import withdraw_review
from vrm.search.index import POINTER
from vrm.search.location import index_dir

SCREENSHOT = Path(tempfile.gettempdir()) / "parley-e2e" / "search-results.png"
WORD, MISSPELT = "quillfeather", "quilfeather"
GONE = "gloomwhistle"  # only in the review that is withdrawn
HOSTILE = (
    '"quillfeather',
    'quillfeather" OR "',
    "name:quillfeather AND (",
    "* ? ~2 ^3 [a TO z] {",
    "NOT OR AND",
    "\\ / ; -- '",
    "Привет 東京 مرحبا",
    "x" * 10_000,
)


@dataclass(frozen=True)
class Corpus:
    water: str
    council: str
    gone_review_id: int
    gone_author_id: int


@pytest.fixture(scope="module")
def twin(
    live_server: LiveServer, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An app with the live server's settings, for its index directory and after-commit
    drains. The live app itself is not exposed by tests/e2e/conftest.py, so its instance
    directory is found where the live_server fixture made it (the first "live-instance")."""
    instance = tmp_path_factory.getbasetemp() / "live-instance0"
    assert instance.is_dir(), f"the live server's instance directory moved: {instance}"
    app = create_app(make_settings(database_url, instance))
    if not (index_dir(app) / POINTER).exists():
        with app.app_context():  # the search commands do not push one themselves
            result = app.test_cli_runner().invoke(args=["search", "reindex"])
        assert result.exit_code == 0, result.output
    try:
        yield app
    finally:
        get_db(app).engine.dispose()


@pytest.fixture(scope="module")
def corpus(twin: Flask) -> Corpus:
    suffix = uuid.uuid4().hex[:8]
    with twin.app_context(), get_db(twin).session_factory() as session:
        water = make_supplier(
            session,
            f"Quillfeather Water {suffix}",
            sector="water",
            description="Quillfeather pipes water to the valley.",
        )
        council = make_supplier(
            session,
            f"Quillfeather Borough Council {suffix}",
            kind="public_service",
            sector="council-services",
        )
        make_review(
            session,
            water,
            title="Quillfeather fixed the leak",
            body="The quillfeather engineer came the next morning and fixed the leak.",
            rating=5,
        )
        make_review(
            session,
            water,
            title="Slow to answer",
            body="Quillfeather took three weeks to answer a letter about my bill.",
            rating=2,
        )
        make_review(
            session,
            council,
            title="Bins collected late",
            body="The quillfeather bin lorry came two days late, twice.",
            rating=3,
        )
        # Reviews are found by their supplier's name too: this one's must not match WORD.
        parking = make_supplier(
            session, f"Parking Office {suffix}", kind="public_service", sector="transport"
        )
        author = make_member(session, f"gone-{suffix}")
        gone = make_review(
            session,
            parking,
            author=author,
            title="A gloomwhistle of a parking fine",
            body="They sent a gloomwhistle letter about a fine I had paid.",
            rating=1,
        )
        session.commit()  # after_commit drains the outbox into the live index
        return Corpus(water.name, council.name, gone.id, author.id)


def results_line(page: Page) -> Locator:
    """The "N results for …" line: an <h2 role="status"> (so not a heading to the
    accessibility tree; see the report), found by its id."""
    return page.locator("#results-heading")


def check_clean(recorder: NetworkRecorder, live: LiveServer) -> None:
    assert_no_third_party_requests(recorder.urls, [live.url])
    assert_no_csp_violations(recorder.csp_violations([live.url]))
    assert recorder.page_errors == []


def test_search_from_header_with_highlights_facets_and_correction(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder, corpus: Corpus
) -> None:
    page.goto("/")
    header = page.get_by_role("banner")
    # With suggestions attached the box is a combobox (it has a list), so find it by label.
    header.get_by_label("Search", exact=True).fill(WORD)
    header.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"/search\?q={WORD}$"))
    expect(results_line(page)).to_have_text(f"5 results for “{WORD}”")

    results = page.locator("ol.search-results > li")
    expect(results).to_have_count(5)
    expect(results.filter(has_text=corpus.water).first).to_be_visible()
    marks = page.locator("ol.search-results .snippet mark")
    expect(marks.first).to_be_visible()
    assert {text.lower() for text in marks.all_inner_texts()} == {WORD}
    expect(page.locator("ol.search-results .card-title mark").first).to_have_text(
        re.compile(WORD, re.IGNORECASE)
    )
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    facets = page.get_by_role("complementary", name="Narrow down")
    kind = facets.locator("ul.facet").first
    expect(kind.get_by_role("listitem")).to_have_text(["Business (3)", "Public service (2)"])
    expect(facets.get_by_role("listitem").filter(has_text="Water")).to_have_text("Water (3)")
    facets.get_by_role("link", name="Public service").click()
    expect(page).to_have_url(re.compile(r"kind=public_service"))
    expect(results_line(page)).to_have_text(f"2 results for “{WORD}”")
    expect(results).to_have_count(2)
    for item in results.all():
        expect(item).to_contain_text(corpus.council)
    expect(results.filter(has_text=corpus.water)).to_have_count(0)
    expect(facets.get_by_role("link", name=re.compile(r"^Remove the kind filter$"))).to_be_visible()

    page.goto(f"/search?{urlencode({'q': MISSPELT})}")
    did_you_mean = page.locator(".did-you-mean")
    expect(did_you_mean).to_contain_text(f"Did you mean {WORD}?")
    did_you_mean.get_by_role("link", name=WORD).click()
    expect(page).to_have_url(re.compile(rf"q={WORD}$"))
    expect(results_line(page)).to_have_text(f"5 results for “{WORD}”")

    check_clean(recorder, live_server)


def test_suggest_js_fills_the_datalist(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder, corpus: Corpus
) -> None:
    page.goto("/search")
    box = page.get_by_label("Suppliers, public services and reviews")
    list_id = box.get_attribute("list")
    assert list_id
    options = page.locator(f"datalist#{list_id} option")
    expect(options).to_have_count(0)
    with page.expect_response(re.compile(r"/search/suggest\?q=")) as answer:
        box.press_sequentially("quillfeather wa", delay=20)
    assert answer.value.ok
    expect(options.and_(page.locator(f'[value="{corpus.water}"]'))).to_have_count(1)
    expect(options.and_(page.locator(f'[value="{corpus.council}"]'))).to_have_count(0)

    box.fill("")
    box.press_sequentially("quillfeather bor", delay=20)
    expect(options.and_(page.locator(f'[value="{corpus.council}"]'))).to_have_count(1)
    expect(options).to_have_count(1)
    check_clean(recorder, live_server)


def test_hostile_query_text_never_errors(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder, corpus: Corpus
) -> None:
    page.goto("/search")
    page.get_by_label("Suppliers, public services and reviews").fill('"quillfeather AND (OR')
    page.locator("main").get_by_role("button", name="Search").click()
    expect(results_line(page)).to_have_text(re.compile(r"^(No results|\d+ results?) for"))

    for text in HOSTILE:
        response = page.goto(f"/search?{urlencode({'q': text})}")
        assert response is not None and response.status == 200, (text[:40], response)
        # Text made only of operators ("NOT OR AND") leaves nothing to search: the page
        # then shows its prompt (see the report) rather than "No results".
        outcome = results_line(page).or_(page.get_by_text("Type a name, a service, a place"))
        expect(outcome).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("Search")  # not an error page
    check_clean(recorder, live_server)


def test_withdrawn_review_leaves_the_results(
    page: Page,
    live_server: LiveServer,
    recorder: NetworkRecorder,
    twin: Flask,
    corpus: Corpus,
) -> None:
    page.goto(f"/search?q={GONE}")
    expect(results_line(page)).to_have_text(f"1 result for “{GONE}”")
    expect(page.locator("ol.search-results")).to_contain_text("A gloomwhistle of a parking fine")

    with twin.app_context(), get_db(twin).session_factory() as session:
        review = session.get(Review, corpus.gone_review_id)
        author = session.get(Member, corpus.gone_author_id)
        assert review is not None and author is not None
        withdraw_review(session, actor=author, review=review)
        session.commit()

    page.goto(f"/search?q={GONE}")
    expect(results_line(page)).to_have_text(f"No results for “{GONE}”")
    expect(page.locator("ol.search-results > li")).to_have_count(0)
    page.goto(f"/search?q={WORD}&type=review")
    expect(page.locator("main")).not_to_contain_text("parking fine")
    check_clean(recorder, live_server)
