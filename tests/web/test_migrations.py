"""The schema exists only through migrations, so they must match the models exactly."""

from __future__ import annotations

import warnings

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SAWarning

from vrm.schema import alembic_config


def test_one_line_of_migrations(database_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(database_url))
    assert len(script.get_heads()) == 1


def test_models_and_migrations_agree(database_url: str) -> None:
    with warnings.catch_warnings():
        # SQLite's reflection cannot read an index on an expression; migrations/env.py
        # leaves those out of the comparison (EXPRESSION_INDEXES).
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        command.check(alembic_config(database_url))  # raises when autogenerate finds a difference


def test_the_expression_indexes_the_comparison_leaves_out_exist(db_session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    sqlite = db_session.get_bind().dialect.name == "sqlite"
    names = set(
        db_session.scalars(
            text("SELECT name FROM sqlite_master WHERE type = 'index'")
            if sqlite
            else text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        )
    )
    assert {"ix_reputation_stats_answer_share", "ix_supplier_directory_order"} <= names
