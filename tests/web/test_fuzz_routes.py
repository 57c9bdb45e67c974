"""Hostile input on every route answers 4xx, never 5xx: Hypothesis over the app's URL map.

Every rule and method of ``app.url_map`` gets hostile path values, query strings
(repeated keys included), form fields, JSON and other bodies, signed out, as a member
and as a moderator. CSRF is off in this app (through Settings.extra) so the requests
reach the views rather than stopping at the token check. Deterministic (derandomize)
and bounded: FUZZ_EXAMPLES per rule and role (PARLEY_FUZZ_EXAMPLES to hunt longer), so
it runs the same everywhere, on both databases. Everything is rolled back after; names
resolve nowhere, so no hostile identifier reaches the network.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import sessionmaker
from werkzeug.routing import IntegerConverter, Rule

from tests.conftest import make_settings
from tests.reviews.factories import make_member, make_review, make_supplier
from vrm import create_app
from vrm.db import deferred, get_db
from vrm.search import rebuild
from vrm.settings import PROJECT_ROOT
from vrm.terms.seed import seed_library

FUZZ_EXAMPLES = int(os.environ.get("PARLEY_FUZZ_EXAMPLES", "10"))
ROLES = ("anonymous", "member", "moderator")
SKIPPED_ENDPOINTS = {"static"}

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "²",
    "③",
    "٣",
    "１",
    "9" * 20,
    "2147483648",
    "9223372036854775808",
    "1e300",
    "NaN",
    "Infinity",
    "1.5",
    "a[b",
    "[::1",
    "x]y",
    "..",
    "../../etc/passwd",
    "//evil.example",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "'; DROP TABLE member; --",
    "%",
    "%00",
    "\\",
    "\u202e",
    "\x00",
    "null",
    "true",
    "[]",
    "{}",
    "x" * 3000,
    "fuzz-co",
    "fuzzer",
    "parley:no-stalking",
]


def _field_names() -> list[str]:
    """Every form field name the templates and form classes use, so fields are hit."""
    names: set[str] = set()
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        names.update(re.findall(r'name="([^"{}]+)"', template.read_text()))
    for module in (PROJECT_ROOT / "vrm").rglob("forms.py"):
        names.update(re.findall(r"^\s+(\w+)\s*=\s*\w*Field\(", module.read_text(), re.M))
    names.update(
        ["clause", "version-parley:no-stalking", "p-parley:retention-limit-retention_days"]
    )
    return sorted(names)


FIELD_NAMES = _field_names()
QUERY_NAMES = ["page", "q", "sort", "stars", "answered", "type", "next", "state", "code", "iss"]

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=24)
hostile_text = st.one_of(st.sampled_from(HOSTILE), text)
numbers_as_text = st.integers(min_value=-(2**70), max_value=2**70).map(str)
values = st.one_of(hostile_text, numbers_as_text)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(FIELD_NAMES), inner)
    ),
    max_leaves=8,
)
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(FIELD_NAMES), text), values), max_size=8)
query_pairs = st.lists(st.tuples(st.one_of(st.sampled_from(QUERY_NAMES), text), values), max_size=5)


def _routes(app: Flask) -> list[tuple[Rule, str]]:
    return sorted(
        (
            (rule, method)
            for rule in app.url_map.iter_rules()
            if rule.endpoint not in SKIPPED_ENDPOINTS
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        ),
        key=lambda pair: (pair[0].rule, pair[1]),
    )


@pytest.fixture(scope="module")
def fuzz_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    settings_ = make_settings(
        database_url,
        tmp_path_factory.mktemp("fuzz-instance"),
        allow_loopback_issuers=False,
        extra={"WTF_CSRF_ENABLED": False},
    )
    app = create_app(settings_)
    yield app
    get_db(app).engine.dispose()


@pytest.fixture
def fuzz_client(fuzz_app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """A client on one rolled-back transaction, with a supplier, a review, terms and the
    signed-in members' handles for hostile values to hit."""

    def resolve_nowhere(*_args: Any, **_kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "no network in the fuzz test")

    monkeypatch.setattr(socket, "getaddrinfo", resolve_nowhere)
    database = get_db(fuzz_app)
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
        seed_library(session)
        supplier = make_supplier(session, "fuzz-co")
        members = {
            "member": make_member(session, "fuzzer"),
            "moderator": make_member(session, "fuzzmod", role="moderator"),
        }
        make_review(session, make_member(session, "fuzzauthor"), supplier)
        session.flush()
        rebuild.rebuild(database.session_factory, tmp_path / "search")
        monkeypatch.setitem(fuzz_app.config, "SEARCH_DIR", str(tmp_path / "search"))
        yield fuzz_app.test_client(), members, connection
    finally:
        session.close()
        database.session_factory, database.read_session_factory = original
        transaction.rollback()
        lazy_lock.__exit__(None, None, None)
        connection.close()


def _path(rule: Rule, chosen: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        return quote(chosen[match.group(2)], safe="")

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", fill, rule.rule)


def _path_values(rule: Rule) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {
            name: (
                st.one_of(numbers_as_text, st.sampled_from(["1", "2", "0", "2147483647"]))
                if isinstance(converter, IntegerConverter)
                else hostile_text
            )
            for name, converter in rule._converters.items()
        }
    )


def _request(data: st.DataObject, rule: Rule, method: str) -> dict[str, Any]:
    path = _path(rule, data.draw(_path_values(rule), label="path"))
    query = urlencode(data.draw(query_pairs, label="query"))
    request: dict[str, Any] = {"path": f"{path}?{query}" if query else path, "method": method}
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        kind = data.draw(st.sampled_from(["form", "json", "raw"]), label="body kind")
        if kind == "form":
            request["data"] = urlencode(data.draw(pairs, label="form"))
            request["content_type"] = "application/x-www-form-urlencoded"
        elif kind == "json":
            request["data"] = json.dumps(data.draw(json_values, label="json"))
            request["content_type"] = "application/json"
        else:
            request["data"] = data.draw(st.binary(max_size=64), label="raw")
            request["content_type"] = data.draw(
                st.sampled_from(["text/plain", "multipart/form-data", "application/xml"])
            )
    return request


def _sign_in(client: Any, member: Any | None) -> None:
    with client.session_transaction() as cookie:
        cookie.clear()
        if member is not None:
            cookie["_user_id"] = member.get_id()
            cookie["_fresh"] = True


def _fuzz_route(client: Any, member: Any | None, rule: Rule, method: str) -> None:
    @settings(
        max_examples=FUZZ_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def hostile(data: st.DataObject) -> None:
        _sign_in(client, member)  # afresh each time: an example may have signed out
        request = _request(data, rule, method)
        answer = client.open(**request)
        assert answer.status_code < 500, (request, answer.get_data(as_text=True)[:300])

    hostile()


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_5xx_to_hostile_input(fuzz_client, role: str) -> None:
    """Each route in turn, in a savepoint rolled back after it, so what one route did
    (erasing the account, signing out everywhere) does not blunt the next."""
    client, members, connection = fuzz_client
    failures = []
    routes = _routes(client.application)
    assert len(routes) > 90  # the whole map, not a part of it
    for rule, method in routes:
        savepoint = connection.begin_nested()
        try:
            _fuzz_route(client, members.get(role), rule, method)
        except AssertionError as failure:
            failures.append(f"{method} {rule.rule}: {failure}")
        finally:
            savepoint.rollback()
    assert not failures, "\n\n".join(failures)
