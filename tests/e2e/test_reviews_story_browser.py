"""Issue 3, the whole story in a real browser: a citizen adds a public service and reviews
it; a second person proves through the domain token that they represent it and answers
in public; the citizen replies and marks the matter resolved; a logged-out visitor sees
it all on the supplier's page and at the review's permalink.

Everything is committed for real (the live server has a database of its own without a
savepoint), so every handle and name carries a random suffix.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_sign_in_browser import assert_only_parley_and_provider, sign_up, unique_name
from tests.support.browser import NetworkRecorder, assert_no_csp_violations
from tests.support.verification_server import PATH, VerificationSite, verification_site

SCREENSHOT_DIR = Path(tempfile.gettempdir()) / "parley-e2e"
TITLE = "Renewal sorted, after three letters"
LINK = "https://example.org/their-complaints-page"
BODY = (
    "They lost my form **twice** before anyone picked up the phone.\n\n"
    f"Their [complaints page]({LINK}) helped in the end.\n\n"
    "<script>window.parleyPwned = true</script>\n"
)
ANSWER = "We are sorry. We now acknowledge every form **within a day**."
REPLY = "Thank you: the new letter arrived the next morning."

OpenPage = Callable[[], Page]


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, recorder: NetworkRecorder
) -> Iterator[OpenPage]:
    """Opens pages in contexts of their own (own cookies: another person), watched by
    ``recorder`` like the ``page`` fixture's."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
            service_workers="block",
        )
        context.set_default_timeout(10_000)
        recorder.attach(context)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def site() -> Iterator[VerificationSite]:
    """The public service's own website, serving the token file once the test puts it there."""
    with verification_site(status=404) as running:
        yield running


def flash(page: Page) -> Locator:
    """The flashed messages above the page's content."""
    return page.locator(".flashes").get_by_role("status")


def add_public_service(page: Page, live: LiveServer, name: str, domain: str) -> str:
    """From the main navigation to the new supplier's page; returns its path."""
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Suppliers & services"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suppliers and public services")
    page.get_by_role("link", name="Add a missing supplier or service").click()
    expect(page).to_have_url(f"{live.url}/suppliers/new")

    page.get_by_label(re.compile(r"^Name")).fill(name)
    page.get_by_role("group", name="What is it?").get_by_label("Public service").check()
    page.get_by_label("Sector").select_option(label="Council services")
    page.get_by_label("Website (optional)").fill(domain)
    page.get_by_label("Description (optional)").fill("Renews *permits* for residents.")
    page.get_by_role("button", name="Add it").click()

    supplier_heading = page.get_by_role("heading", name=name, level=1)
    duplicates = page.get_by_role("heading", name="Is it one of these?")
    expect(supplier_heading.or_(duplicates)).to_be_visible()
    if duplicates.is_visible():  # a similar name elsewhere in the e2e database
        page.get_by_label("None of these is the one I mean: add it anyway").check()
        page.get_by_role("button", name="Add it").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(live.url)}/s/[a-z0-9-]+$"))
    expect(supplier_heading).to_be_visible()
    expect(flash(page)).to_contain_text(f"{name} is now in Parley.")
    facts = page.get_by_role("complementary", name="At a glance")
    expect(facts).to_contain_text("Public service")
    expect(facts).to_contain_text("Council services")
    expect(facts).to_contain_text(domain)
    return page.url.removeprefix(live.url)


def write_review(page: Page, live: LiveServer, name: str) -> str:
    """From the supplier page, publish the review; returns its permalink path."""
    page.get_by_role("link", name=f"Write a review of {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review {name}")

    page.get_by_role("group", name="Overall rating").get_by_role(
        "radio", name="4 stars – good"
    ).check()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Your review").fill(BODY)
    experienced = dt.date.today() - dt.timedelta(days=12)
    page.get_by_label("Date of your experience").fill(experienced.isoformat())
    page.get_by_role("group", name="Ease of dealing with them").get_by_role(
        "radio", name="2 stars", exact=True
    ).check()
    page.get_by_role("button", name="Publish your review").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(live.url)}/reviews/\d+$"))
    expect(flash(page)).to_contain_text("Thank you. Your review is published.")
    return page.url.removeprefix(live.url)


def review_card(page: Page) -> Locator:
    return page.locator("article.review", has=page.get_by_role("heading", name=TITLE))


def assert_body_rendered_safely(page: Page) -> None:
    body = review_card(page).locator(".review-body").first
    expect(body.locator("strong")).to_have_text("twice")
    link = body.get_by_role("link", name="complaints page")
    expect(link).to_have_attribute("href", LINK)
    rel = (link.get_attribute("rel") or "").split()
    assert {"nofollow", "ugc"} <= set(rel), rel
    # The script is shown to readers as text, never as an element, and never ran.
    expect(body).to_contain_text("<script>window.parleyPwned = true</script>")
    expect(body.locator("script")).to_have_count(0)
    assert page.evaluate("() => window.parleyPwned === undefined")


def prove_by_domain(
    page: Page, live: LiveServer, name: str, path: str, site: VerificationSite
) -> None:
    """Claim to represent the supplier, serve the token on its site, and have Parley check."""
    page.goto(path)
    page.get_by_role("link", name=f"Do you represent {name}?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Represent {name} on Parley")
    page.get_by_role("group", name="How will you prove it?").get_by_label(
        "Put a file on the organisation's website"
    ).check()
    page.get_by_role("button", name="Start my claim").click()
    expect(flash(page)).to_contain_text("Your claim is started.")

    steps = page.get_by_role("list").filter(has_text="Create a plain text file")
    token = steps.get_by_role("listitem").nth(0).locator("code").inner_text().strip()
    expect(steps.get_by_role("listitem").nth(1).locator("code")).to_have_text(
        f"http://{site.domain}{PATH}"
    )
    assert len(token) >= 20, token
    site.body, site.status = f"{token}\n".encode(), 200

    page.get_by_role("button", name="Check now").click()
    expect(flash(page)).to_contain_text(f"Verified: you now represent {name} on Parley.")
    expect(page.locator("main")).to_contain_text(f"You represent {name} on Parley.")
    assert PATH in site.requests  # Parley really fetched the file from the site
    page.goto(path)
    expect(page.get_by_text(f"You represent {name}", exact=True)).to_be_visible()


