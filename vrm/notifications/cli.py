"""`flask notifications remind`: ask reviewers again about unanswered change claims."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from vrm.clock import now

# An AppGroup runs each command inside the app context (the database session needs it).
notifications_group = AppGroup("notifications", help="In-app notifications.")


@notifications_group.command("remind")
def remind() -> None:
    """Send every due "Was the change made?" reminder (safe to run from cron)."""
    from vrm.db import get_session
    from vrm.notifications.service import due_change_claim_reminders

    session = get_session()
    due = due_change_claim_reminders(session, now())
    session.commit()
    click.echo(f"{len(due)} reminder(s) sent.")


def init_app(app: Flask) -> None:
    app.cli.add_command(notifications_group)
