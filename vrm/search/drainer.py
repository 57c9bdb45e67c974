"""The background drainer: one daemon thread per process applies the outbox to the index.

Why a thread: a post's response must not wait for Whoosh (opening the index, writing,
committing and merging segments cost ~150 ms at 100,000 reviews, most of a post). The
request commits its change and outbox row, wakes the thread and answers; the thread
drains within moments (commit → searchable well under a second).

When it drains:
- at once when it starts, so rows left by a crash are applied with no cron;
- when a commit of this process wrote outbox rows (``wake``);
- every ``interval`` seconds anyway: another process's rows whose drain failed, rows
  kept while the index was busy or a rebuild ran. A look at the outbox costs one
  indexed read-only query; Whoosh is opened only when rows are waiting;
- soon again after a drain that left rows (index busy, more than one drain's worth).

It starts with the first request a process serves and again in a forked child (threads
do not survive ``fork``: gunicorn's ``--preload`` forks after importing the app), never
in the factory. Its failures are logged, never raised: the rows stay for the next round.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from vrm.search.outbox import DrainReport

log = logging.getLogger(__name__)

RETRY_AFTER = 0.2
"""Seconds before draining again when rows are left (the index was busy, say)."""


class Drainer:
    """Drains with DRAIN (a callable doing one outbox.drain) on a thread of its own."""

    def __init__(
        self,
        drain: Callable[[], DrainReport | None],
        *,
        interval: float = 5.0,
        name: str = "parley-search-drainer",
    ) -> None:
        self._drain = drain
        self.interval = interval
        self._name = name
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self.rounds = 0  # drains run so far (tests wait on it)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._pid == os.getpid() and self._thread.is_alive()

    def ensure_started(self) -> None:
        """Start the thread unless this process already runs it (cheap when it does)."""
        if self.running:
            return
        with self._lock:
            if self.running:
                return
            self._stop.clear()
            self._wake.set()  # the first round drains whatever a crash left behind
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._pid = os.getpid()
            self._thread.start()

    def wake(self) -> None:
        """Ask for a drain now (after a commit that wrote outbox rows)."""
        self.ensure_started()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread after its current round (tests; the process exit does it too)."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        delay = 0.0
        while not self._stop.is_set():
            self._wake.wait(delay)
            if self._stop.is_set():
                return
            # Cleared before draining: a commit during this round wakes the next one.
            self._wake.clear()
            report = self._round()
            left = report is not None and (report.pending > 0 and not report.unavailable)
            delay = RETRY_AFTER if left else self.interval

    def _round(self) -> DrainReport | None:
        try:
            return self._drain()
        except Exception:
            log.exception("background search drain failed; rows kept for the next round")
            return None
        finally:
            self.rounds += 1
