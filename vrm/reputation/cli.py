"""`flask reputation ...`: check or rebuild every stored reputation figure from the reviews."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from vrm.db import get_session
from vrm.reputation import ranks
from vrm.reputation.check import find_drift
from vrm.reputation.recompute import counted_reviews_count, recompute_all
from vrm.reputation.service import current_parameters


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


@reputation_group.command("rerank")
@click.option("--only-unranked", is_flag=True, help="Only suppliers never ranked (fast).")
def rerank(only_unranked: bool) -> None:
    """Refresh every supplier's stored league key: scores decay by the day, so run this
    daily (a write refreshes its own supplier's key at once)."""
    session = get_session()
    written = ranks.rerank(session, current_parameters(), only_unranked=only_unranked)
    session.commit()
    click.echo(f"League order refreshed for {written} supplier(s).")


@reputation_group.command("check")
@click.option("--limit", default=50, show_default=True, help="Differences to print at most.")
def check(limit: int) -> None:
    """Compare the stored aggregates with a recompute, changing nothing; exit 1 on drift."""
    session = get_session()
    found = 0
    for drift in find_drift(session):
        found += 1
        if found <= limit:
            click.echo(str(drift))
    session.rollback()  # it only read; end the transaction before the command exits
    if found:
        click.echo(f"{found} stored figure(s) differ; `flask reputation recompute` repairs them.")
        raise SystemExit(1)
    click.echo("Stored reputation matches a recompute.")
