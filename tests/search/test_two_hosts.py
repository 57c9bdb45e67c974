"""Two Parley hosts on one PostgreSQL database, as a deployment of many machines runs
them: two gunicorn servers (deploy/gunicorn.conf.py), each with an instance folder of its
own, sharing only the database and Redis (rate-limit counters and the page cache).

Members sign in through the real OpenID provider and write through either host over
HTTP, with CSRF tokens, as a browser behind a load balancer does: both hosts answer to
one public name, and a form fetched from one may be posted to the other. Right after
each write's redirect, the other host's search page, search API and cached anonymous
supplier page show it; an edit shows, and a withdrawal or an erasure is gone, at once.
Without a Redis at 127.0.0.1:6379 each host counts and caches alone, and only that part
goes untested.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import redis
import requests
from joserfc.jwk import RSAKey

from bench.servers import gunicorn
from tests.conftest import csrf_from, provider_config
from tests.search.conftest import engines
from tests.support.oidc_provider import OidcProvider, complete_login

pytestmark = pytest.mark.skipif(
    "postgres" not in engines(),
    reason="hosts share a PostgreSQL database (SQLite serves one machine): "
    "set PARLEY_TEST_DATABASE_URL=postgresql+psycopg://…",
)

HOST = "localhost"
"""The public name both hosts answer to, as behind a load balancer; the test provider
knows http://localhost/sign-in/callback, and cached pages are keyed on it."""
SECRET = "two-hosts-secret-for-this-test-only"  # the same on every host
REDIS = {
    "PARLEY_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/13",
    "PARLEY_CACHE_URL": "redis://127.0.0.1:6379/14",
}
CARD_LINK = re.compile(r'class="card-title">(?:<input[^>]*> )?<a href="([^"]+)"')


@dataclass(frozen=True)
class Host:
    url: str
    instance: Path
    shares_redis: bool


def shared_redis() -> dict[str, str]:
    """Redis for both hosts, emptied (a previous run's counters and pages must not
    count); none when no Redis answers: then only that part goes untested."""
    try:
        for url in REDIS.values():
            with redis.Redis.from_url(url, socket_timeout=5) as client:
                client.flushdb()
    except redis.RedisError:
        return {}
    return REDIS


@pytest.fixture
def hosts(
    own_schema: str, provider: OidcProvider, pkjwt_key: RSAKey, tmp_path: Path
) -> Iterator[tuple[Host, Host]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "GUNICORN"))}
    env |= {
        "PARLEY_DATABASE_URL": own_schema,
        "PARLEY_SECRET_KEY": SECRET,
        "PARLEY_RETIRED_HANDLE_KEY": SECRET,
        "PARLEY_SEARCH_BACKEND": "postgres",
        "PARLEY_OIDC_PROVIDERS": provider_config(provider, pkjwt_key),
        "PARLEY_ALLOW_LOOPBACK_ISSUERS": "1",
        "WEB_CONCURRENCY": "1",
        "PARLEY_THREADS": "2",
        "PARLEY_LOG_LEVEL": "warning",
        **shared_redis(),
    }
    shares_redis = "PARLEY_CACHE_URL" in env
    instances = [tmp_path / "instance-a", tmp_path / "instance-b"]
    with ExitStack() as stack:
        booting = [
            stack.enter_context(
                gunicorn(
                    "app:app",
                    {**env, "PARLEY_INSTANCE_PATH": str(instance)},
                    *("-c", "deploy/gunicorn.conf.py"),
                )
            )
            for instance in instances
        ]
        a, b = (
            Host(ready(), instance, shares_redis)
            for ready, instance in zip(booting, instances, strict=True)
        )
        yield a, b


