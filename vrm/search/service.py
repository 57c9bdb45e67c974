"""Searching, for the page, the API and feeds: the backend finds, the database confirms.

Each hit on the page is checked against the one visibility rule before it is shown, so a
withdrawn or hidden review is gone from results the moment its change commits, even if
the index has not caught up yet.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from sqlalchemy.orm import Session

from vrm.search import index, outbox, searching, sources
from vrm.search.backend import get_backend
from vrm.search.index import SearchUnavailable
from vrm.search.searching import SearchRequest, SearchResults

log = logging.getLogger(__name__)

__all__ = ["SearchUnavailable", "run_search", "suggest_names"]

_warned: set[str] = set()


def _unavailable(base: Path, exc: SearchUnavailable) -> SearchUnavailable:
    # Say once per process and directory what to run, not on every request.
    if str(base) not in _warned:
        _warned.add(str(base))
        log.error("search is unavailable: %s. Run `%s` to rebuild it.", exc, index.REINDEX_COMMAND)
    return exc


def _first_use(base: Path) -> bool:
    """On a new install the first search makes the (empty) index; see outbox.drain."""
    if index.exists(base):
        return False
    from vrm.db import get_db

    return not outbox.drain(get_db().session_factory, base).unavailable


def whoosh_search(base: Path, request: SearchRequest) -> SearchResults:
    """Search the Whoosh index; raises SearchUnavailable when it is missing or damaged."""
    try:
        results = searching.search(base, request)
    except SearchUnavailable as exc:
        if not _first_use(base):
            raise _unavailable(base, exc) from exc
        results = searching.search(base, request)
    _warned.discard(str(base))
    return results


def whoosh_suggest(base: Path, prefix: str) -> list[str]:
    """Supplier names from the Whoosh index; an unavailable index suggests nothing."""
    try:
        return searching.suggest(base, prefix)
    except SearchUnavailable as exc:
        if _first_use(base):
            return searching.suggest(base, prefix)
        _unavailable(base, exc)
        return []


def run_search(session: Session, request: SearchRequest) -> SearchResults:
    """Search with the app's backend; raises SearchUnavailable when it cannot answer."""
    results = get_backend().search(session, request)
    visible = sources.visible_keys(session, [(h.doc_type, h.doc_id) for h in results.hits])
    hits = [h for h in results.hits if (h.doc_type, h.doc_id) in visible]
    hidden = len(results.hits) - len(hits)
    return dataclasses.replace(results, hits=hits, total=max(0, results.total - hidden))


def suggest_names(session: Session, prefix: str) -> list[str]:
    """Supplier names for the search box, from the app's backend."""
    return get_backend().suggest(session, prefix[:100])
