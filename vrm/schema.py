"""Is the database at the newest migration? The app refuses to serve until it is.
And what `flask db upgrade` completes once it is (complete_data)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, Response, current_app, request
from sqlalchemy.orm import Session

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


def complete_data(session: Session) -> list[str]:
    """What `flask db upgrade` does after migrating, committed, with a line per step.

    Data, not schema: the ORM's rules (versions, activity) apply, which a migration
    frozen in time could not follow; so it runs only at the newest schema, which the
    models match. Idempotent: a second run changes nothing."""
    from vrm.reputation.ranks import rerank
    from vrm.reputation.service import current_parameters
    from vrm.terms import tally
    from vrm.terms.seed import seed_library

    done = [f"Clause library ready ({seed_library(session)} clauses added)."]
    session.commit()
    # Suppliers reviewed before the league kept its order on write get their keys once.
    ranked = rerank(session, current_parameters(), only_unranked=True)
    session.commit()
    if ranked:
        done.append(f"League order filled in for {ranked} supplier(s).")
    # Suppliers proffered to before the clause tally was kept on write get it once.
    unrefreshed = tally.unrefreshed_supplier_ids(session)
    tally.refresh(session, unrefreshed)
    session.commit()
    if unrefreshed:
        done.append(f"Terms tallies filled in for {len(unrefreshed)} supplier(s).")
    return done


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
