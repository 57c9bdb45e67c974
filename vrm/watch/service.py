"""Watching and unwatching: each member watches a target at most once (an upsert keyed on
member and target), in one of two modes — every new review, or only real shifts."""

from __future__ import annotations

import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vrm.errors import DomainError
from vrm.members.models import Member
from vrm.upsert import insert_or_update
from vrm.watch.models import MODES, Watch
from vrm.watch.targets import Target

log = logging.getLogger(__name__)


def watch(session: Session, *, member: Member, target: Target, mode: str = "every") -> Watch:
    """Watch TARGET in MODE; watching it again only changes the mode."""
    if mode not in MODES:
        raise DomainError("Choose every new review, or only real shifts.", field="mode")
    insert_or_update(
        session,
        Watch,
        {"member_id": member.id, "mode": mode, **target.columns()},
        conflict=("member_id", "target"),
        update=("mode",),
    )
    found = session.scalar(
        select(Watch)
        .where(Watch.member_id == member.id, Watch.target == target.key)
        .execution_options(populate_existing=True)
    )
    assert found is not None, "just inserted or updated"
    log.info("member %s watches %s (%s)", member.id, target.key, mode)
    return found


def unwatch(session: Session, *, member: Member, watch_id: int) -> bool:
    """Stop one of the member's watches (someone else's id does nothing)."""
    result = session.execute(
        delete(Watch)
        .where(Watch.id == watch_id, Watch.member_id == member.id)
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def unwatch_target(session: Session, *, member: Member, target: Target) -> None:
    session.execute(
        delete(Watch)
        .where(Watch.member_id == member.id, Watch.target == target.key)
        .execution_options(synchronize_session="fetch")
    )


def watching(session: Session, member_id: int | None, target_key: str) -> Watch | None:
    if member_id is None:
        return None
    return session.scalar(
        select(Watch).where(Watch.member_id == member_id, Watch.target == target_key)
    )


def watches_of(session: Session, member_id: int, limit: int = 500) -> list[Watch]:
    """The member's watches, newest first (bounded: the page lists them all)."""
    return list(
        session.scalars(
            select(Watch)
            .where(Watch.member_id == member_id)
            .order_by(Watch.created_at.desc(), Watch.id.desc())
            .limit(limit)
        )
    )
