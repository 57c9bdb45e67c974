"""Issue 5 in a real browser: a supplier's score with its band and count, the star and
monthly charts as server-drawn SVG with tables behind them, "not enough reviews" for a
supplier with one review, a sector league table that one five-star review cannot top,
and the methodology page with its formulas and parameters.

Reviews are posted through the real service (so the reputation handlers fold them into
the stored sums) and committed; the clock is moved back while each is posted, so they
spread over several months. Names carry a random suffix: the live database is shared.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.conftest import LiveServer
from tests.support.browser import (
    NetworkRecorder,
    assert_no_csp_violations,
    assert_no_third_party_requests,
)
from vrm import clock
from vrm.db import Database
from vrm.members.models import Member
from vrm.reviews.drafts import ReviewDraft
from vrm.reviews.service import post_review
from vrm.suppliers.models import Supplier
from vrm.suppliers.service import create_supplier

SCREENSHOT_DIR = Path(tempfile.gettempdir()) / "parley-e2e"
SECTOR, SECTOR_NAME = "post-and-delivery", "Post and delivery"
# (days before today, stars): eight reviews over about seven months, mixed.
HISTORY = ((0, 5), (20, 4), (45, 5), (75, 2), (110, 4), (140, 3), (170, 5), (200, 4))
NUMBER = r"(\d\.\d)"


@dataclass(frozen=True)
class Suppliers:
    reviewed: Supplier
    single: Supplier
    months: dict[str, int]
    """Expected reviews per month of the well-reviewed one, as "March 2025" → count."""


@pytest.fixture
def db(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on the live server's database; what a test writes here is committed."""
    database = Database(database_url)
    try:
        yield database.session_factory
    finally:
        database.engine.dispose()


def _post(session: Session, supplier: Supplier, stars: int, posted: dt.datetime, n: int) -> None:
    author = Member(handle=f"rep-{uuid.uuid4().hex[:12]}")
    session.add(author)
    session.flush()
    draft = ReviewDraft(
        rating=stars,
        title=f"Parcel story number {n}",
        body=f"A {stars}-star experience with the parcel counter.",
        experienced_on=posted.date() - dt.timedelta(days=2),
    )
    # The clock decides created_at, which the scores decay from: post "back then".
    clock.set_source(lambda: posted)
    try:
        post_review(session, author=author, supplier=supplier, draft=draft)
    finally:
        clock.set_source(None)


@pytest.fixture
def suppliers(live_server: LiveServer, db: sessionmaker[Session]) -> Suppliers:
    """Needs live_server first: its factory connects the signal handlers."""
    suffix = uuid.uuid4().hex[:8]
    today = dt.datetime.now(dt.UTC)
    with db.begin() as session:
        reviewed = create_supplier(
            session, actor=None, name=f"Steady Parcels {suffix}", kind="business", sector=SECTOR
        )
        single = create_supplier(
            session, actor=None, name=f"Lucky Couriers {suffix}", kind="business", sector=SECTOR
        )
        for n, (days, stars) in enumerate(HISTORY, start=1):
            _post(session, reviewed, stars, today - dt.timedelta(days=days, hours=1), n)
        _post(session, single, 5, today - dt.timedelta(days=3), 1)
    months = Counter(
        (today - dt.timedelta(days=days, hours=1)).strftime("%B %Y") for days, _ in HISTORY
    )
    return Suppliers(reviewed=reviewed, single=single, months=dict(months))


def check_score(page: Page) -> None:
    score = page.locator(".reputation-score")
    expect(score).to_contain_text("from 8 reviews")
    expect(score).to_contain_text(re.compile(rf"{NUMBER} out of 5"))
    text = score.inner_text()
    mean = float(re.search(rf"{NUMBER}\s+out of 5", text).group(1))  # type: ignore[union-attr]
    band = re.search(rf"likely between {NUMBER} and {NUMBER}", text)
    assert band, text
    low, high = float(band.group(1)), float(band.group(2))
    assert 1.0 <= low <= mean <= high <= 5.0, text
    assert low < high, text
    # 3×5, 3×4, 1×3, 1×2 stars: the mean is about 4; the prior may pull it a little.
    assert 3.4 <= mean <= 4.4, text


def check_distribution(section: Locator) -> None:
    chart = section.get_by_role("img", name=re.compile(r"^How reviewers rated them"))
    expect(chart).to_have_count(1)
    expect(chart).to_be_visible()
    assert chart.evaluate("e => e.tagName.toLowerCase()") == "svg"
    expect(chart).to_have_accessible_description(
        re.compile(r"8 public reviews\. 5 stars: 3, 4 stars: 3")
    )
    expect(chart.locator("rect.chart-bar")).to_have_count(5)

    section.get_by_text("The numbers", exact=False).first.click()
    table = section.get_by_role("table", name="How reviewers rated them")
    expect(table).to_be_visible()
    expected = {"5 stars": "3", "4 stars": "3", "3 stars": "1", "2 stars": "1", "1 star": "0"}
    for label, count in expected.items():
        row = table.get_by_role("row", name=re.compile(rf"^{label}\b"))
        expect(row.get_by_role("cell").first).to_have_text(count)
        expect(row.get_by_role("cell").nth(1)).to_have_text(re.compile(r"^\d+%$"))


