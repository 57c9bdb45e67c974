"""Issue 17: every kind of page passes axe-core with no violation of any impact (in the
light and dark colour schemes, 1280 and 320 px wide), none scrolls sideways at 320 px,
sidebars fit at 1280 px, every Tab stop shows a focus ring, and the review form reports
every error at once with its summary focused.

The pages are filled with the demo data (``flask demo seed``: reviews, answers and
replies, terms, proffers, councils), seeded once into the browser tests' database under
the test provider's issuer, so that the demo members (alice, carol who represents a
supplier, mia the moderator) sign in there; carol accepts a proffer for an agreement.

axe-core comes from the test provider's node_modules (tests/oidc_provider/package.json),
injected from that local file as an init script. Not with ``add_script_tag``: that adds
an inline script, which Parley's Content-Security-Policy (``script-src 'self'``) refuses
unless the test turns CSP off; an init script is injected by DevTools, so CSP stays on and
is still checked, and no request leaves for a third party.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from tests.e2e.conftest import LiveServer
from tests.e2e.test_sign_in_browser import assert_only_parley_and_provider
from tests.support.browser import NetworkRecorder, assert_no_csp_violations
from tests.support.oidc_provider import OidcProvider
from vrm.db import get_session
from vrm.demo import default_register_path, seed
from vrm.members.models import Member
from vrm.reviews.models import Review
from vrm.suppliers.models import Supplier
from vrm.terms.models import Proffer

AXE = (
    Path(__file__).resolve().parents[1]
    / "oidc_provider"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
NARROW = 320  # WCAG 1.4.10 Reflow: 320 CSS pixels wide, no scrolling in two dimensions
WIDE = 1280

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
  }));
}"""


@dataclass(frozen=True)
class DemoPaths:
    """Where the demo data's pages are: filled with reviews, answers, terms."""

    supplier: str
    supplier_with_terms: str
    unreviewed: str
    represented: str
    """The supplier carol speaks for, where alice's terms wait for a decision."""
    own_review: str
    """One of alice's reviews."""
    council: str
    review: str
    answered_review: str
    member: str
    clause: str
    sector: str


@pytest.fixture(scope="module")
def demo(live_server: LiveServer, provider: OidcProvider) -> DemoPaths:
    with live_server.app.app_context():
        session = get_session()
        seed(session, issuer=provider.issuer, register_path=default_register_path())
        session.commit()
        octopus = session.scalar(select(Supplier).where(Supplier.slug == "octopus-energy"))
        council = session.scalar(select(Supplier).where(Supplier.register_key == "la:BIR"))
        assert octopus is not None and council is not None
        reviews = list(
            session.scalars(
                select(Review).where(Review.supplier_id == octopus.id).order_by(Review.id)
            )
        )
        answered = next(
            review
            for review in session.scalars(select(Review).order_by(Review.id))
            if review.messages
        )
        proffer = session.scalar(select(Proffer).where(Proffer.status == "pending"))
        assert proffer is not None
        represented = session.get(Supplier, proffer.supplier_id)
        alice = session.scalar(select(Member).where(Member.handle == "alice"))
        own = session.scalar(select(Review).where(Review.author_id == alice.id))
        assert represented is not None and own is not None
        return DemoPaths(
            supplier=f"/s/{octopus.slug}",
            supplier_with_terms="/s/bt",  # members proffered terms to it: the sidebar's table
            unreviewed="/s/british-gas",  # no demo reviews: anyone may write one
            represented=f"/s/{represented.slug}",
            own_review=f"/reviews/{own.id}",
            council=f"/s/{council.slug}",
            review=f"/reviews/{reviews[-1].id}",
            answered_review=f"/reviews/{answered.id}",
            member="/members/alice",
            clause="/terms/clauses/parley:no-stalking",
            sector="/sectors/energy",
        )


def sign_in_as(page: Page, live: LiveServer, login: str) -> None:
    """A demo member signs in at the test provider (the member already exists)."""
    start_sign_in(page, live, login)
    expect(page).to_have_url(f"{live.url}/")


def start_sign_in(page: Page, live: LiveServer, login: str) -> None:
    """Through the provider's pages, back to Parley."""
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with Test Provider", exact=True).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live.provider_url)}/interaction/"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password at all")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


