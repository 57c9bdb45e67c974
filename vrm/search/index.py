"""Where the Whoosh index lives, opening it, and writing to it (searching.py reads it).

Layout of the search directory::

    search/
      current             the name of the live index directory (replaced atomically)
      index-<stamp>/      the live index (and at most one previous one, for open readers)
      rebuilding          present while `flask search reindex` runs (see outbox.drain)

Writers take Whoosh's lock with a short timeout and report False when they could not;
callers keep the work in the outbox, so nobody ever sees a lock error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import os
import secrets
import shutil
import traceback
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index

from vrm.search.schema import build_schema, schema_is_current

log = logging.getLogger(__name__)

POINTER = "current"
REBUILD_MARKER = "rebuilding"
REINDEX_COMMAND = "flask --app app search reindex"
WRITE_TIMEOUT = 2.0


class SearchUnavailable(Exception):
    """The index is missing or unreadable. Search says it is being rebuilt."""


# -- where the index lives ---------------------------------------------------------------


def live_path(base: Path) -> Path:
    """The live index directory named by the pointer file."""
    try:
        name = (base / POINTER).read_text().strip()
    except OSError as exc:
        raise SearchUnavailable(f"no search index in {base}") from exc
    if not name or "/" in name or name.startswith("."):
        raise SearchUnavailable(f"the pointer in {base} is not an index name")
    return base / name


def exists(base: Path) -> bool:
    """Whether an index was ever made here (a damaged one counts)."""
    return (base / POINTER).exists()


def open_index(base: Path) -> index.Index:
    path = live_path(base)
    opened = result_or_error(lambda: open_dir(path))
    if isinstance(opened, str):  # any unreadable index is "being rebuilt", never a 500
        raise SearchUnavailable(f"the search index in {path} cannot be read: {opened}")
    return opened


def open_dir(path: Path) -> index.Index:
    """The index at PATH; the log says once if an older Parley built it."""
    opened = index.open_dir(str(path))
    if str(path) not in _outdated_reported and not schema_is_current(opened.schema):
        _outdated_reported.add(str(path))
        log.warning(
            "the search index in %s was built by an older version of Parley: search works,"
            " but run `%s` to rebuild it with the current fields",
            path,
            REINDEX_COMMAND,
        )
    return opened


_outdated_reported: set[str] = set()


def result_or_error(action: Callable[[], Any], *, logged_as: str | None = None) -> Any:
    """The action's result, or the repr of its error (logged with its traceback, as
    LOGGED_AS, when given: a damaged segment and a bug look alike from outside).

    Whoosh leaves a file open when it fails on a damaged file; the error's traceback is
    kept as text only and the file collected here, quietly, rather than let a
    ResourceWarning surface later somewhere unrelated.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        failure = _attempt(action)
        if isinstance(failure, _Failure):
            gc.collect()
            if logged_as:
                log.error("%s failed:\n%s", logged_as, failure.traceback)
            return failure.detail
        return failure


@dataclass(frozen=True)
class _Failure:
    detail: str
    traceback: str


def _attempt(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except Exception as exc:
        return _Failure(f"{exc!r}", "".join(traceback.format_exception(exc)))


def create_fresh(base: Path) -> tuple[str, index.Index]:
    """A new, empty index beside the live one; swap() makes it live."""
    base.mkdir(parents=True, exist_ok=True)
    name = f"index-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    (base / name).mkdir()
    return name, index.create_in(str(base / name), build_schema())


def swap(base: Path, name: str) -> None:
    """Point `current` at NAME atomically; keep one previous index for open readers."""
    previous = None
    with contextlib.suppress(OSError):
        previous = (base / POINTER).read_text().strip()
    temporary = base / f".{POINTER}.{secrets.token_hex(4)}"
    temporary.write_text(name)
    os.replace(temporary, base / POINTER)
    for old in base.glob("index-*"):
        if old.name not in (name, previous):
            shutil.rmtree(old, ignore_errors=True)


# -- writing --------------------------------------------------------------------------


def _whoosh_values(document: dict[str, Any]) -> dict[str, Any]:
    values = dict(document)
    created = values.get("created_at")
    if isinstance(created, dt.datetime) and created.tzinfo is not None:
        # Whoosh stores naive datetimes; ours are all UTC.
        values["created_at"] = created.astimezone(dt.UTC).replace(tzinfo=None)
    return values


SEGMENT_FILES = {"compound": False}
"""Segments stay as separate files. Whoosh reads a compound segment's parts through
BytesIO copies of its memory map, so every worker held a private copy of the postings
and term files (+400 MB at 100,000 reviews); plain files are read in place, shared
through the page cache."""


def open_writer(ix: index.Index, *, timeout: float = WRITE_TIMEOUT) -> Any | None:
    """Whoosh's single writer, or None if another process holds it past TIMEOUT."""
    try:
        return ix.writer(timeout=timeout, delay=0.05, **SEGMENT_FILES)
    except index.LockError:
        return None


def write(writer: Any, upserts: Iterable[dict[str, Any]], delete_keys: Iterable[str]) -> None:
    """Apply and commit (or cancel, releasing the lock, on any error)."""
    try:
        for key in delete_keys:
            writer.delete_by_term("key", key)
        known = set(writer.schema.names())
        for document in upserts:
            # An index built by an older Parley lacks newer fields (e.g. assurance) until
            # `flask search reindex`: it keeps taking the fields it has meanwhile.
            values = _whoosh_values(document)
            writer.update_document(**{k: v for k, v in values.items() if k in known})
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def bulk_load(ix: index.Index, documents: Iterable[dict[str, Any]], *, procs: int = 1) -> int:
    """Fill a fresh index (no one else writes to it yet); returns the count.

    With PROCS > 1 the analysing is spread over that many processes, each writing its
    own segment; the segments are left unmerged (merging would cost as much again, and
    a search over a few segments costs about the same as over one).
    """
    if procs > 1:
        writer = ix.writer(procs=procs, limitmb=128, multisegment=True, **SEGMENT_FILES)
    else:
        writer = ix.writer(limitmb=256, **SEGMENT_FILES)
    count = 0
    try:
        for document in documents:
            writer.add_document(**_whoosh_values(document))
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


def bulk_procs(documents: int) -> int:
    """How many processes a bulk load of this many documents is worth (one for few)."""
    if documents < 20_000:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))
