"""Members, suppliers and reviews for tests, written straight through the models and
services (no HTTP), plus signing a test client in as a member without the provider."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from vrm.clock import now
from vrm.members.models import Member
from vrm.reviews.models import Review
from vrm.reviews.service import ReviewDraft, post_review
from vrm.suppliers.models import RepresentativeClaim, Supplier

_serial = count(1)


def make_member(session: Session, handle: str | None = None, **fields: Any) -> Member:
    member = Member(handle=handle or f"member{next(_serial)}", **fields)
    session.add(member)
    session.flush()
    return member


def make_supplier(session: Session, slug: str | None = None, **fields: Any) -> Supplier:
    slug = slug or f"supplier-{next(_serial)}"
    values: dict[str, Any] = {"name": slug.replace("-", " ").title(), "kind": "business"}
    values.update({"sector": "energy", **fields})
    supplier = Supplier(slug=slug, **values)
    session.add(supplier)
    session.flush()
    return supplier


def make_draft(**fields: Any) -> ReviewDraft:
    values: dict[str, Any] = {
        "rating": 4,
        "title": "Fixed my meter quickly",
        "body": "They sent someone **the next day**.",
        "experienced_on": now().date() - dt.timedelta(days=3),
    }
    values.update(fields)
    return ReviewDraft(**values)


def make_review(session: Session, author: Member, supplier: Supplier, **fields: Any) -> Review:
    return post_review(session, author=author, supplier=supplier, draft=make_draft(**fields))


def make_representative(session: Session, member: Member, supplier: Supplier) -> None:
    session.add(
        RepresentativeClaim(
            supplier_id=supplier.id,
            member_id=member.id,
            method="moderator",
            status="verified",
            verified_at=now(),
        )
    )
    session.flush()


def sign_in_as(client: FlaskClient, member: Member) -> None:
    """Put the member in the test client's session, as Flask-Login would after sign-in."""
    with client.session_transaction() as cookie:
        cookie["_user_id"] = member.get_id()
        cookie["_fresh"] = True
