"""Read side of representatives: the supplier page panel, the public log, moderation."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vrm.errors import NotFound
from vrm.members.models import Member
from vrm.representatives.service import open_claim
from vrm.reputation import tallies
from vrm.reputation.models import ReputationStats
from vrm.suppliers.models import ClaimEvent, RepresentativeClaim, Supplier
from vrm.watch.models import Watch


def viewer_id(viewer: Any) -> int | None:
    """The id of a signed-in viewer (a Member or current_user), else None."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return int(viewer.id)


def get_claim(session: Session, claim_id: int) -> RepresentativeClaim:
    claim = session.get(RepresentativeClaim, claim_id)
    if claim is None:
        raise NotFound("There is no such claim.")
    return claim


# ---- Response statistics (pure) ----


@dataclass(frozen=True)
class ResponseStats:
    public_reviews: int
    answered: int
    resolved: int
    median_first_answer: dt.timedelta | None

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.public_reviews if self.public_reviews else None

    @property
    def resolved_share(self) -> float | None:
        return self.resolved / self.public_reviews if self.public_reviews else None


def response_stats(
    rows: Iterable[tuple[dt.datetime, dt.datetime | None, str | None]],
) -> ResponseStats:
    """From (created_at, first_answer_at, resolution) of a supplier's public reviews."""
    count = answered = resolved = 0
    delays: list[dt.timedelta] = []
    for created, first_answer, resolution in rows:
        count += 1
        resolved += resolution == "resolved"
        if first_answer is not None:
            answered += 1
            delays.append(max(first_answer - created, dt.timedelta(0)))
    median = (
        dt.timedelta(seconds=statistics.median(d.total_seconds() for d in delays))
        if delays
        else None
    )
    return ResponseStats(count, answered, resolved, median)


def stored_response_stats(session: Session, supplier_id: int) -> ResponseStats:
    """The same figures as response_stats, read from the reputation aggregates (kept on
    every write), so the supplier page never reads the supplier's reviews for them."""
    counts = session.get(ReputationStats, supplier_id)
    if counts is None or counts.review_count <= 0:
        return ResponseStats(0, 0, 0, None)
    median = tallies.median_response_seconds(session, supplier_id)
    return ResponseStats(
        public_reviews=counts.review_count,
        answered=counts.answered_count,
        resolved=counts.resolved_count,
        median_first_answer=None if median is None else dt.timedelta(seconds=median),
    )


def human_duration(delta: dt.timedelta | None) -> str:
    """A delay as people say it: "under a minute", "40 minutes", "5 hours", "3 days"."""
    if delta is None:
        return "no answers yet"
    seconds = delta.total_seconds()
    if seconds < 60:
        return "under a minute"
    for unit, size, limit in (("minute", 60, 3600), ("hour", 3600, 48 * 3600)):
        if seconds < limit:
            n = round(seconds / size)
            return f"{n} {unit}{'' if n == 1 else 's'}"
    days = round(seconds / 86400)
    return f"{days} day{'' if days == 1 else 's'}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


# ---- The supplier page panel ----


@dataclass(frozen=True)
class SupplierPanel:
    """What templates/representatives/_supplier_panel.html shows; no logic left to Jinja."""

    supplier_slug: str
    supplier_name: str
    stats: ResponseStats
    response_rate_text: str
    median_first_answer_text: str
    resolved_text: str
    representatives: int
    signed_in: bool
    is_representative: bool
    has_pending_claim: bool
    can_claim: bool
    watching: str | None  # the mode of the viewer's watch, if they watch


def supplier_panel_context(session: Session, supplier: Supplier, viewer: Any) -> dict[str, Any]:
    """Context for templates/representatives/_supplier_panel.html on the supplier page:
    ``{"panel": SupplierPanel}``."""
    stats = stored_response_stats(session, supplier.id)
    representatives = session.scalar(
        select(func.count(RepresentativeClaim.id)).where(
            RepresentativeClaim.supplier_id == supplier.id,
            RepresentativeClaim.status == "verified",
        )
    )
    member_id = viewer_id(viewer)
    claim = open_claim(session, member_id, supplier.id) if member_id else None
    watching = (
        session.scalar(
            select(Watch.mode).where(
                Watch.member_id == member_id, Watch.target == f"supplier:{supplier.id}"
            )
        )
        if member_id is not None
        else None
    )
    panel = SupplierPanel(
        supplier_slug=supplier.slug,
        supplier_name=supplier.name,
        stats=stats,
        response_rate_text=percent(stats.response_rate),
        median_first_answer_text=human_duration(stats.median_first_answer),
        resolved_text=percent(stats.resolved_share),
        representatives=representatives or 0,
        signed_in=member_id is not None,
        is_representative=claim is not None and claim.status == "verified",
        has_pending_claim=claim is not None and claim.status == "pending",
        can_claim=member_id is not None and claim is None,
        watching=watching,
    )
    return {"panel": panel}


# ---- Logs and moderation ----


@dataclass(frozen=True)
class LogEntry:
    when: dt.datetime
    action: str  # "granted" | "revoked"
    representative: str
    by: str
    method: str
    detail: str


def public_log(session: Session, supplier: Supplier) -> list[LogEntry]:
    """Grants and revocations of this supplier's representatives, newest first (handles
    only). Withdrawals of never-verified claims are not grants, so they are left out."""
    actor = Member.__table__.alias("actor")
    rows = session.execute(
        select(ClaimEvent, RepresentativeClaim, Member.handle, actor.c.handle, actor.c.role)
        .join(RepresentativeClaim, ClaimEvent.claim_id == RepresentativeClaim.id)
        .join(Member, RepresentativeClaim.member_id == Member.id)
        .outerjoin(actor, ClaimEvent.actor_id == actor.c.id)
        .where(
            RepresentativeClaim.supplier_id == supplier.id,
            ClaimEvent.action.in_(("verified", "revoked")),
        )
        .order_by(ClaimEvent.created_at.desc(), ClaimEvent.id.desc())
    )
    entries = []
    for event, claim, handle, actor_handle, _role in rows:
        if event.action == "revoked" and claim.verified_at is None:
            continue
        entries.append(
            LogEntry(
                when=event.created_at,
                action="granted" if event.action == "verified" else "revoked",
                representative=handle,
                by=actor_handle or "a former member",
                method=claim.method,
                detail=event.detail,
            )
        )
    return entries


def pending_claims(session: Session) -> list[RepresentativeClaim]:
    """Every claim waiting for a decision, oldest first (the moderators' queue)."""
    return list(
        session.scalars(
            select(RepresentativeClaim)
            .where(RepresentativeClaim.status == "pending")
            .order_by(RepresentativeClaim.created_at, RepresentativeClaim.id)
        )
    )


def claim_events(session: Session, claim: RepresentativeClaim) -> list[ClaimEvent]:
    return list(
        session.scalars(
            select(ClaimEvent).where(ClaimEvent.claim_id == claim.id).order_by(ClaimEvent.id)
        )
    )
