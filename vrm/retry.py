"""A bounded retry of a whole request when the database gave up on its transaction.

PostgreSQL aborts one of two transactions that wait on each other (deadlock_detected,
40P01) and, under REPEATABLE READ or SERIALIZABLE, one that raced a concurrent update
(serialization_failure, 40001). Nothing was written and the same request, run again from
the start, normally succeeds: the other transaction has finished by then. Parley's lock
order (review row, then the supplier's aggregates) makes these rare — a supplier merge
racing an edit is one — so a short retry is the right answer, not an error page.
SQLite's "database is locked" (the busy timeout ran out, or a read transaction could not
be upgraded) is retried for the same reason.

Only write requests are retried, and only before anything left the process: views
commit once at the end, so a failure means the whole attempt was rolled back.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, request
from sqlalchemy.exc import DBAPIError

from vrm.db import get_session

log = logging.getLogger(__name__)

ATTEMPTS = 3
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def is_retryable(exc: BaseException) -> bool:
    """Whether EXC means "the database gave up on this transaction; run it again"."""
    if not isinstance(exc, DBAPIError):
        return False
    original = exc.orig
    if getattr(original, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(original)


def retrying(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run a write view again (at most ATTEMPTS times) when is_retryable says so."""

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return view(*args, **kwargs)
            except DBAPIError as exc:
                if attempt == ATTEMPTS or request.method in ("GET", "HEAD"):
                    raise
                if not is_retryable(exc):
                    raise
                log.warning("retrying %s %s (attempt %s): %s", request.method,
                            request.path, attempt, exc.orig)  # fmt: skip
                get_session().rollback()
                time.sleep(random.uniform(0, 0.02 * 2**attempt))
        raise AssertionError("unreachable")

    return run


def init_app(app: Flask) -> None:
    """Wrap every view; a GET never retries (it writes nothing that could conflict)."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = retrying(view)
