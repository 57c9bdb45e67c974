"""A review keeps every revision; answers and replies form a public thread under it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from vrm.db import NEVER_REUSED_IDS, Base, created_at, intpk
from vrm.members.models import Member
from vrm.reviews.voices import CODES as VOICE_CODES
from vrm.reviews.voices import voice_label
from vrm.suppliers.models import Supplier

ASPECTS = ("ease", "resolution", "fairness", "respect")
ASPECT_LABELS = {
    "ease": "Ease of dealing with them",
    "resolution": "Resolving the problem",
    "fairness": "Value or fairness",
    "respect": "Respect for my data and terms",
}


def _rating_check(column: str, nullable: bool) -> sa.CheckConstraint:
    condition = f"{column} BETWEEN 1 AND 5"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return sa.CheckConstraint(condition, name=f"{column}_range")


def _voice_check() -> sa.CheckConstraint:
    return sa.CheckConstraint(f"voice IN {VOICE_CODES!r}", name="voice_known")


LISTING_INDEXES = {
    "newest": ("supplier_id", "status", "visibility", "created_at", "id"),
    "rating": ("supplier_id", "status", "visibility", "rating", "created_at", "id"),
    "helpful": ("supplier_id", "status", "visibility", "helpful_count", "created_at", "id"),
}


class Review(Base):
    """The current state of a review; its text history is in ReviewRevision."""

    __tablename__ = "review"
    __table_args__ = (
        _rating_check("rating", False),
        *(_rating_check(f"rating_{aspect}", True) for aspect in ASPECTS),
        sa.CheckConstraint("status IN ('live', 'withdrawn')", name="status_known"),
        sa.CheckConstraint("visibility IN ('public', 'hidden')", name="visibility_known"),
        sa.CheckConstraint(
            "resolution IS NULL OR resolution IN ('resolved', 'not_resolved')",
            name="resolution_known",
        ),
        _voice_check(),
        # One live review per member and supplier; withdrawn ones don't count, nor do
        # reviews that arrived by a merge (a member may have reviewed both suppliers).
        sa.Index(
            "uq_review_live_author_supplier",
            "author_id",
            "supplier_id",
            unique=True,
            sqlite_where=sa.text("status = 'live' AND merged_from_id IS NULL"),
            postgresql_where=sa.text("status = 'live' AND merged_from_id IS NULL"),
        ),
        # The duplicate check on posting (queries.live_review_by): the partial index
        # above cannot serve it, and without this it walks the supplier's reviews.
        sa.Index("ix_review_author_supplier_status", "author_id", "supplier_id", "status"),
        # The supplier page's lists read a page of these in order, never the whole set.
        *(
            sa.Index(f"ix_review_supplier_by_{name}", *columns)
            for name, columns in LISTING_INDEXES.items()
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[intpk]
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("supplier.id"), index=True)
    # Set when a moderator merged the review's first supplier into this one.
    merged_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supplier.id"))
    # None once the author erased their account but chose to leave their reviews, as
    # "a former member": nothing links the review to them, or to their other reviews.
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(16), default="live")
    visibility: Mapped[str] = mapped_column(sa.String(16), default="public")
    visibility_reason: Mapped[str | None] = mapped_column(sa.String(500))
    rating: Mapped[int]
    rating_ease: Mapped[int | None]
    rating_resolution: Mapped[int | None]
    rating_fairness: Mapped[int | None]
    rating_respect: Mapped[int | None]
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)  # Markdown as written
    body_html: Mapped[str] = mapped_column(sa.Text)  # sanitised rendering of body
    experienced_on: Mapped[dt.date]
    branch: Mapped[str | None] = mapped_column(sa.String(200))
    # Whose experience it tells (vrm.reviews.voices): "self", or someone the writer
    # speaks for; labelled on the review.
    voice: Mapped[str] = mapped_column(sa.String(20), default="self", server_default="self")
    revision_count: Mapped[int] = mapped_column(default=1)
    helpful_count: Mapped[int] = mapped_column(default=0)
    resolution: Mapped[str | None] = mapped_column(sa.String(16))
    resolution_at: Mapped[dt.datetime | None]
    first_answer_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at] = mapped_column(index=True)
    edited_at: Mapped[dt.datetime | None]
    withdrawn_at: Mapped[dt.datetime | None]

    supplier: Mapped[Supplier] = relationship(foreign_keys=[supplier_id])
    author: Mapped[Member | None] = relationship()
    revisions: WriteOnlyMapped[ReviewRevision] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ReviewRevision.number"
    )
    messages: Mapped[list[ReviewMessage]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewMessage.id"
    )

    @hybrid_property
    def is_public(self) -> bool:
        """Live and not hidden; public to readers only if its supplier is public too
        (vrm.reviews.queries.public_review_clause, is_public_review)."""
        return self.status == "live" and self.visibility == "public"

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.status == "live", cls.visibility == "public")

    @property
    def voice_label(self) -> str:
        """ "Written by a carer on someone's behalf", or "" for the writer's own."""
        return voice_label(self.voice)

    def aspect_ratings(self) -> dict[str, int | None]:
        return {aspect: getattr(self, f"rating_{aspect}") for aspect in ASPECTS}

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.rating}★ supplier={self.supplier_id}>"


