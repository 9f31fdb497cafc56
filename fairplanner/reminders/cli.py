"""`flask reminders run`: the daily job (cron), safe to repeat and to run on several servers."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from fairplanner.reminders import services

reminders = AppGroup("reminders", help="Reminder mails and the weekly digest.")


@reminders.command("run")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if today (in Minsk) were this date: for tests and to catch up a missed day.",
)
def run(today: object | None) -> None:
    """Queue the reminders due today that were not sent yet; print a one-line summary."""
    day: date | None = today.date() if today is not None else None  # type: ignore[attr-defined]
    click.echo(services.run(day).line())
