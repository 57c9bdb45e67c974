"""Read-side queries for reviews. ``public_reviews`` is the one place that decides which
reviews the public may see; every page, feed, export and API of reviews starts from it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session, selectinload

from vrm.members.models import Identity, Member
from vrm.pagination import MAX_PAGE, Page, whole_number
from vrm.reputation.models import ReputationStats, ReputationSums
from vrm.reviews.assurance import (
    Assurance,
    AssuranceFacts,
    ProviderLevel,
    best_provider,
    grade,
    provider_levels,
)
from vrm.reviews.models import ChangeClaim, HelpfulVote, Review
from vrm.suppliers.models import Supplier

PER_PAGE = 10
SORTS = {
    "newest": (Review.created_at.desc(), Review.id.desc()),
    "oldest": (Review.created_at.asc(), Review.id.asc()),
    "helpful": (Review.helpful_count.desc(), Review.created_at.desc(), Review.id.desc()),
}
SORT_LABELS = {"newest": "Newest first", "oldest": "Oldest first", "helpful": "Most helpful"}
ANSWERED = {"yes": Review.first_answer_at.is_not(None), "no": Review.first_answer_at.is_(None)}


def public_review_clause() -> ColumnElement[bool]:
    """The condition for a public review; needs Supplier joined (public_reviews does it)."""
    return and_(Review.is_public, Supplier.is_public)


def public_reviews(session: Session | None = None) -> Select[Review]:
    """SELECT of every public review: live, not hidden, of a public supplier.

    ``session`` is accepted so callers read uniformly; the select itself needs none.
    """
    return select(Review).join(Review.supplier).where(public_review_clause())


def live_review_by(session: Session, author_id: int, supplier_id: int) -> Review | None:
    """The member's live review of a supplier, public or hidden, if any."""
    return session.scalar(
        select(Review).where(
            Review.author_id == author_id,
            Review.supplier_id == supplier_id,
            Review.status == "live",
        )
    )


def lock_review(session: Session, review_id: int) -> Review | None:
    """Lock the review's row and re-read it from the database.

    Every change to a review, and every fold of it into derived data, runs under this
    lock, so a check ("is it live?") or a fold never acts on a state older than the one
    it writes over. PostgreSQL: SELECT … FOR UPDATE waits for the other writer and then
    returns its committed row; ``populate_existing`` replaces what the identity map held
    from before the lock. SQLite ignores FOR UPDATE: its writers are serialised by
    BEGIN IMMEDIATE (vrm.db), which gives the same guarantee.
    """
    session.flush()  # our own pending changes are in the row we re-read, not lost
    return session.get(Review, review_id, with_for_update=True, populate_existing=True)


def get_public_review(session: Session, review_id: int) -> Review | None:
    return session.scalar(public_reviews(session).where(Review.id == review_id))


def is_public_review(review: Review) -> bool:
    """The same rule as public_reviews, for a review already loaded."""
    return review.is_public and review.supplier.is_public


def paginate(
    session: Session, query: Select[Any], page: int, per_page: int, total: int | None = None
) -> Page:
    """A page of QUERY; TOTAL when the caller knows it, else counted (up to COUNT_LIMIT
    rows when the query is long: pages further on are reached through the filters)."""
    if total is None:
        bounded = query.order_by(None).limit(max(COUNT_LIMIT, page * per_page)).subquery()
        total = session.scalar(select(func.count()).select_from(bounded)) or 0
    items = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, page=page, per_page=per_page, total=total)


def positive_int(raw: Any, default: int, *, maximum: int = MAX_PAGE) -> int | None:
    """Parse a query-string number; None when it is not a whole number from 1 to MAXIMUM."""
    return whole_number(raw, default, maximum)


@dataclasses.dataclass(frozen=True)
class ReviewFilters:
    """The list's filters; bad values fall back to the defaults, never to an error."""

    stars: int | None = None
    answered: str | None = None
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ReviewFilters:
        stars = args.get("stars", "")
        answered = args.get("answered", "")
        sort = args.get("sort", "")
        return cls(
            stars=int(stars) if stars in {"1", "2", "3", "4", "5"} else None,
            answered=answered if answered in ANSWERED else None,
            sort=sort if sort in SORTS else "newest",
            page=positive_int(args.get("page"), 1) or 1,
        )

    def url_args(self) -> dict[str, Any]:
        """The non-default filters, to carry into pagination links."""
        chosen = {"stars": self.stars, "answered": self.answered}
        chosen["sort"] = None if self.sort == "newest" else self.sort
        return {key: value for key, value in chosen.items() if value is not None}


def filtered_reviews(
    session: Session, supplier: Supplier, *, stars: int | None, answered: str | None, sort: str
) -> Select[Review]:
    query = public_reviews(session).where(Review.supplier_id == supplier.id)
    if stars is not None:
        query = query.where(Review.rating == stars)
    if answered is not None:
        query = query.where(ANSWERED[answered])
    return query.order_by(*SORTS[sort])


