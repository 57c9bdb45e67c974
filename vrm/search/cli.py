"""`flask search ...`: rebuild the index, drain the outbox, report its state."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from vrm.db import get_db
from vrm.search import index, outbox, rebuild
from vrm.search.backend import backend_name
from vrm.search.location import index_dir
from vrm.search.postgres import indexing


@click.group("search", cls=AppGroup)
def search_group() -> None:
    """Full-text search index (Whoosh, or PostgreSQL with PARLEY_SEARCH_BACKEND=postgres)."""


@search_group.command("reindex")
def reindex() -> None:
    """Rebuild the index from the database into a fresh directory and swap it in."""
    database = get_db()
    if backend_name() == "postgres":
        _reindex_postgres()
        return
    base = index_dir(current_app)
    total = rebuild.expected_documents(database.read_session_factory)
    try:
        with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
            report = rebuild.rebuild(
                database.session_factory,
                base,
                progress=bar.update,
                read_factory=database.read_session_factory,
            )
    except rebuild.RebuildRunning as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Indexed {report.documents} documents in {report.seconds:.1f}s into {base / report.name};"
        f" applied {report.replayed} changes made meanwhile."
    )
    if report.pending:
        click.echo(f"{report.pending} changes still waiting: run `flask --app app search sync`.")
        raise SystemExit(1)


def _reindex_postgres() -> None:
    """Rewrite every search_document row in one transaction: searches see the old rows
    until it commits, and writes meanwhile wait for it only on the rows they touch."""
    database = get_db()
    started = time.perf_counter()
    written = indexing.reindex(database.session_factory, database.read_session_factory)
    seconds = time.perf_counter() - started
    click.echo(f"Indexed {written} documents in {seconds:.1f}s into PostgreSQL (search_document).")


@search_group.command("sync")
def sync() -> None:
    """Apply waiting changes (the outbox) to the index; safe to run from cron.

    Exits 1 when changes are left waiting (the index was busy or is missing)."""
    database = get_db()
    if backend_name() == "postgres":
        # Rows are queued only by writes made outside an app context (a bare script).
        with database.session_factory() as session:
            applied = indexing.apply_queued(session)
            session.commit()
        click.echo(
            f"Applied {applied} queued changes; the postgres backend indexes in each"
            " write's own transaction."
        )
        return
    with database.read_session_factory() as session:
        waiting = outbox.pending_count(session)
    click.echo(f"{waiting} changes waiting.")
    with click.progressbar(length=waiting, label="Applying", show_pos=True) as bar:
        report = outbox.drain(
            database.session_factory,
            index_dir(current_app),
            timeout=30.0,
            rounds=rebuild.ALL_ROUNDS,
            read_factory=database.read_session_factory,
            progress=bar.update,
        )
    if report.unavailable:
        raise click.ClickException(f"No usable search index. Run `{index.REINDEX_COMMAND}`.")
    message = f"Applied {report.applied} changes; {report.pending} waiting."
    if report.locked:
        message += " The index was busy; run again shortly."
    click.echo(message)
    if report.pending:
        raise SystemExit(1)
