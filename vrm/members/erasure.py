"""What each erasure choice keeps, and making sure the files keep nothing more.

The database rows go in the erasure's transaction (members.service.erase_member and the
features' handlers). Deleted rows can survive in files, though: in SQLite's write-ahead
log until a checkpoint, in free pages unless overwritten (``secure_delete``, set on every
connection in vrm/db.py), and in the search index's segments. scrub_storage, run after the
commit, checkpoints and truncates the log and rewrites the index.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask

from vrm.db import get_db
from vrm.search.backend import get_backend

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErasureChoice:
    value: str
    label: str
    keeps: str
    removes: str


REMOVED_EITHER_WAY = (
    "your handle (kept only as a keyed digest, so nobody else can take it), every linked "
    "identity, your terms and every version of them, your agreements (Parley's too) and "
    "receipts, your reports about suppliers, your helpful marks, your reports (flags) on "
    "reviews, your watches and notifications, your representative claims, and the log of "
    "what you did"
)

KEPT_EITHER_WAY = (
    "What you did for others stays, with nothing naming you: answers you wrote on a "
    "supplier's behalf (shown under the supplier's name), decisions you took as a "
    "supplier's representative or as a moderator (with the reasons you wrote), and "
    "suppliers and library clauses you added."
)

ERASURE_CHOICES = (
    ErasureChoice(
        "everything",
        "Erase everything",
        "Nothing you wrote as yourself. " + KEPT_EITHER_WAY,
        f"Your reviews, every earlier version and their threads (the supplier's answers, "
        f"the changes it claimed and your verdicts); {REMOVED_EITHER_WAY}.",
    ),
    ErasureChoice(
        "keep_reviews",
        "Erase my account, keep my reviews as “a former member”",
        "The text, ratings and earlier versions of your live reviews, their threads (your "
        "replies shown as a former member's), the supplier's answers, the changes it "
        "claimed with your verdicts, and moderators' decisions on them. Nothing links "
        "them to you or to each other. " + KEPT_EITHER_WAY,
        f"Reviews you had withdrawn; {REMOVED_EITHER_WAY}.",
    ),
)


def scrub_storage(app: Flask) -> None:
    """After an erasure committed: leave no copy of what it deleted in any file."""
    engine = get_db(app).engine
    if engine.dialect.name == "sqlite":
        # Outside any transaction (the driver's own connection, autocommit): TRUNCATE
        # copies every page into the database file, then empties the log to zero bytes.
        with engine.raw_connection() as raw:
            busy, _, _ = raw.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).fetchone()
        if busy:
            log.error("erasure: the SQLite log is in use; erased rows stay in it until it is")
    get_backend(app).purge_erased()
