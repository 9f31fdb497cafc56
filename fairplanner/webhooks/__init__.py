"""Webhooks for organizers: subscriptions to the events of their fairs and applications, the
deliveries queued in the transaction of the change (like the outbox), signed as the Standard
Webhooks specification says, and sent by a worker (`flask webhooks run`) with retries."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Queue deliveries on the domain events (fairplanner.events)."""
    from fairplanner.webhooks import handlers

    handlers.connect()
