"""Fixtures for review tests: a supplier, members, and a client signed in as one."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.reviews.factories import make_member, make_supplier, sign_in_as
from vrm.members.models import Member
from vrm.suppliers.models import Supplier


@pytest.fixture
def supplier(db_session: Session) -> Supplier:
    return make_supplier(db_session, "north-power", name="North Power")


@pytest.fixture
def alice(db_session: Session) -> Member:
    return make_member(db_session, "alice")


@pytest.fixture
def bob(db_session: Session) -> Member:
    return make_member(db_session, "bob")


@pytest.fixture
def alice_client(client: FlaskClient, alice: Member) -> FlaskClient:
    sign_in_as(client, alice)
    return client
