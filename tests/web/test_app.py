"""Health, settings and the refusal to serve an un-migrated database."""

from __future__ import annotations

import stat

import pytest

from tests.conftest import csrf_from
from vrm.settings import Settings, SettingsError, parse_providers


def test_healthz_ok(client) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_when_the_database_is_unreachable(build_app) -> None:
    app = build_app("sqlite:////nonexistent-dir/x/parley.db")
    assert app.test_client().get("/healthz").status_code == 503


def test_unmigrated_database_is_refused_with_the_command_to_run(build_app, tmp_path) -> None:
    app = build_app(f"sqlite:///{tmp_path / 'empty.db'}")
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 503
    assert "flask --app app db upgrade" in page.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503
    assert client.get("/api/v1/anything").mimetype == "application/problem+json"


def test_defaults_need_no_configuration(tmp_path) -> None:
    settings = Settings.from_env({"PARLEY_INSTANCE_PATH": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'parley.db'}"
    assert settings.ratelimit_storage_url == "memory://"
    assert not settings.allow_loopback_issuers
    secret_file = tmp_path / "secret_key"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    again = Settings.from_env({"PARLEY_INSTANCE_PATH": str(tmp_path)})
    assert again.secret_key == settings.secret_key  # generated once, then reused


def test_environment_settings(tmp_path) -> None:
    settings = Settings.from_env(
        {
            "PARLEY_INSTANCE_PATH": str(tmp_path),
            "PARLEY_DATABASE_URL": "postgresql+psycopg://db/parley",
            "PARLEY_SECRET_KEY": "s3cret",
            "PARLEY_ALLOW_LOOPBACK_ISSUERS": "1",
            "PARLEY_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
            "PARLEY_OIDC_PROVIDERS": '[{"name": "Gov Login", "issuer": "https://gov.example",'
            ' "client_id": "c", "client_secret": "s"}]',
        }
    )
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.secret_key == "s3cret"
    assert settings.allow_loopback_issuers
    assert settings.providers[0].id == "gov-login"
    assert settings.providers[0].auth_method == "client_secret_basic"


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "{}",
        "[1]",
        '[{"name": "x"}]',
        '[{"name": "x", "issuer": "https://x", "client_id": "c"}]',
    ],
)
def test_bad_provider_settings_fail_at_start(raw: str) -> None:
    with pytest.raises(SettingsError):
        parse_providers(raw)


def test_redis_rate_limit_storage(database_url, build_app) -> None:
    """The scaled-out path: two app instances (two workers) share counters through Redis."""
    import os

    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no Redis on 127.0.0.1:6379 (only the scaled-out path needs it)")
    clients = [
        build_app(database_url, ratelimit_enabled=True, ratelimit_storage_url=url).test_client()
        for _ in range(2)
    ]
    statuses = []
    for n in range(24):
        client = clients[n % 2]
        token = csrf_from(client.get("/sign-in").get_data(as_text=True))
        statuses.append(client.post("/sign-in", data={"csrf_token": token}).status_code)
    # 20 a minute in all: only shared counters refuse the 21st across two workers.
    assert statuses[:20] == [400] * 20
    assert statuses[20:] == [429] * 4
