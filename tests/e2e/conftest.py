"""Browser tests: a live Parley on a real port, driven by headless Chromium.

The live server is a separate app instance without the per-test savepoint: what a
browser test does is really committed. So browser tests get a database of their own
(a separate SQLite file, or a schema of their own on PostgreSQL) and never leave data
behind for the other tests; within it they still use unique logins and handles.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from joserfc.jwk import RSAKey
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from tests.conftest import make_settings, provider_config
from tests.support.browser import CHROMIUM_ARGS, NetworkRecorder, find_chromium
from tests.support.oidc_provider import OidcProvider
from vrm import create_app
from vrm.db import get_db
from vrm.schema import alembic_config
from vrm.settings import parse_providers

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e drives a browser: mark it so (-m "not browser")."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class LiveServer:
    url: str
    provider_url: str
    app: Flask = field(compare=False, repr=False)
    """The served app: for a test that must seed data the way a CLI command would."""

    @property
    def origins(self) -> frozenset[str]:
        """Everything a browser test may talk to: Parley and its OpenID provider."""
        return frozenset({self.url, self.provider_url})


E2E_SCHEMA = "e2e"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Overrides the suite's database for browser tests: one of their own, migrated."""
    base = os.environ.get("PARLEY_TEST_DATABASE_URL")
    if base:
        engine = sa.create_engine(base)
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {E2E_SCHEMA} CASCADE"))
            connection.execute(sa.text(f"CREATE SCHEMA {E2E_SCHEMA}"))
        engine.dispose()
        separator = "&" if "?" in base else "?"
        url = f"{base}{separator}options=-csearch_path%3D{E2E_SCHEMA}"
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'parley.db'}"
    command.upgrade(alembic_config(url), "heads")
    return url


@pytest.fixture(scope="session")
def live_server(
    database_url: str,
    provider: OidcProvider,
    pkjwt_key: RSAKey,
    live_port: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """Parley served on http://127.0.0.1:{live_port}, a redirect URI the provider knows."""
    settings = make_settings(
        database_url,
        tmp_path_factory.mktemp("live-instance"),
        providers=parse_providers(provider_config(provider, pkjwt_key)),
    )
    app = create_app(settings)
    server: BaseWSGIServer = make_server("127.0.0.1", live_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="parley-live", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{live_port}", provider_url=provider.url, app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        get_db(app).engine.dispose()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        configured = os.environ.get("PARLEY_CHROMIUM")
        reason = (
            f"PARLEY_CHROMIUM={configured} is not an executable Chromium"
            if configured
            else "no Chromium found: install Debian's chromium (/usr/bin/chromium) "
            "or set PARLEY_CHROMIUM to a Chromium binary"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    """One headless Chromium for the session, via Playwright's sync API."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def recorder(live_server: LiveServer) -> NetworkRecorder:
    return NetworkRecorder(allowed_origins=live_server.origins)


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, recorder: NetworkRecorder) -> Iterator[Page]:
    """A fresh page in a fresh context (own cookies) whose traffic ``recorder`` sees."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        service_workers="block",
    )
    context.set_default_timeout(10_000)
    recorder.attach(context)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
