"""Issue 14 in a real browser: a carer reviews a council service on someone's behalf; the
review carries its voice label and its assurance label (explained on /assurance); the
review's page shows the routes onward, and the full page gives the ombudsmen and a
drafted Freedom of Information request. Parley's pages only link outward: nothing is
fetched from a third party."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_reviews_story_browser import add_public_service, flash
from tests.e2e.test_sign_in_browser import assert_only_parley_and_provider, sign_up, unique_name
from tests.support.browser import NetworkRecorder


def test_a_carer_reviews_a_council_and_finds_the_routes_onward(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder
) -> None:
    carer = unique_name("carer")
    name = f"Permit Office {carer[-6:]}"
    sign_up(page, live_server, carer)
    add_public_service(page, live_server, name, f"{carer[-6:]}.example.org")

    page.get_by_role("link", name=f"Write a review of {name}").click()
    voice = page.get_by_role("group", name="Whose experience is this?")
    expect(voice.get_by_role("radio", name="My own experience")).to_be_checked()
    voice.get_by_role("radio", name="As a carer, for the person I care for").check()
    page.get_by_role("group", name="Overall rating").get_by_role(
        "radio", name="2 stars – poor"
    ).check()
    page.get_by_label("Title").fill("Three months for a blue badge")
    page.get_by_label("Your review").fill("The renewal for my mother took three months.")
    when = dt.date.today() - dt.timedelta(days=5)
    page.get_by_label("Date of your experience").fill(when.isoformat())
    page.get_by_role("button", name="Publish your review").click()
    expect(flash(page)).to_contain_text("Your review is published.")

    card = page.locator("article.review")
    expect(card.get_by_text("Written by a carer on someone's behalf")).to_be_visible()
    label = card.get_by_role("link", name=re.compile("^Signed-in member"))
    expect(label).to_be_visible()
    review_url = page.url

    panel = page.get_by_role("region", name="If something went wrong")
    expect(panel).to_be_visible()
    ombudsman = panel.get_by_role("link", name="Local Government and Social Care Ombudsman")
    expect(ombudsman).to_have_attribute("href", "https://www.lgo.org.uk/")

    label.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How sure Parley is of who wrote a review"
    )
    expect(page).to_have_url(re.compile(r"/assurance#grade-basic$"))

    page.goto(review_url)
    page.get_by_role(
        "link", name="Every route onward, and a drafted Freedom of Information request"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Taking it further with {name}")
    expect(page.get_by_role("link", name=f"Complain to {name}")).to_be_visible()
    foi = page.get_by_role("link", name=f"Ask {name} for information")
    expect(foi).to_have_attribute("href", re.compile(r"^https://www\.whatdotheyknow\.com/"))
    draft = page.get_by_label("The drafted request")
    expect(draft).to_have_value(re.compile(rf"^Dear {re.escape(name)},"))
    assert carer not in draft.input_value()  # nothing about the writer
    assert_only_parley_and_provider(recorder, live_server)
