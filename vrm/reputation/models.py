"""Stored aggregates behind every reputation figure, kept up to date in O(1) per event.

* ``ReputationSums``: per supplier and dimension ("overall" or an aspect), the decayed
  sufficient statistics of scoring.DecayedCounts (an epoch in days, five sums, five counts).
* ``ReputationStats``: per supplier, the counts behind responsiveness, promises kept and
  terms kept.
* ``ReputationMonth``: per supplier and month, review volume, rating sum (trend chart) and
  the count at each star level (score at each month's end, open data).
* ``ReputationEntry``: per counted review, what it currently contributes. Handlers compare
  a review's present state with its entry, so every update is exact and idempotent, and a
  removal subtracts precisely what was added. It also holds response times, whose median
  is read with one indexed query.

Everything here can be rebuilt from the reviews: ``flask reputation recompute``.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vrm.db import Base

DIMENSIONS = ("overall", "ease", "resolution", "fairness", "respect")


def _supplier_fk() -> sa.ForeignKey:
    return sa.ForeignKey("supplier.id", ondelete="CASCADE")


class ReputationSums(Base):
    __tablename__ = "reputation_sums"

    supplier_id: Mapped[int] = mapped_column(_supplier_fk(), primary_key=True)
    dimension: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    epoch_day: Mapped[float] = mapped_column(sa.Double)
    s1: Mapped[float] = mapped_column(sa.Double, default=0.0)
    s2: Mapped[float] = mapped_column(sa.Double, default=0.0)
    s3: Mapped[float] = mapped_column(sa.Double, default=0.0)
    s4: Mapped[float] = mapped_column(sa.Double, default=0.0)
    s5: Mapped[float] = mapped_column(sa.Double, default=0.0)
    n1: Mapped[int] = mapped_column(default=0)
    n2: Mapped[int] = mapped_column(default=0)
    n3: Mapped[int] = mapped_column(default=0)
    n4: Mapped[int] = mapped_column(default=0)
    n5: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ReputationSums {self.supplier_id}/{self.dimension}>"


# The share of reviews answered, smoothed so a supplier with few reviews is not first or
# last by chance. One SQL text for the index and the home page's ORDER BY: an index on
# an expression serves only a query that spells the same expression.
ANSWER_SHARE = "CAST(answered_count + 1 AS FLOAT) / (review_count + 2)"


class ReputationStats(Base):
    __tablename__ = "reputation_stats"
    __table_args__ = (sa.Index("ix_reputation_stats_answer_share", sa.text(f"({ANSWER_SHARE})")),)

    supplier_id: Mapped[int] = mapped_column(_supplier_fk(), primary_key=True)
    # Whether the supplier was public when these figures were made (a change recomputes).
    supplier_public: Mapped[bool] = mapped_column(default=True)
    review_count: Mapped[int] = mapped_column(default=0)
    answered_count: Mapped[int] = mapped_column(default=0)
    resolved_count: Mapped[int] = mapped_column(default=0)
    not_resolved_count: Mapped[int] = mapped_column(default=0)
    claims_confirmed: Mapped[int] = mapped_column(default=0)
    claims_denied: Mapped[int] = mapped_column(default=0)
    terms_kept: Mapped[int] = mapped_column(default=0)
    terms_broken: Mapped[int] = mapped_column(default=0)
    # The league's order, kept on write (vrm.reputation.ranks): None = not ranked.
    rank_key: Mapped[float | None] = mapped_column(sa.Double, index=True)
    ranked_day: Mapped[float | None] = mapped_column(sa.Double)  # day_number it was computed

    def __repr__(self) -> str:
        return f"<ReputationStats {self.supplier_id} n={self.review_count}>"


class ReputationMonth(Base):
    __tablename__ = "reputation_month"

    supplier_id: Mapped[int] = mapped_column(_supplier_fk(), primary_key=True)
    month: Mapped[dt.date] = mapped_column(primary_key=True)  # the first day of the month
    review_count: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    # Reviews at each star level that month: the open data's score at each month's end
    # is worked out from these, never from the reviews themselves.
    n1: Mapped[int] = mapped_column(default=0, server_default="0")
    n2: Mapped[int] = mapped_column(default=0, server_default="0")
    n3: Mapped[int] = mapped_column(default=0, server_default="0")
    n4: Mapped[int] = mapped_column(default=0, server_default="0")
    n5: Mapped[int] = mapped_column(default=0, server_default="0")


class ReputationEntry(Base):
    """What one counted review contributes. No foreign key to the review on purpose: the
    entry must outlive a deleted review until its contribution is subtracted."""

    __tablename__ = "reputation_entry"
    __table_args__ = (
        sa.Index("ix_reputation_entry_supplier_response", "supplier_id", "response_seconds"),
    )

    review_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    supplier_id: Mapped[int] = mapped_column(_supplier_fk())
    day: Mapped[float] = mapped_column(sa.Double)  # created_at in days since 1970
    month: Mapped[dt.date]
    rating: Mapped[int]
    rating_ease: Mapped[int | None]
    rating_resolution: Mapped[int | None]
    rating_fairness: Mapped[int | None]
    rating_respect: Mapped[int | None]
    response_seconds: Mapped[float | None] = mapped_column(sa.Double)
    resolution: Mapped[str | None] = mapped_column(sa.String(16))
    claims_confirmed: Mapped[int] = mapped_column(default=0)
    claims_denied: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ReputationEntry review={self.review_id} supplier={self.supplier_id}>"


class ReputationSector(Base):
    """Per sector and dimension, the level counts of every public supplier in it: the
    prior a supplier's score shrinks towards, kept on write (tallies.py) so that no page
    adds up a whole sector."""

    __tablename__ = "reputation_sector"

    sector: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    dimension: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    n1: Mapped[int] = mapped_column(default=0)
    n2: Mapped[int] = mapped_column(default=0)
    n3: Mapped[int] = mapped_column(default=0)
    n4: Mapped[int] = mapped_column(default=0)
    n5: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ReputationSector {self.sector}/{self.dimension}>"


class ResponseBucket(Base):
    """Per supplier, how many first answers came within each band of delay (bands a
    quarter of a doubling wide): the median answer time is read from at most a few
    dozen rows, however many reviews the supplier has."""

    __tablename__ = "reputation_response_bucket"

    supplier_id: Mapped[int] = mapped_column(_supplier_fk(), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ResponseBucket {self.supplier_id}/{self.bucket} n={self.count}>"