@dataclass
class Audit:
    """What the pages got wrong, collected over all of them so one run reports it all."""

    violations: list[str]
    overflows: list[str]

    @property
    def passed(self) -> bool:
        return not self.violations and not self.overflows

    def report(self) -> str:
        return "\n  ".join(
            ["axe-core violations:", *self.violations, "overflowing:", *self.overflows]
        )

    def run_axe(self, page: Page, label: str) -> None:
        for v in page.evaluate(AXE_RUN):
            self.violations.append(
                f"{label}: {v['id']} ({v['impact']}) {v['help']}\n      "
                + "\n      ".join(v["nodes"])
            )

    def check_dark(self, page: Page, path: str) -> None:
        """The dark colour scheme (prefers-color-scheme) has colours of its own to check."""
        page.emulate_media(color_scheme="dark")
        page.goto(path)
        self.run_axe(page, f"{path} (dark)")
        page.emulate_media(color_scheme="light")

    def check_narrow(self, page: Page, path: str) -> None:
        """At 320 px tables scroll in their own boxes, which must be reachable by keyboard."""
        page.set_viewport_size({"width": NARROW, "height": 800})
        page.goto(path)
        self.run_axe(page, f"{path} ({NARROW}px)")

    def check(self, page: Page, path: str, *, status: int = 200) -> None:
        page.set_viewport_size({"width": WIDE, "height": 900})
        response = page.goto(path)
        assert response is not None and response.status == status, (
            path,
            response and response.status,
        )
        self.run_axe(page, path)
        self.overflows += [f"{path} at {WIDE}px: {o}" for o in page.evaluate(CONTAINED)]
        page.set_viewport_size({"width": NARROW, "height": 800})
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > NARROW:
            culprits = page.evaluate(WIDER_THAN_VIEWPORT)
            self.overflows.append(f"{path} at {NARROW}px: scrollWidth {width}: {culprits}")


WIDER_THAN_VIEWPORT = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
       + ' right=' + Math.round(e.getBoundingClientRect().right))"""

CONTAINED = """() => {
  const hidden = e => e.closest('.visually-hidden') !== null
    || [...document.querySelectorAll('aside *')].some(
      a => a.contains(e) && getComputedStyle(a).clipPath !== 'none');
  const sticksOut = e => e.getBoundingClientRect().right
    > e.closest('aside').getBoundingClientRect().right + 1;
  const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)
    && e.scrollWidth > e.clientWidth + 1;
  return [...document.querySelectorAll('aside *')]
    .filter(e => (sticksOut(e) || scrolls(e)) && !hidden(e))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
         + ' is wider than its sidebar, or scrolls sideways inside it');
}"""
"""A sidebar's content fits it: no part sticks out, and no box in it scrolls sideways."""


def new_context(browser: Browser, live: LiveServer, recorder: NetworkRecorder) -> BrowserContext:
    """A context of its own (own cookies), with axe-core loaded into every page."""
    context = browser.new_context(
        base_url=live.url,
        viewport={"width": WIDE, "height": 900},
        locale="en-GB",
        service_workers="block",
    )
    context.set_default_timeout(10_000)
    context.add_init_script(path=str(AXE))
    recorder.attach(context)
    return context


@pytest.fixture
def open_page(
    browser: Browser, live_server: LiveServer, recorder: NetworkRecorder
) -> Iterator[Callable[[], Page]]:
    """Opens a page in a fresh context: each is another person."""
    assert AXE.is_file(), f"{AXE} is missing: `make setup` installs it (npm ci)"
    contexts: list[BrowserContext] = []

    def open_one() -> Page:
        contexts.append(new_context(browser, live_server, recorder))
        return contexts[-1].new_page()

    yield open_one
    for context in contexts:
        context.close()


