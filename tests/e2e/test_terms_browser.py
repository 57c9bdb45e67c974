"""Issue 4, the whole story in a real browser: a member publishes her terms, proffers them
to a supplier, its verified representative accepts them, both download the signed
receipt and check it against Parley's public keys, she reports a clause kept, and a
visitor sees the count and the account but not who she is.

Everything is committed for real (the live server shares the test database without a
savepoint), so every handle and slug carries a random suffix.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from joserfc.errors import BadSignatureError
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.conftest import LiveServer
from tests.e2e.test_sign_in_browser import assert_only_parley_and_provider, sign_up, unique_name
from tests.support.browser import NetworkRecorder, assert_no_csp_violations
from vrm.db import Database
from vrm.members.models import Member
from vrm.suppliers.models import RepresentativeClaim, Supplier
from vrm.terms.seed import seed_library
from vrm.terms.signing import verify

SCREENSHOT = Path(tempfile.gettempdir()) / "parley-e2e" / "terms-agreement.png"
SHA256 = re.compile(r"\b[0-9a-f]{64}\b")
ACCOUNT = "They asked before sending anything, and no tracking pixels in their emails."


@pytest.fixture
def db(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on the live server's database; what a test writes here is committed."""
    database = Database(database_url)
    try:
        yield database.session_factory
    finally:
        database.engine.dispose()


@pytest.fixture
def supplier(db: sessionmaker[Session]) -> Supplier:
    """A fresh public supplier, and the clause library the composer offers."""
    suffix = uuid.uuid4().hex[:10]
    with db.begin() as session:
        seed_library(session)  # idempotent: another test may have seeded it already
        supplier = Supplier(
            slug=f"terms-e2e-{suffix}",
            name=f"Terms Energy {suffix}",
            kind="business",
            sector="energy",
        )
        session.add(supplier)
    return supplier


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer, recorder: NetworkRecorder
) -> Iterator[Any]:
    """Opens further pages in their own contexts (own cookies), watched by ``recorder``."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
            service_workers="block",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        recorder.attach(context)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def make_representative(db: sessionmaker[Session], handle: str, supplier: Supplier) -> None:
    with db.begin() as session:
        member = session.scalars(select(Member).where(Member.handle == handle)).one()
        session.add(
            RepresentativeClaim(
                supplier_id=supplier.id, member_id=member.id, method="moderator", status="verified"
            )
        )


def publish_terms(page: Page, live: LiveServer, handle: str) -> str:
    """Compose, save, publish; check the public page and its JSON. Returns the SHA-256."""
    page.goto("/account/terms")
    expect(page).to_have_url(f"{live.url}/members/{handle}/terms/edit")
    page.get_by_label("No stalking", exact=True).check()
    page.get_by_label("Keep my data no longer than agreed", exact=True).check()
    page.get_by_label("Keep my data for at most").fill("90")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your draft is saved.")
    expect(page.get_by_label("Keep my data for at most")).to_have_value("90")

    page.get_by_role("button", name="Save and publish").click()
    expect(page).to_have_url(f"{live.url}/members/{handle}/terms")
    expect(page.get_by_role("status")).to_contain_text("Version 1 of your terms is published.")
    main = page.locator("main")
    expect(main.locator(".lead")).to_contain_text("Version 1")
    expect(main.get_by_role("heading", name="No stalking")).to_be_visible()
    expect(main.get_by_text("Keep my data for at most: 90 days")).to_be_visible()

    check = page.locator("section", has=page.get_by_role("heading", name="Check a copy"))
    shown = SHA256.search(check.locator("p code").first.inner_text())
    assert shown, check.inner_text()
    json_url = check.get_by_role("link", name="machine-readable document").get_attribute("href")
    assert json_url == f"/members/{handle}/terms/v/1.json"

    response = page.goto(json_url)
    assert response is not None and response.ok
    body = response.body()
    assert hashlib.sha256(body).hexdigest() == shown.group()
    assert response.headers["etag"] == f'"{shown.group()}"'
    clauses = [item["clause"] for item in json.loads(body)["clauses"]]
    assert set(clauses) == {"parley:no-stalking", "parley:retention-limit"}
    return shown.group()


def proffer_terms(page: Page, live: LiveServer, supplier: Supplier) -> None:
    page.goto(f"/s/{supplier.slug}/terms/proffer")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Proffer your terms to {supplier.name}"
    )
    page.get_by_role("button", name="Proffer version 1").click()
    expect(page).to_have_url(f"{live.url}/s/{supplier.slug}/terms")
    expect(page.get_by_role("status")).to_contain_text(
        f"Your terms are proffered to {supplier.name}."
    )
    expect(page.locator("main")).to_contain_text("You proffered version 1 of your terms: pending")


def accept_proffer(page: Page, live: LiveServer, supplier: Supplier, member: str) -> int:
    """As the representative: accept version 1; returns the agreement's id."""
    page.goto(f"/s/{supplier.slug}/terms/proffers")
    proffer = page.locator("article", has=page.get_by_role("heading", name=f"{member}'s terms"))
    expect(proffer).to_have_count(1)
    expect(proffer.get_by_role("heading")).to_contain_text("version 1")
    proffer.get_by_role("button", name="Accept version 1").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(live.url)}/agreements/\d+$"))
    expect(page.get_by_role("status")).to_contain_text(f"Accepted version 1 of {member}'s terms.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Agreement: {supplier.name} accepted {member}'s terms"
    )
    return int(page.url.rsplit("/", 1)[1])


