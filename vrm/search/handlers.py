"""Signal handlers of the search feature, connected once by the factory.

With the postgres backend each handler marks the documents to re-read, and they are
written just before the sender's transaction commits (postgres/indexing.py); nothing
below about the outbox applies. With Whoosh each handler only writes outbox rows, in the
sender's transaction. Draining happens after
that transaction commits, from SQLAlchemy's ``after_commit`` session event. In a request
(with ``SEARCH_DRAIN = "thread"``, the default) it only wakes the process's background
drainer (drainer.py), so the response never waits for Whoosh; elsewhere (CLI commands,
scripts, and tests with ``SEARCH_DRAIN = "inline"``) it drains before returning:

- The listener is on the ``Session`` class, so it sees sessions of any sessionmaker,
  including the savepoint-bound one the tests swap in (there a "commit" releases a
  savepoint, which also fires ``after_commit`` for that session).
- It only acts for a session whose transaction wrote outbox rows (a ``session.info`` flag),
  and only inside an app context, where it knows the app's index directory.
- It drains with fresh sessions from the app's current session factories: the committing
  session cannot run SQL inside ``after_commit``.
- Draining never raises: a failure is logged and the rows wait for the next drain or
  `flask search sync`.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, has_app_context, has_request_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from vrm import signals
from vrm.reviews.models import Review
from vrm.search.backend import backend_name
from vrm.search.drainer import Drainer
from vrm.search.outbox import DIRTY, DrainReport, drain, enqueue, has_pending
from vrm.search.postgres import indexing

log = logging.getLogger(__name__)


def _postgres() -> bool | None:
    """Whether this app keeps its index in the database (backend.py): then documents are
    written before the commit, in its transaction, instead of through the outbox. None
    outside an app context (a bare script), which cannot know: both are recorded, and a
    commit inside an app context keeps the one its backend uses (_before_commit), or
    `flask search sync` applies the queued rows later."""
    if not has_app_context():
        return None
    return backend_name() == "postgres"


def _record(session: Session, doc_type: str, doc_id: int, action: str = "upsert") -> None:
    postgres = _postgres()
    if postgres is not False:
        indexing.mark(session, doc_type, doc_id)  # re-read at commit: a deleted one is dropped
    if postgres is not True:
        enqueue(session, doc_type, doc_id, action)


def _supplier_and_reviews(session: Session, supplier_id: int) -> None:
    # Reviews carry their supplier's name and facets, so they follow its changes.
    postgres = _postgres()
    if postgres is not False:
        indexing.mark(session, indexing.SUPPLIER, supplier_id)
        indexing.mark(session, indexing.SUPPLIER_REVIEWS, supplier_id)
    if postgres is True:
        return
    enqueue(session, "supplier", supplier_id)
    for review_id in session.scalars(select(Review.id).where(Review.supplier_id == supplier_id)):
        enqueue(session, "review", review_id)


def on_supplier_created(supplier: Any, *, session: Session, **_: Any) -> None:
    session.flush()
    _record(session, "supplier", supplier.id)


def on_supplier_changed(supplier: Any, *, session: Session, **_: Any) -> None:
    session.flush()
    _supplier_and_reviews(session, supplier.id)


def on_supplier_merged(
    source: Any, *, session: Session, into: Any, moved_review_ids: Any = (), **_: Any
) -> None:
    session.flush()
    _record(session, "supplier", source.id, "delete")
    _supplier_and_reviews(session, into.id)
    for review_id in moved_review_ids or ():
        _record(session, "review", review_id)


def on_review_changed(review: Any, *, session: Session, **_: Any) -> None:
    session.flush()
    _record(session, "review", review.id)
    _record(session, "supplier", review.supplier_id)  # its average rating moved


def on_change_claim_answered(claim: Any, *, session: Session, **_: Any) -> None:
    # A confirmed change lifts the review's assurance grade, a search facet.
    session.flush()
    _record(session, "review", claim.review_id)


def on_member_identities_changed(member: Any, *, session: Session, **_: Any) -> None:
    # The member's reviews' assurance grade (a search facet) follows their identities.
    for review_id in session.scalars(select(Review.id).where(Review.author_id == member.id)):
        _record(session, "review", review_id)


def on_review_withdrawn(review: Any, *, session: Session, **_: Any) -> None:
    session.flush()
    _record(session, "review", review.id, "delete")
    _record(session, "supplier", review.supplier_id)


def _before_commit(session: Session) -> None:
    # The postgres backend's rows go in the committing transaction (also when a test's
    # savepoint is released: the documents then commit and roll back with the test), at
    # its outermost commit only, and after the content version's listener (init_app):
    # every writer then locks content_version before any search row, never the reverse,
    # which deadlocked a review posted (the version taken at its savepoint) against an
    # edit of its supplier (which rewrites the rows of all its reviews).
    if session.get_nested_transaction() is not None or not session.info.get(indexing.MARKED):
        return
    if not has_app_context():
        return  # a savepoint released in a script: kept for the commit that has one
    if backend_name() != "postgres":
        session.info.pop(indexing.MARKED, None)  # Whoosh: the outbox rows carry them
        return
    if session.info.pop(DIRTY, False):
        # Marked outside an app context, so queued too: written now, nothing waits.
        indexing.forget_queued(session)
    indexing.write_marked(session)


def _after_commit(session: Session) -> None:
    # SQLAlchemy also emits after_commit when a SAVEPOINT (begin_nested) is released;
    # the outer transaction still holds the write lock then, so wait for its commit.
    if session.get_nested_transaction() is not None:
        return
    if not session.info.pop(DIRTY, False) or not has_app_context():
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if backend_name(app) == "postgres":
        return  # no Whoosh index to feed; `flask search sync` applies stray rows
    if has_request_context() and app.config.get("SEARCH_DRAIN") == "thread":
        drainer(app).wake()
        return
    try:
        _drain_now(app)
    except Exception:
        log.exception("search outbox drain failed; rows kept for the next drain")


def _drain_now(app: Flask) -> DrainReport:
    from vrm.db import get_db
    from vrm.search.location import index_dir

    database = get_db(app)
    return drain(
        database.session_factory, index_dir(app), read_factory=database.read_session_factory
    )


def _background_round(app: Flask) -> DrainReport | None:
    from vrm.db import get_db

    if backend_name(app) == "postgres":
        return None  # the index is the rows: nothing to drain, no files made
    if not has_pending(get_db(app).read_session_factory):
        return None  # nothing waits: Whoosh is not even opened
    return _drain_now(app)


DRAINER = "vrm.search.drainer"


def drainer(app: Flask) -> Drainer:
    """The app's background drainer (see init_app)."""
    return app.extensions[DRAINER]  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    """Give the app its drainer; with SEARCH_DRAIN = "thread" the first request a process
    serves starts it (and so drains what a crash left), not the factory. The factory calls
    this after connecting every feature's handlers and the content version's listeners,
    so the postgres rows are written after the version is advanced (_before_commit)."""
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
    app.extensions[DRAINER] = Drainer(
        lambda: _background_round(app), interval=float(app.config.get("SEARCH_DRAIN_INTERVAL", 5))
    )
    if app.config.get("SEARCH_DRAIN") == "thread":
        app.before_request(app.extensions[DRAINER].ensure_started)


def _after_rollback(session: Session, previous: Any) -> None:
    session.info.pop(DIRTY, None)
    if not previous.nested:  # a savepoint's rollback keeps the marks made before it
        session.info.pop(indexing.MARKED, None)


def connect() -> None:
    """Connect this feature's handlers to the domain signals (idempotent)."""
    signals.supplier_created.connect(on_supplier_created)
    signals.supplier_changed.connect(on_supplier_changed)
    signals.supplier_merged.connect(on_supplier_merged)
    signals.review_posted.connect(on_review_changed)
    signals.review_edited.connect(on_review_changed)
    signals.review_restored.connect(on_review_changed)
    signals.review_withdrawn.connect(on_review_withdrawn)
    signals.change_claim_answered.connect(on_change_claim_answered)
    signals.member_identities_changed.connect(on_member_identities_changed)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
