"""The read side of moderation: a review's log, the context a moderator needs, and the
monthly tallies. Nothing here names a reporter; decisions name a role, not a moderator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vrm.moderation.models import ModerationDecision, ModerationTally
from vrm.moderation.rules import ACTIONS, RULES
from vrm.reviews.models import Review

EARLIER_MAX = 5
MONTHS_SHOWN = 24


def decisions_on(session: Session, review_id: int) -> list[ModerationDecision]:
    """The review's public moderation log, oldest first."""
    return list(
        session.scalars(
            select(ModerationDecision)
            .where(ModerationDecision.review_id == review_id)
            .order_by(ModerationDecision.created_at, ModerationDecision.id)
        )
    )


def earlier_decisions(session: Session, review: Review) -> list[ModerationDecision]:
    """The newest decisions on other reviews by the same author or of the same supplier."""
    return list(
        session.scalars(
            select(ModerationDecision)
            .join(Review, Review.id == ModerationDecision.review_id)
            .where(
                ModerationDecision.review_id != review.id,
                or_(Review.author_id == review.author_id, Review.supplier_id == review.supplier_id),
            )
            .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
            .limit(EARLIER_MAX)
        )
    )


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    counts: dict[tuple[str, str], int]  # (action, rule) -> decisions
    total: int


@dataclass(frozen=True)
class Transparency:
    columns: list[tuple[str, str]]  # (action, rule) pairs that occur, in a stable order
    months: list[MonthRow]
    totals: dict[tuple[str, str], int]


def transparency(session: Session) -> Transparency:
    """Decisions per month, action and rule, from the tallies kept on write."""
    newest = session.scalar(select(ModerationTally.month).order_by(ModerationTally.month.desc()))
    rows = []
    if newest is not None:
        since = dt.date(newest.year - MONTHS_SHOWN // 12, newest.month, 1)
        rows = list(session.scalars(select(ModerationTally).where(ModerationTally.month > since)))
    by_month: dict[dt.date, dict[tuple[str, str], int]] = {}
    totals: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.action, row.rule)
        by_month.setdefault(row.month, {})[key] = row.n
        totals[key] = totals.get(key, 0) + row.n
    order = {rule.code: i for i, rule in enumerate(RULES)}
    actions = list(ACTIONS)
    columns = sorted(totals, key=lambda k: (actions.index(k[0]), order.get(k[1], 99), k[1]))
    months = [
        MonthRow(month, counts, sum(counts.values()))
        for month, counts in sorted(by_month.items(), reverse=True)
    ]
    return Transparency(columns, months, totals)
