"""`flask escalation ...`: operators' routes per sector, complaints pages, GOV.UK slugs."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.orm import Session

from vrm.errors import DomainError
from vrm.escalation.routes import NATIONS
from vrm.suppliers.sectors import SECTORS


@click.group("escalation", cls=AppGroup)
def escalation_group() -> None:
    """Routes onward from a review: complaints pages, ombudsmen, operator routes."""


def _done(action: Callable[[Session], str]) -> None:
    """Run ACTION in one transaction; a refused change exits 1 with its reason."""
    from vrm.db import get_session

    session = get_session()
    try:
        message = action(session)
    except DomainError as error:
        session.rollback()
        click.echo(f"Error: {error.detail}", err=True)
        sys.exit(1)
    session.commit()
    click.echo(message)


@escalation_group.command("add")
@click.option("--sector", required=True, type=click.Choice(list(SECTORS)))
@click.option("--title", required=True)
@click.option("--url", required=True, help="An https:// address.")
@click.option("--explanation", default="")
@click.option("--nation", type=click.Choice(list(NATIONS)), default=None)
@with_appcontext
def add_command(sector: str, title: str, url: str, explanation: str, nation: str | None) -> None:
    """Add a route shown for every supplier of SECTOR (in NATION only, if given)."""
    from vrm.escalation.service import add_route

    def add(session: Session) -> str:
        route = add_route(
            session, sector=sector, title=title, url=url, explanation=explanation, nation=nation
        )
        return f"Route {route.id} added."

    _done(add)


@escalation_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every route operators added."""
    from sqlalchemy import select

    from vrm.db import get_session
    from vrm.escalation.models import EscalationRoute

    for route in get_session().scalars(select(EscalationRoute).order_by(EscalationRoute.id)):
        where = f" ({route.nation})" if route.nation else ""
        click.echo(f"{route.id}\t{route.sector}{where}\t{route.title}\t{route.url}")


@escalation_group.command("remove")
@click.argument("route_id", type=int)
@with_appcontext
def remove_command(route_id: int) -> None:
    """Remove the route ROUTE_ID."""
    from vrm.escalation.service import remove_route

    def remove(session: Session) -> str:
        remove_route(session, route_id)
        return f"Route {route_id} removed."

    _done(remove)


@escalation_group.command("complaints-page")
@click.argument("slug")
@click.argument("url", required=False)
@with_appcontext
def complaints_page_command(slug: str, url: str | None) -> None:
    """Record the complaints page of supplier SLUG (no URL: forget it)."""
    from vrm.escalation.service import set_complaints_page

    def save(session: Session) -> str:
        set_complaints_page(session, slug=slug, url=url)
        return "Saved." if url else "Forgotten."

    _done(save)


@escalation_group.command("load-register")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def load_register_command(path: str) -> None:
    """Councils' GOV.UK slugs from mySociety's register of local authorities at PATH."""
    from vrm.escalation.service import load_register_slugs

    _done(lambda s: f"{load_register_slugs(s, path)} councils updated.")
