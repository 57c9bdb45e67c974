"""`flask suppliers ...`: load the register of UK local authorities, and set member roles."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup, with_appcontext

from vrm.errors import DomainError


@click.group("suppliers", cls=AppGroup)
def suppliers_group() -> None:
    """The supplier directory: imports and moderators."""


@suppliers_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_command(path: str) -> None:
    """Load the UK local authorities register from PATH (run it again: nothing doubles).

    Exits 1 when any row was rejected (the others are imported)."""
    from vrm.db import get_session
    from vrm.suppliers.importer import import_register
    from vrm.suppliers.register import RegisterUnreadable, read_register

    try:
        parsed = read_register(path)
    except RegisterUnreadable as exc:
        click.echo(f"Error: {exc}. Nothing was imported.", err=True)
        sys.exit(1)
    session = get_session()
    with click.progressbar(length=len(parsed.rows), label="Importing councils") as bar:
        report = import_register(session, parsed, progress=bar.update)
    session.commit()
    for line in report.lines():
        click.echo(line)
    if report.rejected:
        # The good rows are in; a script or cron job must still see that some were not.
        sys.exit(1)


@suppliers_group.command("set-role")
@click.argument("handle")
@click.argument("role", type=click.Choice(["moderator", "member"]))
@with_appcontext
def set_role_command(handle: str, role: str) -> None:
    """Make the member HANDLE a moderator, or a plain member again."""
    from vrm.db import get_session
    from vrm.suppliers.service import set_member_role

    session = get_session()
    try:
        member = set_member_role(session, handle=handle, role=role)
    except DomainError as exc:
        click.echo(f"Error: {exc.detail}", err=True)
        sys.exit(1)
    session.commit()
    click.echo(f"@{member.handle} is now a {role}.")
