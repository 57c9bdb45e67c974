"""After an erasure: no erased word may stay anywhere in the index's files.

Deleting a Whoosh document only marks it deleted; its words stay in the segment's term
lists, where "did you mean" (which reads terms, not documents) would still offer them,
and anyone reading the files would find them. So after the erasure commits, the outbox
is drained (the deletions applied) and every segment is rewritten without its deleted
documents (an optimising commit), and index directories other than the live one (kept
for readers open during a rebuild) are removed.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from vrm.search import index
from vrm.search.outbox import drain

log = logging.getLogger(__name__)

PURGE_TIMEOUT = 30.0
"""Erasure waits longer than an ordinary drain for Whoosh's lock: it must not give up."""


def purge_erased(session_factory: Callable[[], Session], base: Path) -> bool:
    """Apply waiting deletions and rewrite the index without deleted documents. False
    (and an error in the log) when the index was busy past PURGE_TIMEOUT; `flask search
    reindex` then does the same. True when there is no index to purge."""
    report = drain(session_factory, base, timeout=PURGE_TIMEOUT)
    if report.unavailable:
        return True
    if report.locked:
        log.error("erasure: search index busy, erased words may remain until a reindex")
        return False
    ix = index.open_index(base)
    writer = index.open_writer(ix, timeout=PURGE_TIMEOUT)
    if writer is None:
        log.error("erasure: search index busy, erased words may remain until a reindex")
        return False
    writer.commit(optimize=True)  # every segment rewritten, deleted documents left out
    live = index.live_path(base)
    for other in base.glob("index-*"):
        if other != live:
            shutil.rmtree(other, ignore_errors=True)
    return True