class Browser:
    """One person's browser: one cookie jar, the public host name on every request, and
    each request sent to the host the test names (as a load balancer might)."""

    def __init__(self, hosts: tuple[Host, Host]) -> None:
        self.hosts = hosts
        self.http = requests.Session()
        self.http.headers["Host"] = HOST

    def get(self, host: Host, path: str, **headers: str) -> requests.Response:
        answer = self.http.get(host.url + path, headers=headers, allow_redirects=False, timeout=30)
        assert answer.status_code < 500, (path, answer.status_code)
        return answer

    def post(self, host: Host, path: str, page: str = "/", **fields: str) -> str:
        """Fill in the form on PAGE, served by the other host, post it to HOST; the
        redirect's target."""
        other = self.hosts[1] if host is self.hosts[0] else self.hosts[0]
        token = csrf_from(self.get(other, page).text)
        answer = self.http.post(
            host.url + path,
            data={"csrf_token": token, **fields},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.is_redirect, (path, answer.status_code, answer.text[:2000])
        return str(answer.headers["Location"])

    def sign_up(self, login: str, *, begin: Host, back: Host) -> None:
        """Through the real provider: begun on BEGIN, and its answer returned to BACK."""
        authorize = self.post(begin, "/sign-in/provider/basic", "/sign-in", intent="sign_in")
        callback = urlsplit(complete_login(authorize, login))
        assert callback.netloc == HOST
        welcome = self.get(back, f"{callback.path}?{callback.query}")
        assert welcome.headers.get("Location") == "/welcome", welcome.status_code
        self.post(begin, "/welcome", "/welcome", handle=login)

    def review(self, host: Host, path: str, title: str, body: str) -> str:
        fields = {"rating": "2", "title": title, "body": body}
        fields["experienced_on"] = (dt.date.today() - dt.timedelta(days=3)).isoformat()
        return self.post(host, path, path, **fields)

    def found(self, host: Host, words: str) -> set[str]:
        """What HOST's search finds for WORDS: the page's links, which the API's match."""
        query = quote(words)
        api = self.get(host, f"/api/v1/search?q={query}").json()
        page = self.get(host, f"/search?q={query}").text
        assert {hit["url"] for hit in api["results"]} == set(CARD_LINK.findall(page))
        return {hit["url"] for hit in api["results"]}


@pytest.fixture
def people(hosts: tuple[Host, Host]) -> Iterator[tuple[Browser, Browser, Browser]]:
    """Alice and Bob, members to be, and a visitor who never signs in."""
    browsers = (Browser(hosts), Browser(hosts), Browser(hosts))
    yield browsers
    for browser in browsers:
        browser.http.close()


def test_two_hosts_find_every_write_through_either_at_once(
    hosts: tuple[Host, Host], people: tuple[Browser, Browser, Browser]
) -> None:
    a, b = hosts
    alice, bob, visitor = people
    alice.sign_up("alice", begin=a, back=b)
    bob.sign_up("bob", begin=b, back=a)

    supplier = alice.post(
        b, "/suppliers/new", "/suppliers/new", name="Avocet Waterworks", kind="business",
        sector="water", confirm_new="y",
    )  # fmt: skip
    assert supplier.startswith("/s/")
    assert alice.found(a, "avocet waterworks") == {supplier}

    # The supplier page, rendered and cached for anonymous visitors by both hosts: one
    # ETag, since the content version is the database's, not a process's.
    etags = {host: visitor.get(host, supplier).headers["ETag"] for host in hosts}
    assert etags[a] == etags[b]
    assert visitor.get(b, supplier, **{"If-None-Match": etags[a]}).status_code == 304

    posts = []
    for writer, through, other, word in ((alice, a, b, "kingfisher"), (bob, b, a, "bittern")):
        title = f"The {word} line"
        review = writer.review(through, f"{supplier}/review", title, f"A {word} engineer came.")
        posts.append(review)
        assert visitor.found(other, word) == {review}
        page = visitor.get(other, supplier, **{"If-None-Match": etags[other]})
        assert page.status_code == 200 and title in page.text  # a new version: no 304
        etags[other] = page.headers["ETag"]
    if a.shares_redis:
        for url in REDIS.values():
            with redis.Redis.from_url(url) as store:
                assert store.dbsize() > 0  # counters and pages are kept where both look
    assert visitor.get(a, "/api/v1/search?q=bitern").json()["did_you_mean"] == "bittern"

    alices, bobs = posts
    alice.review(b, f"{alices}/edit", "The curlew line", "A curlew engineer came.")
    assert alice.found(a, "curlew") == {alices} and alice.found(a, "kingfisher") == set()

    alice.post(a, f"{alices}/withdraw", f"{alices}/withdraw")
    assert bob.found(b, "curlew") == set()
    assert "The curlew line" not in visitor.get(b, supplier).text

    assert visitor.get(b, bobs).status_code == 200  # and now a copy in the page cache
    bob.post(a, "/account/erase", "/account", choice="everything", confirm_handle="bob")
    assert alice.found(b, "bittern") == set()
    assert visitor.get(b, "/api/v1/search?q=bitern").json()["did_you_mean"] is None
    assert "The bittern line" not in visitor.get(a, supplier).text
    assert visitor.get(b, bobs).status_code in (404, 410)

    for host in hosts:  # the index is in the rows: neither host keeps one on its disk
        assert not any(host.instance.rglob("index-*"))
