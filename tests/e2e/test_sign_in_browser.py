"""A person signs up, in, and out in a real browser, through the real provider's pages.

These run against the live server, whose writes are committed for real: every
login and handle carries a random suffix so that no other test can collide with it.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.support.browser import (
    NetworkRecorder,
    assert_no_csp_violations,
    assert_no_third_party_requests,
    origin,
)

SCREENSHOT_DIR = Path(tempfile.gettempdir()) / "parley-e2e"


def unique_name(prefix: str = "e2e") -> str:
    """A valid, unused handle (3-30 characters: a-z, digits, '-'), also used as the login."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def sign_up(page: Page, live: LiveServer, name: str) -> None:
    """From Parley's home page to signed in as ``name``, as a person would click through."""
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(f"{live.url}/sign-in")
    page.get_by_role("button", name="Sign in with Test Provider", exact=True).click()

    # The provider's own development login page, on the provider's origin.
    expect(page).to_have_url(re.compile(rf"^{re.escape(live.provider_url)}/interaction/"))
    page.locator("input[name=login]").fill(name)
    page.locator("input[name=password]").fill("any password at all")
    page.get_by_role("button", name="Sign-in").click()

    # Consent: the dev page lists the scopes and claims and asks to continue.
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{live.url}/welcome")
    handle = page.get_by_label("Choose your public handle")
    expect(handle).to_have_value(name)  # suggested from preferred_username
    handle.fill(name)
    page.get_by_role("button", name="Join Parley").click()

    expect(page).to_have_url(f"{live.url}/")
    expect(page.locator("main")).to_contain_text(f"You are signed in as {name}.")


def assert_only_parley_and_provider(recorder: NetworkRecorder, live: LiveServer) -> None:
    # The test provider strips its dev pages' web-font import (server.mjs), so nothing
    # at all may leave Parley's and the provider's origins.
    assert_no_third_party_requests([r.url for r in recorder.requests], live.origins)
    # Parley's own pages load nothing from anywhere but Parley; they only navigate
    # (sign-in and sign-out redirects) to the provider.
    from_parley = recorder.requests_from(live.url)
    assert_no_third_party_requests(
        [r.url for r in from_parley if r.resource_type != "document"], [live.url]
    )
    assert_no_third_party_requests(
        [r.url for r in from_parley if r.resource_type == "document"], live.origins
    )


def test_sign_up_sign_out_through_the_real_provider(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder
) -> None:
    name = unique_name()
    sign_up(page, live_server, name)

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=f"Your account: {name}")).to_be_visible()
    # The stylesheet loaded and applies: the skip link waits off-screen until focused.
    assert page.evaluate("getComputedStyle(document.body).display") == "flex"
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).top") == "-64px"
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "signed-in-home.png"), full_page=True)

    # RP-initiated logout: Parley sends the browser to the provider's end-session page.
    nav.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.provider_url)}/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_contain_text(
        "You are signed out of Parley and of your provider."
    )
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("You are signed in as")

    visited = {origin(r.url) for r in recorder.requests if r.resource_type == "document"}
    assert visited == set(live_server.origins)  # the provider's pages were really used
    assert_only_parley_and_provider(recorder, live_server)
    assert_no_csp_violations(recorder.csp_violations([live_server.url]))
    assert recorder.page_errors == []


def test_staying_signed_in_at_the_provider_is_said_so(page: Page, live_server: LiveServer) -> None:
    sign_up(page, live_server, unique_name())
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.provider_url)}/session/end"))
    page.get_by_role("button", name="No, stay signed in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Your provider did not confirm that it signed you out")
    expect(status).not_to_contain_text("and of your provider")


def _assert_first_tab_reaches_skip_link(page: Page) -> None:
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown on focus, not only announced
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_first_tab_focuses_the_skip_link(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder
) -> None:
    page.goto("/sign-in")
    _assert_first_tab_reaches_skip_link(page)

    name = unique_name("kbd")
    sign_up(page, live_server, name)
    page.goto("/account")
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    _assert_first_tab_reaches_skip_link(page)

    assert_only_parley_and_provider(recorder, live_server)
    assert_no_csp_violations(recorder.csp_violations([live_server.url]))


def test_csp_violations_on_parley_pages_are_noticed(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder
) -> None:
    """The recorder really sees CSP reports, so the checks above are not vacuous."""
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = 'body { color: red }'; document.head.append(s); }"
    )
    for _ in range(50):  # the report reaches the console asynchronously
        violations = recorder.csp_violations([live_server.url])
        if violations:
            break
        page.wait_for_timeout(50)
    assert violations, recorder.console
    assert "style-src" in violations[0].text
