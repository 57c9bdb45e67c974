"""`flask reputation ...`: rebuild every stored reputation figure from the reviews."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from vrm.db import get_session
from vrm.reputation.recompute import counted_reviews_count, recompute_all


@click.group("reputation", cls=AppGroup)
def reputation_group() -> None:
    """Reputation aggregates (scores, trends, league tables)."""


@reputation_group.command("recompute")
def recompute() -> None:
    """Rebuild every supplier's aggregates from the public reviews, in one transaction."""
    session = get_session()
    total = counted_reviews_count(session)
    with click.progressbar(length=total, label="Reviews", show_pos=True) as bar:
        read = recompute_all(session, progress=bar.update)
    session.commit()
    click.echo(f"Recomputed reputation from {read} public reviews.")
