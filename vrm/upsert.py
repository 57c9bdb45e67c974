"""Create-if-missing as one statement: ``INSERT … ON CONFLICT``.

A check-then-insert ("SELECT … FOR UPDATE; if nothing, INSERT") is wrong on PostgreSQL:
with no row yet the SELECT locks nothing, so two transactions both insert and the second
fails on the primary key (a 500). An upsert lets the database settle it: the loser waits
for the winner's commit and then inserts nothing (or adds to what the winner wrote).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from vrm.db import Base


def _insert(session: Session, model: type[Base]) -> Any:
    # Both dialects spell ON CONFLICT the same way; only the construct's module differs.
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(model)


def insert_missing(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert each row unless one with its key exists. Callers then lock and read it."""
    if rows:
        session.execute(_insert(session, model).on_conflict_do_nothing(), list(rows))


def add_to_counters(
    session: Session, model: type[Base], key: dict[str, Any], amounts: dict[str, int]
) -> None:
    """Add AMOUNTS to the counters of the row at KEY, creating it with them if missing,
    in one statement (``ON CONFLICT (key) DO UPDATE SET n = n + excluded.n``): there is
    nothing to read, so nothing to lock."""
    statement = _insert(session, model).values(**key, **amounts)
    columns = model.__table__.c
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: columns[name] + statement.excluded[name] for name in amounts},
    )
    session.execute(statement)


def insert_or_update(
    session: Session,
    model: type[Base],
    row: dict[str, Any],
    conflict: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ROW, or, when a row with the same CONFLICT columns exists, set its UPDATE
    columns to ROW's values: one statement (``ON CONFLICT (…) DO UPDATE SET c =
    excluded.c``), so two concurrent first writes cannot both insert."""
    statement = _insert(session, model).values(**row)
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict),
        set_={name: statement.excluded[name] for name in update},
    )
    session.execute(statement)


def insert_new_id(
    session: Session, model: type[Base], row: dict[str, Any], conflict: Sequence[str]
) -> int | None:
    """Insert ROW unless a row with the same CONFLICT columns exists; the new row's id,
    or None when another transaction made it first (then read it: it is committed)."""
    statement = (
        _insert(session, model)
        .values(**row)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(model.__table__.c.id)
    )
    new_id = session.execute(statement).scalar()
    return int(new_id) if new_id is not None else None
