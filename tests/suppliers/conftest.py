"""Factories for the supplier tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from vrm.members.models import Member
from vrm.reviews.models import Review
from vrm.suppliers.models import Supplier
from vrm.suppliers.service import create_supplier

REGISTER = Path(__file__).resolve().parent.parent / "data" / "uk_local_authorities.csv"


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
    def make(name: str, **values: Any) -> Supplier:
        values.setdefault("kind", "business")
        values.setdefault("sector", "energy")
        return create_supplier(db_session, actor=values.pop("actor", None), name=name, **values)

    return make


@pytest.fixture
def make_review(db_session: Session) -> Callable[..., Review]:
    """A bare review row: these tests are about where reviews belong, not how they are written."""

    def make(supplier: Supplier, author: Member, status: str = "live") -> Review:
        review = Review(
            supplier=supplier,
            author=author,
            status=status,
            rating=4,
            title="Fine",
            body="It was fine.",
            body_html="<p>It was fine.</p>",
            experienced_on=dt.date(2026, 1, 2),
        )
        db_session.add(review)
        db_session.flush()
        return review

    return make
