"""Suppliers and reviews for search tests, written through the services (which send the
signals the search handlers listen to)."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from vrm.clock import now
from vrm.members.models import Member
from vrm.reviews.models import Review
from vrm.reviews.service import ReviewDraft, post_review
from vrm.suppliers.models import Area, Supplier
from vrm.suppliers.service import create_supplier

_serial = count(1)


def make_member(session: Session, handle: str | None = None, **fields: Any) -> Member:
    member = Member(handle=handle or f"searcher{next(_serial)}", **fields)
    session.add(member)
    session.flush()
    return member


def make_area(session: Session, name: str) -> Area:
    area = Area(code=f"T{next(_serial)}", name=name, kind="local_authority")
    session.add(area)
    session.flush()
    return area


def make_supplier(session: Session, name: str, **fields: Any) -> Supplier:
    values: dict[str, Any] = {"kind": "business", "sector": "energy"}
    values.update(fields)
    return create_supplier(session, actor=None, name=name, **values)


def make_review(
    session: Session,
    supplier: Supplier,
    *,
    author: Member | None = None,
    title: str = "Fixed my meter quickly",
    body: str = "They sent someone the next day.",
    rating: int = 4,
) -> Review:
    draft = ReviewDraft(
        rating=rating, title=title, body=body, experienced_on=now().date() - dt.timedelta(days=3)
    )
    return post_review(
        session, author=author or make_member(session), supplier=supplier, draft=draft
    )