def check_trend(section: Locator, months: dict[str, int]) -> None:
    trend = section.page.get_by_role("img", name=re.compile(r"^Reviews and average rating by"))
    chart = section.locator(trend)
    expect(chart).to_be_visible()
    assert chart.evaluate("e => e.tagName.toLowerCase()") == "svg"
    expect(chart).to_have_accessible_description(re.compile(r"8 reviews"))
    expect(chart.locator("polyline.chart-line")).not_to_have_count(0)

    figure = section.locator("figure", has=trend)
    figure.locator("summary").click()
    table = figure.get_by_role("table", name="Reviews and average rating by month")
    expect(table).to_be_visible()
    for month, count in months.items():
        row = table.get_by_role("row", name=re.compile(rf"^{month}\b"))
        expect(row.get_by_role("cell").first).to_have_text(str(count))
        expect(row.get_by_role("cell").nth(1)).to_have_text(re.compile(r"^\d\.\d$"))
    total = sum(int(c) for c in table.locator("tbody tr td:nth-of-type(1)").all_inner_texts())
    assert total == 8


def test_supplier_page_shows_score_band_and_charts(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder, suppliers: Suppliers
) -> None:
    answer = page.goto(f"/s/{suppliers.reviewed.slug}")
    # A visitor who is not signed in gets the shared copy, gzipped: the browser reads it.
    assert answer is not None and answer.headers.get("content-encoding") == "gzip"
    section = page.get_by_role("region", name="Reputation")
    expect(section).to_be_visible()
    check_score(page)
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    section.screenshot(path=str(SCREENSHOT_DIR / "reputation-section.png"))
    check_distribution(section)
    check_trend(section, suppliers.months)
    section.screenshot(path=str(SCREENSHOT_DIR / "reputation-section-tables.png"))
    section.get_by_role("link", name="How this is worked out").click()
    expect(page).to_have_url(f"{live_server.url}/methodology")

    page.goto(f"/s/{suppliers.single.slug}")
    single = page.get_by_role("region", name="Reputation")
    expect(single).to_contain_text("Not enough reviews yet")
    expect(single).to_contain_text("(1 of the 3 needed for a score)")
    expect(single.locator(".reputation-value")).to_have_count(0)
    expect(single.get_by_role("img", name=re.compile(r"^How reviewers rated them"))).to_be_visible()

    assert_no_third_party_requests(recorder.urls, [live_server.url])
    assert_no_csp_violations(recorder.csp_violations([live_server.url]))
    assert recorder.page_errors == []


def test_league_table_ranks_many_reviews_above_one(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder, suppliers: Suppliers
) -> None:
    page.goto("/league")
    page.get_by_label("Sector").select_option(SECTOR)
    page.get_by_role("button", name="Show the table").click()
    expect(page).to_have_url(re.compile(rf"sector={SECTOR}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"League tables: {SECTOR_NAME}")

    table = page.get_by_role("table", name=re.compile(r"^Ranked by the lower end"))
    expect(table).to_be_visible()
    reviewed = table.get_by_role("row", name=re.compile(re.escape(suppliers.reviewed.name)))
    expect(reviewed).to_have_count(1)
    expect(reviewed.get_by_role("cell").last).to_have_text("8")
    expect(reviewed.get_by_role("link", name=suppliers.reviewed.name)).to_have_attribute(
        "href", f"/s/{suppliers.reviewed.slug}"
    )
    # One five-star review is below the minimum: not ranked at all, let alone first.
    expect(table).not_to_contain_text(suppliers.single.name)
    first = table.locator("tbody tr").first
    expect(first).not_to_contain_text(suppliers.single.name)
    expect(table.locator("caption")).to_contain_text(re.compile(r"fewer than 3 reviews"))

    assert_no_third_party_requests(recorder.urls, [live_server.url])
    assert_no_csp_violations(recorder.csp_violations([live_server.url]))
    assert recorder.page_errors == []


def test_methodology_shows_formulas_and_parameters(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder
) -> None:
    page.goto("/methodology")
    expect(page.get_by_role("heading", level=1)).to_have_text("How the scores are worked out")
    params = page.get_by_role("table", name="Current parameters")
    for name, value in (
        (r"Half-life H", "365.0 days"),
        (r"Prior weight C", "2.0"),
        (r"Minimum reviews", "3"),
        (r"Range", re.compile(r"^90% \(z = 1\.645\)$")),
    ):
        row = params.get_by_role("row", name=re.compile(rf"^{name}"))
        expect(row.get_by_role("cell").first).to_have_text(value)
    main = page.locator("main")
    for formula in (
        "w = 2^(−a / H)",
        "p_i = (r_i + C·a_i) / (C + r_1 + … + r_5)",
        "S = 1·p_1 + 2·p_2 + 3·p_3 + 4·p_4 + 5·p_5",
        "kept / (kept + broken)",
    ):
        expect(main.locator("code", has_text=formula)).to_have_count(1)

    assert_no_third_party_requests(recorder.urls, [live_server.url])
    assert_no_csp_violations(recorder.csp_violations([live_server.url]))
    assert recorder.page_errors == []
