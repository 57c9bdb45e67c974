"""Issue 13 in a real browser: Parley accepts a new member's terms at once (the clauses
it honours) and can be reported like any supplier; /about/terms says so and counts it;
the export downloads in its documented format; the erasure page says what each choice
keeps, and erasing takes the member, their agreement with Parley and the report."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.conftest import LiveServer
from tests.e2e.test_sign_in_browser import assert_only_parley_and_provider, sign_up, unique_name
from tests.e2e.test_terms_browser import publish_terms
from tests.support.browser import NetworkRecorder, assert_no_csp_violations
from vrm.db import Database
from vrm.members.models import Member
from vrm.terms.seed import seed_library

SCHEMA = Path(__file__).parents[2] / "vrm" / "members" / "export.schema.json"
ACCOUNT = "A tracking pixel in a notification."


@pytest.fixture
def db(database_url: str) -> Iterator[sessionmaker[Session]]:
    database = Database(database_url)
    try:
        with database.session_factory.begin() as session:
            seed_library(session)  # idempotent
        yield database.session_factory
    finally:
        database.engine.dispose()


def _kept_reports(page: Page) -> int:
    document = json.loads(page.request.get("/about/terms.json").text())
    return int(document["terms_kept"]["reports"])


def test_parley_accepts_terms_is_reported_exported_and_erased(
    page: Page, live_server: LiveServer, recorder: NetworkRecorder, db: sessionmaker[Session]
) -> None:
    live = live_server
    member = unique_name("privacy")
    sign_up(page, live, member)
    reports_before = _kept_reports(page)
    publish_terms(page, live, member)  # no stalking; keep my data at most 90 days

    # Parley answered at once: one clause accepted, one declined with its reason.
    page.goto("/account/agreements")
    page.get_by_role("link", name="Parley accepted version 1").click()
    clauses = page.get_by_role("region", name="What Parley accepted")
    expect(clauses).to_contain_text("Accepted: No stalking")
    expect(clauses).to_contain_text("Declined: Keep my data no longer than agreed")
    expect(clauses).to_contain_text("does not delete on a timer")

    # Reported like any supplier, on the clause it accepted.
    page.get_by_label("Which clause").select_option("parley:no-stalking")
    page.get_by_label("Broken", exact=True).check()
    page.get_by_label("What happened").fill(ACCOUNT)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("Your report is public")

    # The public page, reached from the footer, counts it.
    page.get_by_role("link", name="Parley and your terms").click()
    expect(page).to_have_url(f"{live.url}/about/terms")
    main = page.locator("main")
    expect(main.get_by_role("row", name=re.compile(r"^No stalking"))).to_contain_text("Accepts")
    expect(
        main.get_by_role("row", name=re.compile(r"^Tell me about data breaches"))
    ).to_contain_text("Declines")
    assert _kept_reports(page) == reports_before + 1
    expect(main).not_to_contain_text(member)

    # The export downloads, in its documented format, with Parley's agreement in it.
    page.goto("/account")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download everything Parley holds")).click()
    document = json.loads(Path(download.value.path()).read_text())
    Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    [agreement] = document["terms"]["agreements"]
    assert agreement["clauses_accepted"] == ["parley:no-stalking"]
    assert agreement["reports"][0]["account"] == ACCOUNT

    # The erasure page says what each choice keeps; erase everything.
    erase = page.locator("form", has=page.get_by_role("button", name="Erase my account"))
    expect(erase).to_contain_text("Nothing you wrote as yourself.")
    expect(erase).to_contain_text("The text, ratings and earlier versions of your live reviews")
    page.get_by_label("Erase everything").check()
    page.get_by_label(re.compile("Type your handle")).fill(member)
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_role("status")).to_contain_text("everything Parley held about you")

    assert _kept_reports(page) == reports_before  # the report went with the agreement
    with db() as session:
        assert not session.scalar(
            select(func.count()).select_from(Member).where(Member.handle == member)
        )
    assert_only_parley_and_provider(recorder, live)
    assert_no_csp_violations(recorder.csp_violations([live.url]))
    assert recorder.page_errors == []
