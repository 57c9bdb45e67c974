"""Layered fixtures: the database, the OpenID provider and the app once per session;
a savepoint per test; an AuthActions helper that signs in through the real provider."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import RSAKey
from sqlalchemy.orm import Session, sessionmaker

from tests.support.oidc_provider import OidcProvider, complete_login
from vrm import create_app
from vrm.caching.pages import cache as page_cache
from vrm.db import deferred, get_db
from vrm.schema import alembic_config
from vrm.settings import Settings, parse_providers

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_CLIENT_BASE = "http://localhost"


def pytest_report_header() -> str:
    return f"parley database: {_database_url_for_header()}"


def _database_url_for_header() -> str:
    return os.environ.get("PARLEY_TEST_DATABASE_URL") or "sqlite (temporary file)"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated database: PARLEY_TEST_DATABASE_URL, or a temporary SQLite file."""
    url = os.environ.get("PARLEY_TEST_DATABASE_URL")
    if url:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'parley.db'}"
    command.upgrade(alembic_config(url), "heads")
    return url


@pytest.fixture(scope="session")
def live_port() -> int:
    from tests.support.oidc_provider import _free_port

    return _free_port()


@pytest.fixture(scope="session")
def pkjwt_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "parley-test", "use": "sig"})


@pytest.fixture(scope="session")
def provider(live_port: int, pkjwt_key: RSAKey) -> Iterator[OidcProvider]:
    """The real OpenID provider (Node oidc-provider) with Parley's two static clients."""
    redirect_uris = [
        f"{TEST_CLIENT_BASE}/sign-in/callback",
        f"http://127.0.0.1:{live_port}/sign-in/callback",
    ]
    logout_uris = [
        f"{TEST_CLIENT_BASE}/signed-out",
        f"http://127.0.0.1:{live_port}/signed-out",
    ]
    clients = [
        {
            "client_id": "parley-basic",
            "client_secret": "parley-basic-secret-for-tests-only",
            "redirect_uris": redirect_uris,
            "post_logout_redirect_uris": logout_uris,
            "token_endpoint_auth_method": "client_secret_basic",
        },
        {
            "client_id": "parley-pkjwt",
            "redirect_uris": redirect_uris,
            "post_logout_redirect_uris": logout_uris,
            "token_endpoint_auth_method": "private_key_jwt",
            "token_endpoint_auth_signing_alg": "RS256",
            "jwks": {"keys": [pkjwt_key.as_dict(private=False)]},
        },
    ]
    op = OidcProvider.start(clients=clients)
    yield op
    op.stop()


def provider_config(op: OidcProvider, pkjwt_key: RSAKey) -> str:
    import json

    return json.dumps(
        [
            {
                "id": "basic",
                "name": "Test Provider",
                "issuer": op.issuer,
                "client_id": "parley-basic",
                "client_secret": "parley-basic-secret-for-tests-only",
            },
            {
                "id": "pkjwt",
                "name": "Test Provider (private key)",
                "issuer": op.issuer,
                "client_id": "parley-pkjwt",
                "private_key": pkjwt_key.as_dict(private=True),
                # Trusted to vouch for email addresses (representatives' email proof).
                "trusted_for_email": True,
            },
        ]
    )


def make_settings(database_url: str, instance: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": "test-secret-key-not-for-production",
        "instance_path": instance,
        "allow_loopback_issuers": True,
        "ratelimit_enabled": False,
        "testing": True,
        # Each commit drains the search outbox before returning: tests see the index at
        # once (tests/search/test_drainer.py covers the background thread).
        "search_drain": "inline",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def app(
    database_url: str,
    provider: OidcProvider,
    pkjwt_key: RSAKey,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Flask]:
    settings = make_settings(
        database_url,
        tmp_path_factory.mktemp("instance"),
        providers=parse_providers(provider_config(provider, pkjwt_key)),
    )
    session_app = create_app(settings)
    yield session_app
    get_db(session_app).engine.dispose()


@pytest.fixture
def build_app(tmp_path: Path) -> Iterator[Any]:
    """Build extra apps with other settings; their connections are closed afterwards
    (psycopg warns about connections garbage-collected while open)."""
    apps: list[Flask] = []

    def build(database_url: str, **overrides: Any) -> Flask:
        instance = tmp_path / f"instance-{len(apps)}"
        built = create_app(make_settings(database_url, instance, **overrides))
        apps.append(built)
        return built

    yield build
    for built in apps:
        get_db(built).engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """One transaction per test, rolled back after; the app's commits release savepoints."""
    database = get_db(app)
    # Deferred on SQLite: the test's transaction takes the write lock only when it
    # writes, so reads from other connections (the schema check) are not blocked.
    connection = database.engine.connect()
    lazy_lock = deferred(connection)
    lazy_lock.__enter__()
    transaction = connection.begin()
    original = database.session_factory, database.read_session_factory
    database.session_factory = database.read_session_factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    session = database.session_factory()
    try:
        yield session
    finally:
        session.close()
        database.session_factory, database.read_session_factory = original
        transaction.rollback()
        # The rollback takes the content version back too: cached pages must go with it.
        with app.app_context():
            page_cache.clear()
        lazy_lock.__exit__(None, None, None)
        connection.close()


@pytest.fixture
def client(app: Flask, db_session: Session) -> FlaskClient:
    return app.test_client()


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class AuthActions:
    """Signs in through the real provider's login pages, as a person would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def csrf(self, path: str = "/sign-in") -> str:
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def begin(
        self,
        *,
        provider: str | None = "basic",
        identifier: str | None = None,
        intent: str = "sign_in",
        page: str = "/sign-in",
    ) -> Any:
        token = self.csrf(page)
        if identifier is not None:
            return self.client.post(
                "/sign-in", data={"csrf_token": token, "identifier": identifier, "intent": intent}
            )
        return self.client.post(
            f"/sign-in/provider/{provider}", data={"csrf_token": token, "intent": intent}
        )

    def return_from(self, callback_url: str) -> Any:
        parts = urlsplit(callback_url)
        return self.client.get(f"{parts.path}?{parts.query}")

    def authenticate(self, login: str, *, consent: bool = True, **begin: Any) -> Any:
        """Begin, log in at the provider, and return Parley's answer to the callback."""
        started = self.begin(**begin)
        assert started.status_code == 303, started.get_data(as_text=True)[:2000]
        return self.return_from(complete_login(started.headers["Location"], login, consent=consent))

    def sign_up(self, login: str, handle: str | None = None, **begin: Any) -> Any:
        answer = self.authenticate(login, **begin)
        assert answer.headers.get("Location", "").endswith("/welcome"), answer.status_code
        token = csrf_from(self.client.get("/welcome").get_data(as_text=True))
        return self.client.post("/welcome", data={"csrf_token": token, "handle": handle or login})

    def sign_out(self) -> Any:
        return self.client.post("/sign-out", data={"csrf_token": self.csrf("/")})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture(scope="session")
def scratch_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="parley-test-") as name:
        yield Path(name)
