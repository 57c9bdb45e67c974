"""The terms API and its OpenAPI description."""

from __future__ import annotations

import hashlib


def test_clauses(client, library) -> None:
    body = client.get("/api/v1/clauses").get_json()
    ids = {c["identifier"] for c in body["clauses"]}
    assert {"parley:no-stalking", "parley:retention-limit"} <= ids
    retention = next(c for c in body["clauses"] if c["identifier"] == "parley:retention-limit")
    assert retention["latest"]["parameters"]["retention_days"]["max"] == 3650


def test_member_terms_current_and_versions(client, make_member, publish) -> None:
    alice = make_member("alice")
    publish(alice)
    second = publish(alice, items=[{"clause": "parley:no-stalking", "version": 1}])
    body = client.get("/api/v1/members/alice/terms").get_json()
    assert body["current"]["number"] == 2 and body["current"]["sha256"] == second.sha256
    assert [v["number"] for v in body["versions"]] == [1, 2]
    document = client.get(body["versions"][0]["document_url"].replace("http://localhost", ""))
    assert hashlib.sha256(document.get_data()).hexdigest() == body["versions"][0]["sha256"]
    one = client.get("/api/v1/members/alice/terms/versions/1").get_json()
    assert one["document"]["version"] == 1


def test_problems(client, library, make_member) -> None:
    make_member("nobody")
    for path in (
        "/api/v1/members/ghost/terms",
        "/api/v1/members/nobody/terms",
        "/api/v1/members/nobody/terms/versions/1",
        "/api/v1/suppliers/ghost/terms",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.mimetype == "application/problem+json"


def test_openapi_lists_terms_paths(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/clauses",
        "/members/{handle}/terms",
        "/members/{handle}/terms/versions/{number}",
        "/suppliers/{slug}/terms",
    ):
        assert path in paths
