"""Every moderation decision on a review, and the monthly tallies kept on write.

A decision keeps its moderator for audit, but no page ever shows who: the public sees
the role ("a moderator"). Reporters are not named here at all, only counted.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrm.db import Base, created_at, intpk
from vrm.reviews.models import Review


class ModerationDecision(Base):
    """One decision: a review hidden, restored, or its reports dismissed; never changed."""

    __tablename__ = "moderation_decision"
    __table_args__ = (
        sa.CheckConstraint("action IN ('hidden', 'restored', 'dismissed')", name="action_known"),
    )

    id: Mapped[intpk]
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(16))
    rule: Mapped[str] = mapped_column(sa.String(40))
    # For the review's author only (the tombstone shows the rule to everyone else).
    note: Mapped[str | None] = mapped_column(sa.String(500))
    moderator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL")
    )
    reports: Mapped[int] = mapped_column(default=0)  # reports this decision closed
    supplier_reports: Mapped[int] = mapped_column(default=0)  # of which the supplier's
    created_at: Mapped[created_at] = mapped_column(index=True)

    review: Mapped[Review] = relationship()

    def __repr__(self) -> str:
        return f"<ModerationDecision {self.id} {self.action} {self.rule} review={self.review_id}>"


class ModerationTally(Base):
    """Decisions per month, action and rule: the transparency page reads only these."""

    __tablename__ = "moderation_tally"

    month: Mapped[dt.date] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    rule: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
