"""Demo reviews, answers and a resolved thread, so a newcomer sees a living site.

Written through the services (reputation, search and notifications follow through
their handlers) with the clock moved back, so trends span two years. Idempotent: a
demo reviewer who already has a live review of a supplier is skipped.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm import clock
from vrm.members.models import Identity, Member
from vrm.members.service import create_member
from vrm.representatives.policies import is_verified_representative, represented_supplier_ids
from vrm.reviews import thread
from vrm.reviews.drafts import ReviewDraft
from vrm.reviews.models import Review
from vrm.reviews.queries import live_review_by
from vrm.reviews.service import post_review
from vrm.suppliers.models import Supplier

REVIEWERS = ("alice", "bob", "dan", "eve", "fay", "gus", "hal", "ivy", "joe", "kai")
# slug or register key → (rating weights for 1..5 stars, how many reviews)
TARGETS: dict[str, tuple[tuple[int, ...], int]] = {
    "octopus-energy": ((1, 1, 2, 5, 8), 9),
    "thames-water": ((6, 3, 2, 1, 1), 8),
    "bt": ((4, 1, 1, 2, 4), 8),
    "hmrc": ((2, 3, 4, 3, 1), 7),
    "la:ABE": ((1, 2, 4, 3, 1), 5),
    "la:ADU": ((3, 2, 2, 1, 1), 4),
    "la:BIR": ((4, 3, 2, 1, 1), 6),
}
TITLES = {
    1: ("Three months and still no answer", "They lost my paperwork twice"),
    2: ("Slow, and nobody owns the problem", "Billing errors every quarter"),
    3: ("Fine once you reach a person", "Mixed: good staff, poor systems"),
    4: ("Sorted out my issue in a week", "Helpful phone team"),
    5: ("Quick, clear and polite", "Fixed it on the first call"),
}
BODIES = {
    1: "I reported the problem in writing and by phone. Each time I was told someone "
    "would call back; nobody did. I had to **start again** with every new adviser.",
    2: "The online form timed out twice and the chat closed before I got an answer. "
    "When I did reach someone they were kind but could not change anything.",
    3: "Getting through took forty minutes, but the adviser understood the problem and "
    "wrote it down properly. The follow-up letter was confusing.",
    4: "They explained what had gone wrong and what they would do, and did it. I would "
    "have liked an email confirming it, but the outcome was right.",
    5: "Clear answer, no jargon, and a written summary the same day. They also told me "
    "how to complain if I was not happy, which I appreciated.",
}


def seed_reviews_demo(session: Session, issuer: str) -> int:
    """Reviews for a handful of suppliers and councils, then answers and replies."""
    reviewers = [_member(session, issuer, handle) for handle in REVIEWERS]
    rng = random.Random(7)
    today = clock.now()
    created = 0
    try:
        for key, (weights, count) in TARGETS.items():
            supplier = _supplier(session, key)
            if supplier is None:
                continue
            for n, author in enumerate(reviewers[:count]):
                if live_review_by(session, author.id, supplier.id) is not None:
                    continue
                if is_verified_representative(session, author.id, supplier.id):
                    continue
                stars = rng.choices(range(1, 6), weights=weights)[0]
                when = today - dt.timedelta(days=rng.randint(5, 700))
                clock.set_source(_at(when))
                post_review(session, author=author, supplier=supplier, draft=_draft(stars, n, when))
                created += 1
        created += _conversations(session, issuer, today)
    finally:
        clock.set_source(None)
    return created


def _at(moment: dt.datetime) -> Callable[[], dt.datetime]:
    """A clock source stopped at MOMENT."""
    return lambda: moment


def _draft(stars: int, n: int, when: dt.datetime) -> ReviewDraft:
    aspects = [max(1, min(5, stars + delta)) for delta in (0, -1, 1, 0)]
    return ReviewDraft(
        rating=stars,
        title=TITLES[stars][n % 2],
        body=BODIES[stars],
        experienced_on=(when - dt.timedelta(days=3)).date(),
        ease=aspects[0],
        resolution=aspects[1],
        fairness=aspects[2],
        respect=aspects[3] if n % 3 else None,
    )


def _conversations(session: Session, issuer: str, today: dt.datetime) -> int:
    """carol answers for the supplier she represents (the terms demo made her its
    representative); one reviewer replies and is satisfied."""
    carol = _member(session, issuer, "carol")
    represented = sorted(represented_supplier_ids(session, carol.id))
    supplier = session.get(Supplier, represented[0]) if represented else None
    if supplier is None:
        return 0
    written = 0
    for index, review in enumerate(
        session.scalars(
            select(Review)
            .where(Review.supplier_id == supplier.id, Review.status == "live")
            .order_by(Review.created_at)
        )
    ):
        if review.messages or index % 2:
            continue
        clock.set_source(_at(review.created_at + dt.timedelta(days=2)))
        thread.answer_review(
            session,
            representative=carol,
            review=review,
            body="Thank you for telling us. We have changed how call-backs are booked so "
            "that the adviser who takes the call owns the follow-up.",
            states_change_made=index == 0,
        )
        written += 1
        if index == 0 and review.author is not None:  # None: a former member's
            clock.set_source(_at(review.created_at + dt.timedelta(days=5)))
            thread.reply_to_thread(
                session,
                member=review.author,
                review=review,
                body="Thanks — the call-back came on time this week.",
            )
            thread.mark_resolution(session, member=review.author, review=review, resolved=True)
            written += 1
    return written


def _member(session: Session, issuer: str, handle: str) -> Member:
    identity = session.scalar(
        select(Identity).where(Identity.issuer == issuer, Identity.subject == handle)
    )
    if identity is not None:
        return identity.member
    existing = session.scalar(select(Member).where(Member.handle == handle))
    if existing is not None:
        return existing
    return create_member(session, handle=handle, issuer=issuer, subject=handle)


def _supplier(session: Session, key: str) -> Supplier | None:
    column = Supplier.register_key if key.startswith("la:") else Supplier.slug
    return session.scalar(select(Supplier).where(column == key, Supplier.is_public))
