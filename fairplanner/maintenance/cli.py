"""`flask maintenance run`: the periodic job (cron), safe on several servers at once."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from fairplanner.db import sqlite_write_intent, utcnow
from fairplanner.extensions import db
from fairplanner.maintenance import services

maintenance = AppGroup("maintenance", help="Periodic housekeeping.")


@maintenance.command("run")
def run() -> None:
    """Purge old sent mail bodies, expired invitations and old webhook deliveries; print
    what was done."""
    days = current_app.config["MAIL_RETENTION_DAYS"]
    # Writes from the start: on SQLite the transaction takes the write lock when it begins.
    token = sqlite_write_intent.set(True)
    try:
        report = services.run(
            now=utcnow(),
            mail_retention_days=days,
            webhook_retention_days=current_app.config["WEBHOOK_RETENTION_DAYS"],
        )
        db.session.commit()
    finally:
        sqlite_write_intent.reset(token)
    if not report.ran:
        click.echo("maintenance: another run is in progress; nothing done")
        return
    click.echo(
        f"maintenance: {report.mail_bodies} sent mail bodies older than {days} days purged, "
        f"{report.invitations} expired invitations deleted, "
        f"{report.revocations} revocations of expired logins deleted, "
        f"{report.deliveries} settled webhook deliveries older than "
        f"{current_app.config['WEBHOOK_RETENTION_DAYS']} days deleted, "
        f"{report.imports} unconfirmed season-plan imports older than a week deleted; "
        "confirmation and reset links are signed, not stored: none to delete"
    )