def test_every_page_kind_passes_axe_and_reflows_at_320px(
    open_page: Callable[[], Page],
    live_server: LiveServer,
    recorder: NetworkRecorder,
    demo: DemoPaths,
) -> None:
    audit = Audit([], [])
    visitor = open_page()
    for path in [
        "/",
        "/about",
        "/suppliers",
        demo.sector,
        demo.supplier,
        demo.supplier_with_terms,
        demo.council,
        f"{demo.supplier_with_terms}/terms",
        f"{demo.supplier_with_terms}/terms/proffers",
        f"{demo.supplier}/representatives/log",
        demo.review,
        demo.answered_review,
        f"{demo.answered_review}/history",
        demo.member,
        "/members/alice/terms",
        "/members/alice/terms/v/1",
        "/search?q=energy",
        "/search?q=zzzznothing",
        "/league",
        "/compare?s=octopus-energy&s=thames-water",
        "/methodology",
        "/open-data",
        "/transparency",
        "/terms",
        demo.clause,
        "/sign-in",
    ]:
        audit.check(visitor, path)
    audit.check(visitor, "/no/such/page", status=404)
    for path in [
        "/",
        demo.supplier_with_terms,
        demo.answered_review,
        "/search?q=energy",
        "/league",
    ]:
        audit.check_dark(visitor, path)
    for path in [demo.supplier, "/compare?s=octopus-energy&s=thames-water", "/methodology"]:
        audit.check_narrow(visitor, path)

    member = open_page()
    sign_in_as(member, live_server, "alice")
    audit.check(member, "/watch?sector=energy")
    member.get_by_role("button", name="Watch", exact=True).click()
    for path in [
        "/account",
        "/account/watching",
        "/account/terms",
        "/account/agreements",
        "/notifications",
        "/members/alice/terms/edit",
        f"{demo.council}/review",  # alice reviewed it: her edit form
        f"{demo.unreviewed}/review",
        "/suppliers/new",
        f"{demo.own_review}/withdraw",
        f"{demo.unreviewed}/terms/proffer",
        f"{demo.unreviewed}/represent",
        f"{demo.review}/flag",
    ]:
        audit.check(member, path)
    member.get_by_label("Why does this review break the rules?").fill(
        "Names a member of staff in full."
    )
    member.get_by_role("button", name="Send the report").click()
    expect(member.locator(".flashes")).to_contain_text("A moderator will look at it")

    representative = open_page()
    sign_in_as(representative, live_server, "carol")  # speaks for a demo supplier
    audit.check(representative, demo.represented)  # with the forms to answer reviews
    audit.check(representative, f"{demo.represented}/terms/proffers")
    representative.get_by_role("button", name=re.compile(r"^Accept version")).first.click()
    expect(representative).to_have_url(re.compile(r"/agreements/\d+$"))
    audit.check(representative, representative.url.removeprefix(live_server.url))

    newcomer = open_page()
    login = f"a11y-{uuid.uuid4().hex[:12]}"
    start_sign_in(newcomer, live_server, login)
    expect(newcomer).to_have_url(f"{live_server.url}/welcome")
    audit.check(newcomer, "/welcome")

    moderator = open_page()
    sign_in_as(moderator, live_server, "mia")  # the demo's moderator
    for path in [
        "/moderation",
        "/moderation/reviews",
        "/moderation/claims",
        f"{demo.review}/moderation",
        f"{demo.supplier}/merge",
        f"{demo.supplier}/remove",
        "/terms/clauses/new",
        f"{demo.clause}/versions/new",
    ]:
        audit.check(moderator, path)

    assert audit.passed, audit.report()
    assert_only_parley_and_provider(recorder, live_server)
    assert_no_csp_violations(recorder.csp_violations([live_server.url]))
    assert recorder.page_errors == []


FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const again = e.dataset.tabStop !== undefined;
  e.dataset.tabStop = '';
  return {
    what: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.type ? '[' + e.type + ']' : '')
      + ' ' + (e.textContent || e.name || '').trim().slice(0, 40),
    again: again,
    ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
  };
}"""
"""Where focus is, whether Tab was there before on this page, and whether it shows."""


def focus_stops_without_a_ring(page: Page, path: str) -> list[str]:
    """Tab through the whole page once; every stop where nothing shows the focus."""
    page.goto(path)
    missing: list[str] = []
    seen = 0
    while seen < 300:
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop["what"].startswith("body") or (stop["again"] and "date" not in stop["what"]):
            break  # past the last control, or round again (a date field is several stops)
        seen += 1
        if not stop["ring"]:
            missing.append(f"{path}: {stop['what']}")
    assert seen > 3, f"{path}: Tab reached only {seen} controls"
    return missing


def test_every_control_shows_a_focus_ring(
    open_page: Callable[[], Page], live_server: LiveServer, demo: DemoPaths
) -> None:
    page = open_page()
    sign_in_as(page, live_server, "alice")
    missing: list[str] = []
    for path in [
        f"{demo.unreviewed}/review",  # the date field and its calendar button
        demo.supplier_with_terms,
        "/search?q=energy",
        "/account",
        "/members/alice/terms/edit",
    ]:
        missing += focus_stops_without_a_ring(page, path)
    assert not missing, "no visible focus:\n  " + "\n  ".join(missing)


def test_review_form_reports_every_error_at_once_and_focuses_the_summary(
    open_page: Callable[[], Page], live_server: LiveServer, demo: DemoPaths
) -> None:
    page = open_page()
    sign_in_as(page, live_server, "bob")
    page.goto(f"{demo.unreviewed}/review")
    # A date Chromium's date field cannot hold arrives as text that does not parse.
    page.locator("#experienced_on").evaluate("e => { e.type = 'text'; e.value = '31/02/2025'; }")
    page.get_by_role("button", name="Publish your review").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Overall rating: Choose a rating from 1 to 5 stars.",
            re.compile(r"^Title: Give your review a title"),
            "Your review: Write what happened.",
            "Date of your experience: Give the date as day, month and year.",
        ]
    )
    assert page.evaluate(FOCUSED)["ring"]
    summary.get_by_role("link", name=re.compile("^Date of your experience")).click()
    expect(page.locator("#experienced_on")).to_be_focused()
