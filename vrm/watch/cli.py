"""`flask watch replay-shifts`: rebuild change-point state and shifts from the reviews
(after edits and withdrawals, which the online detector does not rewrite)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from vrm.db import get_session
from vrm.suppliers.models import Supplier
from vrm.watch.shifts import replay_supplier


@click.group("watch", cls=AppGroup)
def watch_group() -> None:
    """Watching and change points."""


@watch_group.command("replay-shifts")
@click.option("--supplier", "slug", default=None, help="One supplier's slug (default: all).")
def replay_shifts(slug: str | None) -> None:
    """Rebuild each supplier's change-point state and shifts from its public reviews."""
    session = get_session()
    query = select(Supplier.id).order_by(Supplier.id)
    if slug is not None:
        query = query.where(Supplier.slug == slug)
    ids = list(session.scalars(query))
    if slug is not None and not ids:
        raise click.ClickException(f"No supplier has the slug {slug!r}.")
    shifts = 0
    for supplier_id in ids:
        shifts += len(replay_supplier(session, supplier_id))
        session.commit()  # one short transaction per supplier
    click.echo(f"Replayed {len(ids)} supplier(s): {shifts} shift(s).")
