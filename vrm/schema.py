"""Is the database at the newest migration? The app refuses to serve until it is."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, Response, current_app, request

from vrm.db import get_db, read_only
from vrm.errors import error_page, problem, wants_problem_json
from vrm.settings import PROJECT_ROOT

UPGRADE_COMMAND = "flask --app app db upgrade"


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def head_revisions() -> set[str]:
    script = ScriptDirectory(str(Path(PROJECT_ROOT / "migrations")))
    return set(script.get_heads())


def schema_problem(app: Flask | None = None) -> str | None:
    """None when the schema is current, otherwise what is wrong and what to run."""
    app = app or current_app
    if app.extensions.get("vrm.schema_ok"):
        return None
    with get_db(app).engine.connect() as connection, read_only(connection):
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current == head_revisions():
        app.extensions["vrm.schema_ok"] = True
        return None
    state = "has no tables yet" if not current else "is at an older migration"
    return f"The database {state}. Run `{UPGRADE_COMMAND}` and start Parley again."


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_unmigrated() -> Response | tuple[str, int] | None:
        if request.endpoint in ("static", "main.healthz"):
            return None
        detail = schema_problem(app)
        if detail is None:
            return None
        if wants_problem_json():
            return problem(503, "Service Unavailable", detail)
        return error_page(
            503, "Parley is not ready", detail, "An operator must upgrade the database."
        )
