"""`flask webhooks run`: the worker that sends queued webhook deliveries."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from fairplanner.webhooks.services import run_once

webhooks = AppGroup("webhooks", help="Webhooks to organizers' systems.")


@webhooks.command("run")
@click.option("--once", is_flag=True, help="One pass, then exit (for cron).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
def run(once: bool, interval: float) -> None:
    """Send due deliveries, retrying failures with exponential backoff."""
    while True:
        delivered, failed = run_once()
        if delivered or failed or once:
            click.echo(f"webhooks: {delivered} delivered, {failed} failed")
        if once:
            return
        time.sleep(interval)
