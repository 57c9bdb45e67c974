"""Rebuilding the index from the database into a fresh directory, then swapping it in.

Searches keep using the old index until the pointer file is replaced (atomically). While
the rebuild runs, drains still update the old index but keep their outbox rows; after
the swap those rows are replayed into the new index, so nothing committed meanwhile is
lost. Rows already waiting when the rebuild began are covered by it (it reads the
database after them), so they are forgotten, not replayed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from vrm.search import index, outbox, sources
from vrm.search.models import SearchOutbox


class RebuildRunning(Exception):
    """Another rebuild holds the marker file."""


@dataclass(frozen=True)
class RebuildReport:
    name: str
    documents: int
    seconds: float
    replayed: int
    """Changes committed while the rebuild ran, applied to the new index after it."""
    pending: int = 0
    """Changes still waiting (another writer held the index): `flask search sync`."""


def expected_documents(read_factory: Callable[[], Session]) -> int:
    with read_factory() as session:
        return sources.count_documents(session)


def _counted(
    documents: Iterable[dict[str, object]], progress: Callable[[int], None] | None
) -> Iterator[dict[str, object]]:
    for document in documents:
        yield document
        if progress is not None:
            progress(1)


def rebuild(
    session_factory: Callable[[], Session],
    base: Path,
    *,
    progress: Callable[[int], None] | None = None,
    read_factory: Callable[[], Session] | None = None,
) -> RebuildReport:
    """Build a new index from the database and make it live.

    Reads with READ_FACTORY's sessions when given (read-only: pass the app's
    read_session_factory), a short transaction per batch: the site goes on writing while
    a rebuild runs. SESSION_FACTORY writes only to forget the replayed outbox rows."""
    read_factory = read_factory or session_factory
    base.mkdir(parents=True, exist_ok=True)
    marker = base / index.REBUILD_MARKER
    if outbox.rebuild_running(base):
        raise RebuildRunning(f"{marker} exists: another rebuild is running (or crashed; delete it)")
    marker.write_text(f"{os.getpid()} {time.time()}\n")
    started = time.monotonic()
    try:
        covered = _waiting_ids(read_factory)
        name, ix = index.create_fresh(base)
        with read_factory() as session:
            procs = index.bulk_procs(sources.count_documents(session))
        documents = _counted(sources.all_documents(read_factory), progress)
        count = index.bulk_load(ix, documents, procs=procs)
        index.swap(base, name)
    finally:
        marker.unlink(missing_ok=True)
    outbox.forget(session_factory, covered)
    report = outbox.drain(
        session_factory, base, timeout=30.0, rounds=ALL_ROUNDS, read_factory=read_factory
    )
    seconds = time.monotonic() - started
    return RebuildReport(name, count, seconds, report.applied, report.pending)


ALL_ROUNDS = 1_000_000
"""Drain until nothing waits (each round is one batch, ended early when none are left)."""


def _waiting_ids(read_factory: Callable[[], Session]) -> list[int]:
    # Committed before the rebuild reads anything, so every later read sees their changes.
    with read_factory() as session:
        return list(session.scalars(select(SearchOutbox.id)))
