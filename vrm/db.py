"""The declarative base, reusable column types, and one session per request.

The session lives on ``flask.g`` and is closed at teardown. Tests swap the session
factory for one bound to a connection in a savepoint, so views that commit only
release a savepoint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from vrm.clock import now

F = TypeVar("F", bound=Callable[..., Any])

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]

NEVER_REUSED_IDS: dict[str, bool] = {"sqlite_autoincrement": True}
"""Table options for a table whose ids appear in URLs, anchors or receipts: SQLite then
never hands an id out twice (AUTOINCREMENT), so a link to an erased member's review never
comes to open someone else's. PostgreSQL's sequences never go back anyway."""

ID_MAX = 2**31 - 1
"""The largest id an INTEGER primary key holds on every database Parley runs on; a
larger one is no row, and must be answered as such before it reaches the database
(PostgreSQL refuses it: a 500)."""


def is_id(value: object) -> bool:
    """Whether VALUE could be a row's id (ids typed into forms are checked with it)."""
    return isinstance(value, int) and 0 < value <= ID_MAX


created_at = Annotated[dt.datetime, mapped_column(UTCDateTime(), default=now)]
timestamp = Annotated[dt.datetime, mapped_column(UTCDateTime())]


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


def make_engine(url: str) -> sa.Engine:
    """Create the engine; SQLite gets WAL, a busy timeout and real savepoints."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 15})
        _tune_sqlite(engine)
        return engine
    engine = sa.create_engine(url, pool_pre_ping=True)
    _tune_postgresql(engine)
    return engine


def _tune_sqlite(engine: sa.Engine) -> None:
    # pysqlite opens transactions lazily and breaks SAVEPOINT; take control of BEGIN
    # ourselves (SQLAlchemy's documented recipe) so per-test savepoints work.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted rows are overwritten with zeros, not left in free pages for anyone who
        # reads the file: erasure must leave nothing (see vrm/members/erasure.py).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    # IMMEDIATE takes the write lock up front: a deferred transaction that reads and
    # then writes fails at once with "database is locked" when another process
    # writes meanwhile, whereas IMMEDIATE waits (busy_timeout). Read-only
    # transactions begin deferred, so they never wait for writers nor block them
    # (WAL), and `query_only` makes a write attempted in one fail loudly.
    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        reading = _is_read_only(conn)
        deferred = reading or conn.info.get(DEFERRED, False)
        if conn.info.get(_QUERY_ONLY, False) != reading:
            # The pragma sticks to the DBAPI connection: change it only when it must,
            # and before BEGIN IMMEDIATE (which counts as a write).
            conn.exec_driver_sql(f"PRAGMA query_only={int(reading)}")
            conn.info[_QUERY_ONLY] = reading
        conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def _tune_postgresql(engine: sa.Engine) -> None:
    # A read-only transaction takes no row locks and refuses writes in the server.
    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if _is_read_only(conn):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")


READ_ONLY = "parley_read_only"
DEFERRED = "parley_deferred"
_QUERY_ONLY = "parley_query_only"


def _is_read_only(conn: sa.Connection) -> bool:
    return bool(conn.get_execution_options().get(READ_ONLY) or conn.info.get(READ_ONLY))


@contextmanager
def read_only(connection: sa.Connection) -> Iterator[sa.Connection]:
    """Within this block the connection's transactions only read: SQLite begins them
    without the write lock, and both databases refuse a write. The mark lives on the
    pooled DBAPI connection, so it is removed on leaving."""
    connection.info[READ_ONLY] = True
    try:
        yield connection
    finally:
        connection.info.pop(READ_ONLY, None)


@contextmanager
def deferred(connection: sa.Connection) -> Iterator[sa.Connection]:
    """Within this block SQLite begins transactions without the write lock, taking it at
    the first write (the tests' outer transaction: other connections may still read)."""
    connection.info[DEFERRED] = True
    try:
        yield connection
    finally:
        connection.info.pop(DEFERRED, None)


class WriteInReadOnlyRequest(RuntimeError):
    """A GET (or HEAD/OPTIONS) request tried to write without declaring it (see writes)."""


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITES = "parley_writes"


def writes(view: F) -> F:
    """Mark a view that writes on GET (the sign-in callback): its session may write.

    Every other GET, HEAD and OPTIONS request reads in a read-only transaction."""
    setattr(view, _WRITES, True)
    return view


def _request_reads_only() -> bool:
    if not has_request_context() or request.method not in SAFE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, _WRITES, False)


