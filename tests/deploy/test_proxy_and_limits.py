"""Behind a reverse proxy each visitor has their own rate-limit bucket; reads are limited."""

from __future__ import annotations

import pytest

from vrm.extensions import READ_LIMITS
from vrm.settings import Settings, SettingsError

PER_MINUTE = int(READ_LIMITS["search"].split()[0])
PROXY = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the one proxy


def _statuses(client, forwarded_for: str | None, count: int) -> list[int]:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return [
        client.get("/search/suggest?q=", headers=headers, environ_base=PROXY).status_code
        for _ in range(count)
    ]


def test_two_clients_behind_one_proxy_get_separate_buckets(build_app, database_url) -> None:
    app = build_app(database_url, ratelimit_enabled=True, proxy_hops=1)
    client = app.test_client()
    first = _statuses(client, "203.0.113.5", PER_MINUTE + 1)
    assert first[:PER_MINUTE] == [200] * PER_MINUTE and first[-1] == 429
    assert _statuses(client, "198.51.100.7", 1) == [200]
    # The proxy's own address is not the client: its bucket is untouched too.
    assert _statuses(client, None, 1) == [200]


def test_without_proxy_hops_a_forged_header_changes_nothing(build_app, database_url) -> None:
    app = build_app(database_url, ratelimit_enabled=True)
    client = app.test_client()
    assert _statuses(client, "203.0.113.5", PER_MINUTE)[-1] == 200
    assert _statuses(client, "198.51.100.7", 1) == [429]


def test_the_read_api_is_limited_with_a_problem_body(build_app, database_url) -> None:
    app = build_app(database_url, ratelimit_enabled=True)
    client = app.test_client()
    per_minute = int(READ_LIMITS["api"].split()[0])
    answers = [client.get("/api/v1/openapi.json") for _ in range(per_minute + 1)]
    assert {a.status_code for a in answers[:per_minute]} == {200}
    assert answers[-1].status_code == 429
    assert answers[-1].mimetype == "application/problem+json"


@pytest.mark.parametrize("raw", ["-1", "two", "١", "99"])
def test_proxy_hops_must_be_a_small_whole_number(raw: str, tmp_path) -> None:
    env = {
        "PARLEY_PROXY_HOPS": raw,
        "PARLEY_SECRET_KEY": "x",
        "PARLEY_INSTANCE_PATH": str(tmp_path),
    }
    with pytest.raises(SettingsError, match="PARLEY_PROXY_HOPS"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "PARLEY_PROXY_HOPS": "2"}).proxy_hops == 2
