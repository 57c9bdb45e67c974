"""`flask terms ...` commands. The lead registers ``terms_group`` in vrm/cli.py."""

from __future__ import annotations

import click
from flask.cli import AppGroup


# AppGroup runs each command inside the app context.
@click.group("terms", cls=AppGroup)
def terms_group() -> None:
    """The clause library of terms of engagement."""


@terms_group.command("seed")
def seed_command() -> None:
    """Add the standard clauses that are missing (idempotent)."""
    from vrm.db import get_session
    from vrm.terms.seed import seed_library

    session = get_session()
    added = seed_library(session)
    session.commit()
    click.echo(f"Clause library ready ({added} clauses added).")


@terms_group.command("publish-clause")
@click.argument("identifier")
@click.option("--title", required=True)
@click.option("--text", required=True)
@click.option("--category", required=True)
@click.option("--parameters", default="{}", help="Parameter schema as JSON.")
@click.option("--standard", default=None)
def publish_clause_command(
    identifier: str, title: str, text: str, category: str, parameters: str, standard: str | None
) -> None:
    """Add a clause, or publish the next version of an existing one."""
    import json

    from vrm.db import get_session
    from vrm.errors import DomainError
    from vrm.terms import library

    session = get_session()
    fields = {
        "title": title,
        "text": text,
        "category": category,
        "parameters": json.loads(parameters),
        "standard": standard,
    }
    try:
        clause = library.clause_by_identifier(session, identifier)
        if clause is None:
            version = library.add_clause(session, actor=None, identifier=identifier, **fields)
        else:
            version = library.publish_version(session, actor=None, clause=clause, **fields)
    except DomainError as error:
        raise click.ClickException(error.detail) from error
    session.commit()
    click.echo(f"Published {identifier} v{version.version}.")
