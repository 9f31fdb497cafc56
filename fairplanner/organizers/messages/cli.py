"""`flask messages run`: send the organizer messages whose scheduled time has come."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from fairplanner.organizers.messages.services import run_due

messages = AppGroup("messages", help="Messages from organizers to their applicants.")


@messages.command("run")
def run() -> None:
    """Send every due scheduled message once (cron-friendly; safe to run twice at once)."""
    sent = run_due()
    click.echo(f"messages: {sent} sent")
