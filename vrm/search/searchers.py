"""Open searchers kept per thread.

Opening a Whoosh index costs more than a typical query, so each thread keeps the
searcher of each index directory it used and only reopens it when the index has a
new generation (one directory listing), or reopens it when ``current`` names another
directory (one small read). Per thread because Whoosh readers seek shared file handles.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

MAX_OPEN = 4
"""Index directories a thread keeps open (tests use many; a deployment uses one)."""

_local = threading.local()


class _Searchers(OrderedDict[str, tuple[Path, Any]]):
    """A thread's open searchers, closed when the thread ends (a dev server's request
    thread, a finished worker thread): segment files are plain open files, and an
    unclosed one would otherwise wait for the garbage collector."""

    def __del__(self) -> None:
        while self:
            _, (_, searcher) = self.popitem()
            _close(searcher)


def _cache() -> _Searchers:
    cache = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = _Searchers()
    return cache


def searcher_for(base: Path, path: Path, open_index: Any) -> Any:
    """The thread's searcher over the index at PATH, reopened if the index changed."""
    cache = _cache()
    key = str(base)
    entry = cache.get(key)
    searcher = None
    if entry is not None and entry[0] == path:
        searcher = _still_current(entry[1])
    if searcher is None:
        forget(base)
        searcher = open_index().searcher()
    cache[key] = (path, searcher)
    cache.move_to_end(key)
    while len(cache) > MAX_OPEN:
        _, (_, oldest) = cache.popitem(last=False)
        _close(oldest)
    return searcher


def _still_current(searcher: Any) -> Any | None:
    """SEARCHER itself while the index has no newer generation, else None.

    Not ``Searcher.refresh()``: it reuses segment readers by segment id, and a commit
    that only deletes keeps the ids, so a withdrawn review would still be found.
    """
    try:
        return searcher if searcher.up_to_date() else None
    except Exception:  # the directory went away or is damaged: reopen (and report) instead
        return None


def forget(base: Path) -> None:
    """Close and drop the thread's searcher for BASE (after a failure, say)."""
    entry = _cache().pop(str(base), None)
    if entry is not None:
        _close(entry[1])


def forget_all() -> None:
    cache = _cache()
    while cache:
        _, (_, searcher) = cache.popitem()
        _close(searcher)


def _close(searcher: Any) -> None:
    with contextlib.suppress(Exception):  # a damaged or deleted index closes as it can
        searcher.close()


__all__ = ["forget", "forget_all", "searcher_for"]