def filter_counts(session: Session, supplier: Supplier) -> dict[str, Any]:
    """How many public reviews each filter choice would show: read from the reputation
    aggregates, which count exactly the public reviews, so no page counts a supplier's
    reviews one by one."""
    stats = session.get(ReputationStats, supplier.id)
    levels = session.get(ReputationSums, (supplier.id, "overall"))
    by_stars = (
        [int(n) for n in (levels.n1, levels.n2, levels.n3, levels.n4, levels.n5)]
        if levels is not None
        else [0] * 5
    )
    total = stats.review_count if stats is not None else 0
    answered = stats.answered_count if stats is not None else 0
    return {
        "total": total,
        "stars": {n: by_stars[n - 1] for n in range(5, 0, -1)},
        "answered": {"yes": answered, "no": total - answered},
    }


def stored_total(counts: Mapping[str, Any], filters: ReviewFilters) -> int | None:
    """The number of reviews a filter shows, when the stored counts hold it."""
    if filters.stars is None and filters.answered is None:
        return int(counts["total"])
    if filters.answered is None:
        return int(counts["stars"][filters.stars])
    if filters.stars is None:
        return int(counts["answered"][filters.answered])
    return None  # both at once: counted, up to COUNT_LIMIT


COUNT_LIMIT = 1000


def helpful_votes_of(session: Session, viewer: Any, reviews: Sequence[Review]) -> set[int]:
    """Ids among these reviews that the viewer already marked helpful."""
    if not getattr(viewer, "is_authenticated", False) or not reviews:
        return set()
    return set(
        session.scalars(
            select(HelpfulVote.review_id).where(
                HelpfulVote.member_id == viewer.id,
                HelpfulVote.review_id.in_([review.id for review in reviews]),
            )
        )
    )


def cards_context(session: Session, reviews: Sequence[Review], viewer: Any) -> dict[str, Any]:
    """What templates/reviews/_review.html needs beside the reviews themselves."""
    # Imported here: thread.py (the answers feature) may import from this module.
    from vrm.reviews.thread import thread_context

    return {
        "assurances": assurance_of(session, reviews),
        "threads": thread_context(session, reviews, viewer),
        "voted_ids": helpful_votes_of(session, viewer, reviews),
        "viewer_id": viewer.id if getattr(viewer, "is_authenticated", False) else None,
    }


def supplier_reviews_context(
    session: Session, supplier: Supplier, args: Mapping[str, str], viewer: Any
) -> dict[str, Any]:
    """Context for templates/reviews/_supplier_reviews.html on the supplier page."""
    filters = ReviewFilters.from_args(args)
    query = filtered_reviews(
        session, supplier, stars=filters.stars, answered=filters.answered, sort=filters.sort
    ).options(selectinload(Review.author))
    counts = filter_counts(session, supplier)
    total = stored_total(counts, filters)
    page = paginate(session, query, filters.page, PER_PAGE, total)
    if filters.page > page.pages:  # past the end: show the last page rather than nothing
        page = paginate(session, query, page.pages, PER_PAGE, page.total)
    viewer_review = None
    if getattr(viewer, "is_authenticated", False):
        viewer_review = live_review_by(session, viewer.id, supplier.id)
    # Keys are prefixed: the supplier page merges this with other features' contexts.
    return {
        "reviews": page.items,
        "review_page": page,
        "review_filters": filters,
        "review_filter_args": filters.url_args(),
        "review_counts": counts,
        "review_sort_labels": SORT_LABELS,
        "viewer_review": viewer_review,
        **cards_context(session, page.items, viewer),
    }


def member_by_handle(session: Session, handle: str) -> Member | None:
    return session.scalar(select(Member).where(Member.handle == handle.lower()))


def member_public_reviews(session: Session, member: Member, page: int) -> Page:
    query = (
        public_reviews(session)
        .where(Review.author_id == member.id)
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    return paginate(session, query, page, PER_PAGE)


def configured_levels() -> dict[str, ProviderLevel]:
    """Issuer → level of the providers the operator rated (none outside an app)."""
    # Imported here: the settings live on the app, and this module also serves scripts.
    from flask import has_app_context

    from vrm.settings_access import get_settings

    return provider_levels(get_settings().providers) if has_app_context() else {}


def assurance_of(
    session: Session,
    reviews: Sequence[Any],
    levels: Mapping[str, ProviderLevel] | None = None,
) -> dict[int, Assurance]:
    """Each review's assurance grade (vrm.reviews.assurance), in two queries for a page.

    REVIEWS are Review objects or rows with their id, author_id and experienced_on."""
    if not reviews:
        return {}
    levels = configured_levels() if levels is None else levels
    authors = {r.author_id for r in reviews if r.author_id is not None}
    issuers: dict[int, list[str]] = {}
    if authors and levels:
        rows = session.execute(
            select(Identity.member_id, Identity.issuer).where(Identity.member_id.in_(authors))
        )
        for member_id, issuer in rows:
            issuers.setdefault(member_id, []).append(issuer)
    confirmed = set(
        session.scalars(
            select(ChangeClaim.review_id).where(
                ChangeClaim.review_id.in_([r.id for r in reviews]),
                ChangeClaim.verdict == "confirmed",
            )
        )
    )
    return {
        review.id: grade(
            AssuranceFacts(
                provider=best_provider(issuers.get(review.author_id or 0, ()), dict(levels)),
                former_member=review.author_id is None,
                gives_experience_date=review.experienced_on is not None,
                confirmed_change=review.id in confirmed,
            )
        )
        for review in reviews
    }