def answer_review(page: Page, name: str, review_path: str) -> None:
    page.goto(review_path)
    page.get_by_label("Answer in public, for the supplier").fill(ANSWER)
    page.get_by_label("We made a change because of this review").check()
    page.get_by_role("button", name="Publish answer").click()
    expect(flash(page)).to_contain_text(f"Your answer for {name} is published.")
    answer = supplier_message(page, name)
    expect(answer.locator(".review-body strong")).to_have_text("within a day")
    expect(answer).to_contain_text("States a change was made")


def supplier_message(page: Page, name: str) -> Locator:
    return page.locator("article.thread-message", has_text=f"{name} (representative)")


def reply_and_resolve(page: Page, live: LiveServer, name: str, review_path: str) -> None:
    """As the citizen: the notification, the answer, the change confirmed, reply, resolved."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    note = page.get_by_role("link", name=f"{name} answered your review “{TITLE}”.")
    expect(note).to_be_visible()
    note.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live.url)}{review_path}#message-\d+$"))
    expect(supplier_message(page, name)).to_contain_text("We are sorry.")

    page.get_by_label("Yes, it was made").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(flash(page)).to_contain_text("your answer is shown beside the supplier's")
    expect(supplier_message(page, name)).to_contain_text("Reviewer confirms")

    page.get_by_label("Reply", exact=True).fill(REPLY)
    page.get_by_role("button", name="Publish reply").click()
    expect(flash(page)).to_contain_text("Your reply is published.")
    page.get_by_role("button", name="Mark resolved").click()
    expect(flash(page)).to_contain_text("Marked resolved.")
    expect(page.get_by_text("The reviewer marked this resolved")).to_be_visible()


def assert_story_visible(page: Page, name: str, citizen: str) -> None:
    """What anyone, signed in or not, sees of the review and its thread."""
    card = review_card(page)
    expect(card).to_contain_text(f"By {citizen}")
    expect(card.get_by_text("Resolved", exact=True)).to_be_visible()
    expect(card.get_by_text("The reviewer marked this resolved")).to_be_visible()
    messages = card.locator("article.thread-message")
    expect(messages).to_have_count(2)
    expect(messages.nth(0)).to_contain_text(f"{name} (representative)")
    expect(messages.nth(0)).to_contain_text("We now acknowledge every form within a day.")
    expect(messages.nth(0)).to_contain_text("Reviewer confirms")
    expect(messages.nth(1)).to_contain_text(citizen)
    expect(messages.nth(1)).to_contain_text(REPLY)
    assert_body_rendered_safely(page)


def test_review_answered_replied_resolved_and_public(
    page: Page,
    new_page: OpenPage,
    live_server: LiveServer,
    recorder: NetworkRecorder,
    site: VerificationSite,
) -> None:
    live = live_server
    suffix = uuid.uuid4().hex[:8]
    name = f"Story Parking Permits {suffix}"

    # 1. A citizen adds a public service and reviews it.
    citizen = unique_name("citizen")
    sign_up(page, live, citizen)
    supplier_path = add_public_service(page, live, name, site.domain)
    review_path = write_review(page, live, name)
    page.goto(supplier_path)
    assert_body_rendered_safely(page)
    expect(review_card(page).get_by_text("Ease of dealing with them")).to_be_visible()

    # 2. A second person proves they represent it and answers in public.
    rep_page = new_page()
    representative = unique_name("rep")
    sign_up(rep_page, live, representative)
    prove_by_domain(rep_page, live, name, supplier_path, site)
    answer_review(rep_page, name, review_path)

    # 3. The citizen hears of it, confirms the change, replies and marks it resolved.
    reply_and_resolve(page, live, name, review_path)

    # 4. A logged-out visitor sees all of it.
    visitor = new_page()
    visitor.goto(supplier_path)
    expect(visitor.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(visitor.get_by_role("navigation", name="Main")).to_contain_text("Sign in")
    panel = visitor.get_by_role("region", name=f"Answers from {name}")
    expect(panel).to_contain_text("Response rate")
    expect(panel).to_contain_text("100% (1 of 1 reviews answered)")
    assert_story_visible(visitor, name, citizen)
    expect(visitor.get_by_role("link", name=f"Write a review of {name}")).to_have_count(0)
    expect(visitor.get_by_role("button", name="Publish reply")).to_have_count(0)
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    visitor.screenshot(path=str(SCREENSHOT_DIR / "reviews-story-supplier.png"), full_page=True)

    review_card(visitor).get_by_role("link", name=TITLE, exact=True).click()
    expect(visitor).to_have_url(f"{live.url}{review_path}")
    expect(visitor.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert_story_visible(visitor, name, citizen)
    visitor.screenshot(path=str(SCREENSHOT_DIR / "reviews-story-permalink.png"), full_page=True)

    assert_only_parley_and_provider(recorder, live)
    assert recorder.blocked == []  # the review's outside link was never fetched
    assert_no_csp_violations(recorder.csp_violations([live.url]))
    assert recorder.page_errors == []
