"""The security baseline: headers, cookies, CSRF, error pages, rate limits."""

from __future__ import annotations

import pytest

from tests.conftest import AuthActions, csrf_from


def test_security_headers_on_every_page(client) -> None:
    for path in ("/", "/sign-in", "/about", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "http" not in csp  # no third-party origin at all
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_hardened(auth: AuthActions) -> None:
    auth.sign_up("cookie-monster")
    cookie = auth.client.get_cookie("parley_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure  # plain http in tests; see the https test below


def test_secure_cookies_and_hsts_over_https(database_url, build_app) -> None:
    app = build_app(database_url, secure_cookies=True)
    client = app.test_client()
    answer = client.get("/sign-in", base_url="https://parley.example")
    assert "Strict-Transport-Security" in answer.headers
    assert "Secure" in answer.headers["Set-Cookie"]
    assert "HttpOnly" in answer.headers["Set-Cookie"]
    assert client.get("/", base_url="http://parley.example").status_code in (301, 302)


def test_forms_without_csrf_are_refused(client) -> None:
    for path in ("/sign-in", "/sign-in/provider/basic", "/welcome", "/account/erase"):
        answer = client.post(path, data={"identifier": "x"})
        assert answer.status_code == 400, path
        assert "did not come from a Parley page" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/no-such-page", 404),
        ("put", "/sign-in", 405),
        ("get", "/sign-out", 405),
    ],
)
def test_error_pages_in_the_site_layout(client, method, path, status) -> None:
    answer = getattr(client, method)(path)
    assert answer.status_code == status
    text = answer.get_data(as_text=True)
    assert 'id="main"' in text and "Skip to main content" in text


def test_405_names_the_allowed_methods(client) -> None:
    assert "POST" in client.get("/sign-out").headers["Allow"]


def test_api_errors_are_problem_json(client) -> None:
    answer = client.get("/api/v1/no-such-thing")
    assert answer.status_code == 404
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["status"] == 404


def test_unexpected_errors_are_a_page_not_a_trace(database_url, build_app) -> None:
    app = build_app(database_url)

    @app.get("/_test/explode")
    def explode() -> str:
        raise RuntimeError("boom")

    @app.get("/api/_test/explode")
    def explode_api() -> str:
        raise RuntimeError("boom")

    client = app.test_client()
    answer = client.get("/_test/explode")
    assert answer.status_code == 500
    assert "boom" not in answer.get_data(as_text=True)
    assert "Something went wrong" in answer.get_data(as_text=True)
    assert client.get("/api/_test/explode").get_json()["status"] == 500


def test_sign_in_is_rate_limited(database_url, build_app) -> None:
    app = build_app(database_url, ratelimit_enabled=True)
    client = app.test_client()
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    statuses = [
        client.post("/sign-in", data={"csrf_token": token, "identifier": ""}).status_code
        for _ in range(25)
    ]
    assert statuses[0] == 400
    assert statuses[-1] == 429
    page = client.post("/sign-in", data={"csrf_token": token, "identifier": ""})
    assert "too often" in page.get_data(as_text=True)
    assert "Retry-After" in page.headers


def test_oversized_requests_are_refused(client) -> None:
    answer = client.post("/sign-in", data={"identifier": "x" * (2 * 1024 * 1024)})
    assert answer.status_code == 413
