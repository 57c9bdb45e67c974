"""Advancing the content version when a transaction changed public data.

Why one global counter rather than a version per supplier: a supplier page shows rows of
a dozen features (reviews, answers, members' handles, representatives, terms, scores),
and a per-page dependency list is one more thing to forget when a feature grows. Any
commit that wrote a public table advances the counter, so no cached page can outlive a
change it shows. Writes are rare next to reads, so the hit rate stays high.

The counter is advanced in SQL (``version = version + 1``) just before COMMIT, after
the transaction's last flush: the row lock is held only for the commit itself, so
concurrent writers on PostgreSQL wait for each other for that moment, never longer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from vrm.caching.models import ContentVersion
from vrm.clock import now

CHANGED = "parley_public_change"

# Rows no anonymous page shows: writing only these keeps cached pages. The postgres
# search rows are copies of public rows written in the same transaction (which advances
# the version already), and are written after the version, at the commit.
PRIVATE_TABLES = frozenset(
    {
        "notification",
        "search_outbox",
        "search_document",
        "search_word",
        "content_version",
        "watch",
        "shift_state",
    }
)


_TABLE = ContentVersion.__table__
# Core, on the session's own connection: this read runs on every anonymous page view,
# and the ORM's per-statement work would be most of what a cached page costs.
_READ = select(_TABLE.c.version, _TABLE.c.changed_at).where(_TABLE.c.id == 1)


def current_version(session: Session) -> tuple[int, dt.datetime | None]:
    """The content version as this transaction sees it, and when it last moved."""
    row = session.connection().execute(_READ).first()
    return (row[0], row[1]) if row is not None else (0, None)


def version_key(version: int, changed_at: dt.datetime | None) -> str:
    """The version as cache keys and ETags carry it: the number and when it moved. A
    number alone can come back with other content (a restored backup, another database
    behind the same Redis); the moment it moved does not."""
    return f"{version}@{changed_at.isoformat() if changed_at else '-'}"


def _note_flush(session: Session, _context: UOWTransaction) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(instance, "__tablename__", None)
        if table not in PRIVATE_TABLES and (
            instance not in session.dirty or session.is_modified(instance)
        ):
            session.info[CHANGED] = True
            return


def _note_dml(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in PRIVATE_TABLES:
            state.session.info[CHANGED] = True


def _advance_before_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        # A SAVEPOINT released (begin_nested) also fires before_commit. Taking the row
        # lock there would hold it through the rest of the transaction, while its later
        # statements wait on rows (a sector's tallies) whose holder waits on this row at
        # its own commit: a deadlock. The flag waits for the outermost commit.
        return
    session.flush()  # the last flush may still note a change
    if session.info.pop(CHANGED, False):
        session.execute(
            update(ContentVersion)
            .where(ContentVersion.id == 1)
            .values(version=ContentVersion.version + 1, changed_at=now())
        )


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(CHANGED, None)


def connect() -> None:
    """Listen on every Session; idempotent, so several apps in one process are fine."""
    listeners = (
        ("after_flush", _note_flush),
        ("do_orm_execute", _note_dml),
        ("before_commit", _advance_before_commit),
        ("after_rollback", _forget),
    )
    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
