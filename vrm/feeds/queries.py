"""What each feed holds, read in a fixed number of queries of at most LIMIT rows each.

A feed costs O(entries shown): every query is ordered by an index and limited, and the
rows it needs besides (answers, members) are read by primary key in one IN query.
Only public reviews of public suppliers appear (reviews.queries.public_review_clause),
so a withdrawn or hidden review leaves every feed the moment it is withdrawn or hidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import escape
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from vrm import markdown
from vrm.activity.models import ActivityEvent
from vrm.feeds.atom import Entry, tag_uri
from vrm.members.models import Member
from vrm.reviews.models import Review, ReviewMessage
from vrm.reviews.queries import public_review_clause, public_reviews
from vrm.suppliers.models import Supplier

LIMIT = 30

# The supplier feed's events, and how each is told.
SUPPLIER_EVENTS = (
    "review.posted",
    "review_answered",
    "review_resolution_marked",
    "change_claim_answered",
)


@dataclass(frozen=True)
class Links:
    """Absolute URLs, built by the view (url_for): this module knows no routes."""

    host: str
    review: Callable[[int], str]
    supplier: Callable[[str], str]


def _stars(rating: int) -> str:
    return f"{rating}★"


def _author_name(review: Review) -> str:
    # None once the author erased their account and left the review (as the pages say).
    return review.author.handle if review.author is not None else "A former member"


def review_entry(review: Review, links: Links) -> Entry:
    return Entry(
        id=tag_uri(links.host, review.created_at.date(), f"review/{review.id}"),
        title=f"{_stars(review.rating)} {review.title} — {review.supplier.name}",
        link=links.review(review.id),
        published=review.created_at,
        updated=review.edited_at or review.created_at,
        author=_author_name(review),
        # A review written on someone's behalf says so in the feed too.
        content_html=(
            f"<p><em>{escape(review.voice_label)}</em></p>{review.body_html}"
            if review.voice_label
            else review.body_html
        ),
    )


def supplier_entry(supplier: Supplier, links: Links) -> Entry:
    described = markdown.render(supplier.description) if supplier.description else ""
    return Entry(
        id=tag_uri(links.host, supplier.created_at.date(), f"supplier/{supplier.id}"),
        title=supplier.name,
        link=links.supplier(supplier.slug),
        published=supplier.created_at,
        updated=supplier.created_at,
        author=supplier.name,
        content_html=described or f"<p>{escape(supplier.name)} is in Parley.</p>",
    )


def latest_reviews(session: Session, query: Select[Review], links: Links) -> list[Entry]:
    """The newest LIMIT public reviews that QUERY (over public_reviews()) selects."""
    reviews = session.scalars(
        query.options(joinedload(Review.author), joinedload(Review.supplier))
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(LIMIT)
    )
    return [review_entry(review, links) for review in reviews]


def sector_reviews(session: Session, sector: str, links: Links) -> list[Entry]:
    return latest_reviews(session, public_reviews().where(Supplier.sector == sector), links)


def area_reviews(session: Session, area_ids: Sequence[int], links: Links) -> list[Entry]:
    query = public_reviews().where(Supplier.area_id.in_(list(area_ids)))
    return latest_reviews(session, query, links)


def member_reviews(session: Session, member: Member, links: Links) -> list[Entry]:
    return latest_reviews(session, public_reviews().where(Review.author_id == member.id), links)


def hits(session: Session, keys: Sequence[tuple[str, int]], links: Links) -> list[Entry]:
    """Search hits (doc type, id) as entries, in the order found; gone ones are skipped."""
    review_ids = [doc_id for kind, doc_id in keys if kind == "review"]
    supplier_ids = [doc_id for kind, doc_id in keys if kind == "supplier"]
    reviews = {
        r.id: r
        for r in session.scalars(
            public_reviews()
            .where(Review.id.in_(review_ids))
            .options(joinedload(Review.author), joinedload(Review.supplier))
        )
    }
    suppliers = {
        s.id: s
        for s in session.scalars(
            select(Supplier).where(
                Supplier.id.in_(supplier_ids),
                Supplier.is_public,
            )
        )
    }
    found = []
    for kind, doc_id in keys:
        if kind == "review" and doc_id in reviews:
            found.append(review_entry(reviews[doc_id], links))
        elif kind == "supplier" and doc_id in suppliers:
            found.append(supplier_entry(suppliers[doc_id], links))
    return found


def supplier_activity(session: Session, supplier: Supplier, links: Links) -> list[Entry]:
    """New reviews, answers, resolutions and confirmed changes, newest first."""
    rows = session.execute(
        select(ActivityEvent, Review)
        .join(Review, Review.id == ActivityEvent.review_id)
        .join(Supplier, Supplier.id == Review.supplier_id)
        .where(
            ActivityEvent.supplier_id == supplier.id,
            ActivityEvent.kind.in_(SUPPLIER_EVENTS),
            Review.supplier_id == supplier.id,
            public_review_clause(),
        )
        .options(joinedload(Review.author))
        .order_by(ActivityEvent.created_at.desc(), ActivityEvent.id.desc())
        .limit(LIMIT)
    ).all()
    message_ids = [
        int(event.payload["message_id"])
        for event, _ in rows
        if event.kind == "review_answered" and "message_id" in event.payload
    ]
    messages = {
        m.id: m
        for m in session.scalars(select(ReviewMessage).where(ReviewMessage.id.in_(message_ids)))
    }
    entries = []
    for event, review in rows:
        entry = _event_entry(event, review, supplier, messages, links)
        if entry is not None:
            entries.append(entry)
    return entries


def _event_entry(
    event: ActivityEvent,
    review: Review,
    supplier: Supplier,
    messages: dict[int, ReviewMessage],
    links: Links,
) -> Entry | None:
    review_link = links.review(review.id)
    about = f"“{review.title}”"
    day = event.created_at.date()
    handle = _author_name(review)
    if event.kind == "review.posted":
        return review_entry(review, links)
    if event.kind == "review_answered":
        message = messages.get(int(event.payload.get("message_id", 0)))
        if message is None:
            return None
        return Entry(
            id=tag_uri(links.host, message.created_at.date(), f"answer/{message.id}"),
            title=f"{supplier.name} answered {about}",
            link=review_link,
            published=message.created_at,
            updated=message.created_at,
            author=supplier.name,
            content_html=message.body_html,
        )
    if event.kind == "review_resolution_marked":
        resolved = event.payload.get("resolution") == "resolved"
        verdict = "resolved" if resolved else "not resolved"
        return _note(event, day, links, review_link, handle,
                     f"{handle} marked {about} {verdict}",
                     f"{handle} says the matter in {about} is {verdict}.")  # fmt: skip
    if event.kind == "change_claim_answered" and event.payload.get("verdict") == "confirmed":
        return _note(event, day, links, review_link, handle,
                     f"{handle} confirmed a change made after {about}",
                     f"{handle} confirms that {supplier.name} made the change it said it "
                     f"made after {about}.")  # fmt: skip
    return None


def _note(
    event: ActivityEvent,
    day: dt.date,
    links: Links,
    link: str,
    author: str,
    title: str,
    text: str,
) -> Entry:
    return Entry(
        id=tag_uri(links.host, day, f"event/{event.id}"),
        title=title,
        link=link,
        published=event.created_at,
        updated=event.created_at,
        author=author,
        content_html=f"<p>{escape(text)}</p>",
    )