class ReviewRevision(Base):
    """One saved version of a review; never changed once written."""

    __tablename__ = "review_revision"
    __table_args__ = (sa.UniqueConstraint("review_id", "number"), _voice_check())

    id: Mapped[intpk]
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    rating: Mapped[int]
    rating_ease: Mapped[int | None]
    rating_resolution: Mapped[int | None]
    rating_fairness: Mapped[int | None]
    rating_respect: Mapped[int | None]
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    experienced_on: Mapped[dt.date]
    branch: Mapped[str | None] = mapped_column(sa.String(200))
    voice: Mapped[str] = mapped_column(sa.String(20), default="self", server_default="self")
    created_at: Mapped[created_at]


class ReviewMessage(Base):
    """A message in a review's public thread: the supplier's answer or the reviewer's reply.

    A representative writes ``as_supplier``: the message shows under the supplier's name,
    and stays if the representative later leaves.
    """

    __tablename__ = "review_message"
    __table_args__ = (NEVER_REUSED_IDS,)

    id: Mapped[intpk]
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id", ondelete="SET NULL"))
    as_supplier: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    states_change_made: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]

    review: Mapped[Review] = relationship(back_populates="messages")
    author: Mapped[Member | None] = relationship()


class ChangeClaim(Base):
    """A representative's statement that a change was made because of a review, and the
    reviewer's verdict on it (asked again later if they have not answered)."""

    __tablename__ = "change_claim"
    __table_args__ = (
        sa.CheckConstraint(
            "verdict IS NULL OR verdict IN ('confirmed', 'denied')", name="verdict_known"
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[intpk]
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("review_message.id", ondelete="CASCADE"))
    verdict: Mapped[str | None] = mapped_column(sa.String(16))
    verdict_at: Mapped[dt.datetime | None]
    remind_after: Mapped[dt.datetime]
    reminded_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]

    review: Mapped[Review] = relationship()


class HelpfulVote(Base):
    __tablename__ = "helpful_vote"
    __table_args__ = (sa.UniqueConstraint("review_id", "member_id"),)

    id: Mapped[intpk]
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[created_at]


class ReviewFlag(Base):
    """A report that a review breaks the rules. Stored for moderation; the review stays."""

    __tablename__ = "review_flag"
    __table_args__ = (NEVER_REUSED_IDS,)

    id: Mapped[intpk]
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review.id", ondelete="CASCADE"), index=True
    )
    flagged_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL")
    )
    on_behalf_of_supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supplier.id"))
    reason: Mapped[str] = mapped_column(sa.String(1000))
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    created_at: Mapped[created_at]
