"""The outbox: rows written with the change, drained into Whoosh after the commit.

Why an outbox: Whoosh allows one writer at a time, and several workers (or hosts sharing
the index directory) write. A request never waits for, or sees, Whoosh's lock: its change
and its outbox row commit together in the database; then one short-lived writer drains
whatever is waiting. A drainer that cannot get the lock within a moment leaves the rows
for the next drain (the background drainer's next round, see drainer.py). Rows are deleted
only after the Whoosh commit, and each is replayed from the current database state, so
replaying one twice is harmless and an update is never lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from vrm.reviews.models import Review
from vrm.search import index, sources
from vrm.search.documents import doc_key
from vrm.search.models import SearchOutbox
from vrm.suppliers.models import Supplier

log = logging.getLogger(__name__)

DIRTY = "vrm.search.dirty"
"""session.info flag: this transaction wrote outbox rows, so drain after its commit."""

BATCH = 500
MARKER_STALE_AFTER = 6 * 60 * 60


def enqueue(session: Session, doc_type: str, doc_id: int, action: str = "upsert") -> None:
    """Record, in the caller's transaction, that a document must be re-read."""
    session.add(SearchOutbox(doc_type=doc_type, doc_id=doc_id, action=action))
    session.info[DIRTY] = True


@dataclass(frozen=True)
class DrainReport:
    applied: int
    pending: int
    locked: bool = False
    unavailable: bool = False


_reported_unavailable: set[str] = set()


def rebuild_running(base: Path) -> bool:
    marker = base / index.REBUILD_MARKER
    try:
        age = time.time() - marker.stat().st_mtime
    except OSError:
        return False
    return age < MARKER_STALE_AFTER


def drain(
    session_factory: Callable[[], Session],
    base: Path,
    *,
    timeout: float = index.WRITE_TIMEOUT,
    rounds: int = 20,
    read_factory: Callable[[], Session] | None = None,
    progress: Callable[[int], None] | None = None,
) -> DrainReport:
    """Apply waiting outbox rows to the live index; never raises a lock error.

    Documents are read with READ_FACTORY's sessions when given (read-only ones: on
    SQLite they never take the write lock, so posts do not wait while a drain reads);
    only forgetting the applied rows writes, in a transaction of its own. PROGRESS, when
    given, hears how many rows each batch applied.
    """
    read_factory = read_factory or session_factory
    try:
        if not index.exists(base):
            _create_on_first_use(read_factory, base)
        ix = index.open_index(base)
    except index.SearchUnavailable as exc:
        # Once per process and directory: a seed or import commits many times over.
        level = logging.DEBUG if str(base) in _reported_unavailable else logging.WARNING
        _reported_unavailable.add(str(base))
        log.log(
            level,
            "search index unavailable, outbox kept: %s. Run `%s`.",
            exc,
            index.REINDEX_COMMAND,
        )
        return DrainReport(0, _pending(read_factory), unavailable=True)
    _reported_unavailable.discard(str(base))
    applied = 0
    for _ in range(rounds):
        # The Whoosh lock first, then read: a drainer never writes a state older than
        # one another drainer has already written.
        writer = index.open_writer(ix, timeout=timeout)
        if writer is None:
            waiting = _pending(read_factory)
            log.info("search index busy; %d outbox rows left for the next drain", waiting)
            return DrainReport(applied, waiting, locked=True)
        with read_factory() as session:
            rows = session.scalars(
                select(SearchOutbox).order_by(SearchOutbox.id).limit(BATCH)
            ).all()
            ids = [row.id for row in rows]
            upserts, deletes = _documents(session, rows)
            # End the read before writing: SQLite cannot turn a read into a write
            # while another process writes.
            session.rollback()
        if not ids:
            writer.cancel()
            return DrainReport(applied, 0)
        index.write(writer, upserts.values(), deletes)
        if rebuild_running(base) or _swapped(base, ix):
            # A rebuild is reading the database, or has just swapped in a new index:
            # keep the rows so they are replayed into the index that is live.
            return DrainReport(applied + len(ids), len(ids))
        if not forget(session_factory, ids):
            return DrainReport(applied + len(ids), len(ids))
        applied += len(ids)
        if progress is not None:
            progress(len(ids))
    return DrainReport(applied, _pending(read_factory))


def has_pending(read_factory: Callable[[], Session]) -> bool:
    """Whether any row waits: one indexed read, so a periodic look costs next to nothing."""
    with read_factory() as session:
        return session.scalar(select(SearchOutbox.id).limit(1)) is not None


def _create_on_first_use(read_factory: Callable[[], Session], base: Path) -> None:
    """A new install has no index yet: start an empty one, which the drain then fills.

    Only while every document is still waiting in the outbox (as on a new database,
    where nothing was ever drained), so the index this makes is complete. An index lost
    later stays missing, and search says to run `flask search reindex`."""
    if rebuild_running(base):
        return
    with read_factory() as session:
        if not everything_waiting(session):
            return
    name, _ = index.create_fresh(base)
    index.swap(base, name)
    log.info("created an empty search index in %s on first use", base)


def everything_waiting(session: Session) -> bool:
    """Whether every supplier and review has a row in the outbox (true with none)."""

    def unlisted(model: type[Supplier] | type[Review], doc_type: str) -> bool:
        listed = exists().where(
            and_(SearchOutbox.doc_type == doc_type, SearchOutbox.doc_id == model.id)
        )
        return session.scalar(select(model.id).where(~listed).limit(1)) is not None

    return not unlisted(Supplier, "supplier") and not unlisted(Review, "review")


def forget(session_factory: Callable[[], Session], ids: list[int]) -> bool:
    """Delete applied rows; if the database is too busy, they are replayed later."""
    try:
        with session_factory() as session:
            session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(ids)))
            session.commit()
    except OperationalError as exc:
        log.info("outbox rows applied but not yet deleted (%s); they will be replayed", exc)
        return False
    return True


def _swapped(base: Path, ix: object) -> bool:
    try:
        return index.live_path(base) != Path(ix.storage.folder)  # type: ignore[attr-defined]
    except index.SearchUnavailable:
        return True


def _documents(
    session: Session, rows: Sequence[SearchOutbox]
) -> tuple[dict[str, dict[str, object]], set[str]]:
    upserts: dict[str, dict[str, object]] = {}
    deletes: set[str] = set()
    for doc_type, doc_id in dict.fromkeys((r.doc_type, r.doc_id) for r in rows):
        key = doc_key(doc_type, doc_id)
        # The current state decides, whatever the row's action said: one visibility rule.
        if doc_type == "supplier":
            document = sources.supplier_document_for(session, doc_id)
        else:
            document = sources.review_document_for(session, doc_id)
        if document is None:
            deletes.add(key)
        else:
            upserts[key] = document
    return upserts, deletes


def _pending(session_factory: Callable[[], Session]) -> int:
    with session_factory() as session:
        return pending_count(session)


def pending_count(session: Session) -> int:
    """How many outbox rows wait to be applied."""
    return int(session.scalar(select(func.count()).select_from(SearchOutbox)) or 0)
