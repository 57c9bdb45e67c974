"""The schema exists only through migrations, so they must match the models exactly."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory

from vrm.schema import alembic_config


def test_one_line_of_migrations(database_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(database_url))
    assert len(script.get_heads()) == 1


def test_models_and_migrations_agree(database_url: str) -> None:
    command.check(alembic_config(database_url))  # raises when autogenerate finds a difference
