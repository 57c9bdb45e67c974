"""`flask` commands: database migrations and demo data."""

from __future__ import annotations

import click
from alembic import command
from flask import Flask
from flask.cli import AppGroup

from vrm.schema import alembic_config
from vrm.settings_access import get_settings
from vrm.suppliers.cli import suppliers_group


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="heads")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (the newest by default), then add the standard
    clause library's missing clauses, so a fresh install is complete (idempotent)."""
    click.echo(f"Migrating the database to {revision}...")
    command.upgrade(alembic_config(get_settings().database_url), revision)
    click.echo(f"Database migrated to {revision}.")
    if revision == "heads":
        _seed_standard_data()


def _seed_standard_data() -> None:
    from vrm.db import get_session
    from vrm.schema import complete_data

    for line in complete_data(get_session()):
        click.echo(line)


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Step the schema back to REVISION."""
    command.downgrade(alembic_config(get_settings().database_url), revision)


@db_group.command("current")
def db_current() -> None:
    """Show the database's migration."""
    command.current(alembic_config(get_settings().database_url))


@click.group("demo", cls=AppGroup)
def demo_group() -> None:
    """Demo data for a newcomer's first look."""


@demo_group.command("seed")
@click.option("--issuer", required=True, help="The demo OpenID provider's issuer.")
@click.option(
    "--register",
    "register_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="The UK local authorities CSV (default: ../shared/data/, else tests/data/).",
)
def demo_seed(issuer: str, register_path: str | None) -> None:
    """Create demo members, suppliers and councils (idempotent)."""
    from vrm.db import get_session
    from vrm.demo import default_register_path, seed

    session = get_session()
    created = seed(session, issuer=issuer, register_path=register_path or default_register_path())
    session.commit()
    click.echo(f"Demo data ready ({created} new records).")


def init_app(app: Flask) -> None:
    from vrm.escalation.cli import escalation_group
    from vrm.notifications import cli as notifications_cli
    from vrm.reputation.cli import reputation_group
    from vrm.search.cli import search_group
    from vrm.terms.cli import terms_group
    from vrm.watch.cli import watch_group

    app.cli.add_command(db_group)
    app.cli.add_command(demo_group)
    app.cli.add_command(suppliers_group)
    app.cli.add_command(terms_group)
    app.cli.add_command(reputation_group)
    app.cli.add_command(search_group)
    app.cli.add_command(watch_group)
    app.cli.add_command(escalation_group)
    notifications_cli.init_app(app)