def download_receipt(page: Page) -> str:
    """The signed receipt, downloaded from the agreement page as a browser saves it."""
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the signed receipt (JWS)").click()
    download = info.value
    assert download.failure() is None
    token = Path(download.path()).read_text(encoding="ascii")
    receipt_id = page.locator("dt:text-is('Receipt') + dd code").inner_text()
    assert download.suggested_filename == f"parley-receipt-{receipt_id}.jws"
    return token


def jwks(page: Page) -> dict[str, Any]:
    response = page.goto("/.well-known/jwks.json")
    assert response is not None and response.ok
    return json.loads(response.body())  # type: ignore[no-any-return]


def check_receipt(
    token: str,
    keys: dict[str, Any],
    *,
    live: LiveServer,
    member: str,
    representative: str,
    supplier: Supplier,
    sha256: str,
) -> None:
    receipt = json.loads(verify(token, keys))
    assert receipt["piiPrincipal"] == {"handle": member}
    assert receipt["piiController"] == {"name": supplier.name, "slug": supplier.slug}
    assert receipt["accepted_by"] == {"handle": representative, "on_behalf_of": supplier.slug}
    assert receipt["terms"] == {
        "uri": f"{live.url}/members/{member}/terms/v/1.json",
        "version": 1,
        "sha256": sha256,
    }
    # Not vacuous: the same keys refuse a receipt whose payload was changed.
    header, _, signature = token.split(".")
    receipt["terms"]["sha256"] = "0" * 64
    forged = base64.urlsafe_b64encode(json.dumps(receipt).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        verify(f"{header}.{forged}.{signature}", keys)


def report_kept(page: Page, live: LiveServer) -> None:
    page.get_by_label("Which clause").select_option("parley:no-stalking")
    page.get_by_label("Kept", exact=True).check()
    page.get_by_label("What happened").fill(ACCOUNT)
    page.get_by_role("button", name="Send report").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live.url)}/agreements/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("Your report is public")
    report = page.locator("article.review", has_text=ACCOUNT)
    expect(report).to_contain_text("Kept")
    expect(report).to_contain_text("No stalking")  # the clause's title, not its id


def test_terms_proffered_accepted_receipted_and_reported(
    page: Page,
    new_context: Any,
    live_server: LiveServer,
    recorder: NetworkRecorder,
    db: sessionmaker[Session],
    supplier: Supplier,
) -> None:
    live = live_server
    member = unique_name("terms")
    sign_up(page, live, member)
    sha256 = publish_terms(page, live, member)
    proffer_terms(page, live, supplier)

    rep_page: Page = new_context()
    representative = unique_name("rep")
    sign_up(rep_page, live, representative)
    make_representative(db, representative, supplier)
    agreement_id = accept_proffer(rep_page, live, supplier, member)
    expect(rep_page.locator("dd code").first).to_have_text(sha256)
    rep_token = download_receipt(rep_page)
    facts = {"live": live, "member": member, "representative": representative}
    check_receipt(rep_token, jwks(rep_page), supplier=supplier, sha256=sha256, **facts)

    page.goto("/account/agreements")
    page.get_by_role("link", name=f"{supplier.name} accepted version 1").click()
    expect(page).to_have_url(f"{live.url}/agreements/{agreement_id}")
    member_token = download_receipt(page)
    assert member_token == rep_token
    agreement_url = page.url
    check_receipt(member_token, jwks(page), supplier=supplier, sha256=sha256, **facts)
    page.goto(agreement_url)
    report_kept(page, live)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    visitor: Page = new_context()
    visitor.goto(f"/s/{supplier.slug}/terms")
    main = visitor.locator("main")
    row = main.get_by_role("row", name=re.compile(r"^No stalking"))
    expect(row.get_by_role("cell")).to_have_text(["1", "1", "0", "0"])  # asked, accepted…
    expect(main).to_contain_text("No stalking: 100% kept (1 of 1 report says kept)")
    expect(main.locator("article.review", has_text=ACCOUNT)).to_contain_text("Kept")
    expect(main).not_to_contain_text(member)
    expect(main).not_to_contain_text(representative)
    assert member not in visitor.content()

    response = visitor.goto(f"/agreements/{agreement_id}")
    assert response is not None
    if response.status != 403:  # login_required sends the stranger to sign in instead
        expect(visitor).to_have_url(re.compile(rf"^{re.escape(live.url)}/sign-in"))
    expect(visitor.locator("main")).not_to_contain_text(ACCOUNT)
    receipt = visitor.goto(f"/agreements/{agreement_id}/receipt.jws")
    assert receipt is not None and receipt.status == 403

    assert_only_parley_and_provider(recorder, live)
    assert_no_csp_violations(recorder.csp_violations([live.url]))
    assert recorder.page_errors == []