_REFUSING = "parley_refuses_writes"  # session.info: what the session's request was


def _refuse_writes(session: Session) -> None:
    """Make a read-only session fail at the first write, whatever the database (the
    tests share one connection, so the database's own refusal cannot be relied on)."""
    session.info[_REFUSING] = f"{request.method} {request.path}"


# Listening on the Session class, not on each request's session: registering two
# listeners per session was a tenth of what a cached page costs.
@event.listens_for(Session, "before_flush")
def _no_flush(session: Session, _context: Any, _instances: Any) -> None:
    if _REFUSING in session.info and (session.new or session.dirty or session.deleted):
        raise WriteInReadOnlyRequest(f"{session.info[_REFUSING]} tried to write")


@event.listens_for(Session, "do_orm_execute")
def _no_dml(state: Any) -> None:
    if _REFUSING in state.session.info and (state.is_insert or state.is_update or state.is_delete):
        raise WriteInReadOnlyRequest(f"{state.session.info[_REFUSING]} tried to write")


class TransactionDuringOutboundCall(RuntimeError):
    """Parley was about to wait on another server with a database transaction open."""


def end_transaction(session: Session) -> None:
    """Commit and end SESSION's transaction before Parley waits on another server.

    A transaction held across an outbound call holds its locks for as long as a stranger's
    server chooses to take (on SQLite, the one write lock: every writer, and every page
    that reads after a write, queues behind it). What was loaded stays usable
    (expire_on_commit=False); the next query opens a new, short transaction."""
    if session.in_transaction():
        session.commit()


def refuse_open_transaction() -> None:
    """Raise unless the request's session is outside any transaction: called by the
    guarded HTTP adapter before every outbound call, so a forgotten end_transaction is
    a loud error in tests rather than a stalled site in production."""
    session = g.get("db_session") if has_app_context() else None
    if session is not None and session.in_transaction():
        raise TransactionDuringOutboundCall(
            "an outbound call was about to be made inside a database transaction; "
            "read first, end the transaction (end_transaction), fetch, then write"
        )


class Database:
    """Owns the engine and the session factory of one app."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.session_factory: sessionmaker[Session] = sessionmaker(
            bind=self.engine, expire_on_commit=False
        )
        # Same pool, but every transaction begins read-only (see _on_begin).
        self.read_session_factory: sessionmaker[Session] = sessionmaker(
            bind=self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    def init_app(self, app: Flask) -> None:
        app.extensions["vrm.db"] = self
        app.teardown_appcontext(_close_session)


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["vrm.db"]  # type: ignore[no-any-return]


def get_session() -> Session:
    """The session of the current app context, opened on first use. A GET request's
    session only reads (unless its view is marked with writes)."""
    if "db_session" not in g:
        database = get_db()
        if _request_reads_only():
            g.db_session = database.read_session_factory()
            _refuse_writes(g.db_session)
        else:
            g.db_session = database.session_factory()
    return g.db_session  # type: ignore[no-any-return]


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def discard_session() -> None:
    """Close the request's session without using it again (after a database error its
    transaction may be unusable: any query raises PendingRollbackError). The next
    get_session() in this request opens a fresh one; teardown closes that as usual."""
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.close()  # returns the connection to the pool, rolled back
    except Exception:  # a broken connection: the pool replaces it
        session.invalidate()
