"""Fixtures for moderation tests: the review fixtures, plus a moderator."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.reviews.conftest import alice, alice_client, bob, supplier  # noqa: F401
from tests.reviews.factories import make_member
from vrm.members.models import Member


@pytest.fixture
def mia(db_session: Session) -> Member:
    return make_member(db_session, "mia", role="moderator")
