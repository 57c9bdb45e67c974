"""Factories for the terms tests: members, suppliers, representatives, published terms,
and signing in without the provider round trip (the sign-in flow has its own tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import csrf_from
from vrm.members.models import Member
from vrm.suppliers.models import RepresentativeClaim, Supplier
from vrm.terms import service
from vrm.terms.models import Agreement, Proffer, Terms, TermsReport, TermsVersion
from vrm.terms.seed import seed_library

ALICE_ITEMS = [
    {"clause": "parley:no-stalking", "version": 1},
    {"clause": "parley:retention-limit", "version": 1, "parameters": {"retention_days": 90}},
    {
        "clause": "parley:contact-channels",
        "version": 1,
        "parameters": {"contact_channels": ["email"]},
    },
]


@pytest.fixture
def library(db_session: Session) -> Session:
    seed_library(db_session)
    db_session.flush()
    return db_session


@pytest.fixture
def make_member(db_session: Session) -> Callable[..., Member]:
    def make(handle: str, role: str = "member") -> Member:
        member = Member(handle=handle, role=role)
        db_session.add(member)
        db_session.flush()
        return member

    return make


@pytest.fixture
def make_supplier(db_session: Session) -> Callable[..., Supplier]:
    def make(slug: str, sector: str = "energy", name: str | None = None) -> Supplier:
        supplier = Supplier(slug=slug, name=name or slug.title(), kind="business", sector=sector)
        db_session.add(supplier)
        db_session.flush()
        return supplier

    return make


@pytest.fixture
def make_rep(db_session: Session) -> Callable[[Member, Supplier], RepresentativeClaim]:
    def make(member: Member, supplier: Supplier) -> RepresentativeClaim:
        claim = RepresentativeClaim(
            supplier_id=supplier.id, member_id=member.id, method="moderator", status="verified"
        )
        db_session.add(claim)
        db_session.flush()
        return claim

    return make


@pytest.fixture
def publish(library: Session) -> Callable[..., TermsVersion]:
    def do(member: Member, items: list[dict[str, Any]] | None = None, text: str = "") -> Any:
        service.save_draft(
            library, actor=member, member=member, items=items or ALICE_ITEMS, text=text
        )
        return service.publish(library, actor=member, member=member)

    return do


def login(client: FlaskClient, member: Member) -> None:
    """Sign the test client in as ``member`` (Flask-Login reads _user_id)."""
    with client.session_transaction() as cookie:
        # get_id, not the bare id: the session id may carry more than the member's id.
        cookie["_user_id"] = member.get_id()
        cookie["_fresh"] = True


def token(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return csrf_from(page.get_data(as_text=True))


def counts(session: Session) -> dict[str, int]:
    """Row counts of the terms tables, to show that a refused request changed nothing."""
    session.expire_all()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Terms, TermsVersion, Proffer, Agreement, TermsReport)
    }
