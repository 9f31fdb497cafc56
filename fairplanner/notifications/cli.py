"""`flask outbox run`: the worker that sends stored messages."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from fairplanner.notifications.delivery import Mailer
from fairplanner.notifications.services import run_once

outbox = AppGroup("outbox", help="The outgoing mail queue.")


@outbox.command("run")
@click.option("--once", is_flag=True, help="One pass, then exit (for cron).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
def run(once: bool, interval: float) -> None:
    """Send pending messages, retrying failures with exponential backoff."""
    mailer = Mailer(current_app.config, current_app.instance_path)
    while True:
        sent, failed = run_once(mailer)
        if sent or failed or once:
            click.echo(f"outbox: {sent} sent, {failed} failed")
        if once:
            return
        time.sleep(interval)
