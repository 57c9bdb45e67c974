"""Alembic environment: Parley's metadata, and the URL from the app's settings."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from vrm.db import Base, make_engine
from vrm.models import import_all_models
from vrm.search.postgres.tables import TABLE_NAMES as SEARCH_TABLES
from vrm.settings import Settings

config = context.config
if config.config_file_name and not config.attributes.get("database_url"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

import_all_models()
target_metadata = Base.metadata


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # The PostgreSQL search tables are made by their migration only, on PostgreSQL only
    # (vrm/search/postgres/tables.py); the models' check leaves them out. Indexes on
    # expressions cannot be compared: SQLite cannot reflect them, and PostgreSQL gives
    # them back rewritten (casts added), so they would always differ.
    if type_ == "index" and name in EXPRESSION_INDEXES:
        return False
    return not (type_ == "table" and name in SEARCH_TABLES)


EXPRESSION_INDEXES = frozenset({"ix_reputation_stats_answer_share", "ix_supplier_directory_order"})


def database_url() -> str:
    return config.attributes.get("database_url") or Settings.from_env().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table and drops the old copy; with foreign keys
            # on, SQLite's DROP TABLE deletes every row first and cascades into the rows
            # that refer to them. The pragma is ignored inside a transaction, so it goes
            # to the driver before the first BEGIN; the check below stands in for it.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left broken foreign keys: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
