"""Suppliers, members, reviews and claims made straight from the models, so these tests
depend on no other feature's service."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from vrm.clock import now
from vrm.markdown import render
from vrm.members.models import Identity, Member
from vrm.reviews.models import Review, ReviewRevision
from vrm.suppliers.models import RepresentativeClaim, Supplier

_seq = itertools.count(1)


def member(session: Session, handle: str | None = None, *, role: str = "member") -> Member:
    n = next(_seq)
    handle = handle or f"member{n}"
    person = Member(handle=handle, role=role)
    person.identities.append(Identity(issuer="https://op.test", subject=f"{handle}-{n}"))
    session.add(person)
    session.flush()
    return person


def supplier(
    session: Session, name: str | None = None, *, domain: str | None = "acme.test"
) -> Supplier:
    n = next(_seq)
    name = name or f"Acme {n}"
    found = Supplier(
        slug=f"{name.lower().replace(' ', '-')}-{n}",
        name=name,
        kind="business",
        sector="energy",
        website_domain=domain,
    )
    session.add(found)
    session.flush()
    return found


def review(
    session: Session,
    *,
    author: Member,
    supplier: Supplier,
    body: str = "They lost my meter reading twice.",
    rating: int = 2,
    created_at: dt.datetime | None = None,
) -> Review:
    created = created_at or now()
    posted = Review(
        supplier_id=supplier.id,
        author_id=author.id,
        rating=rating,
        title="Meter readings lost",
        body=body,
        body_html=render(body),
        experienced_on=created.date(),
        created_at=created,
    )
    session.add(posted)
    session.flush()
    session.add(
        ReviewRevision(
            review_id=posted.id,
            number=1,
            rating=rating,
            title=posted.title,
            body=body,
            body_html=posted.body_html,
            experienced_on=posted.experienced_on,
        )
    )
    session.flush()
    return posted


def representative(session: Session, *, supplier: Supplier, person: Member | None = None) -> Member:
    """A member holding a verified claim for ``supplier``."""
    person = person or member(session)
    session.add(
        RepresentativeClaim(
            supplier_id=supplier.id,
            member_id=person.id,
            method="moderator",
            status="verified",
            verified_at=now(),
        )
    )
    session.flush()
    return person
