"""Mail: the outbox (queued in the transaction of its cause, delivered by a worker), the
messages about applications, accounts and fairs, and the receivers of the domain events
(fairplanner.events) that queue them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Subscribe the mail to the domain events and the outbox's gauges to `/metrics`."""
    from fairplanner.notifications import handlers
    from fairplanner.notifications.metrics import OutboxCollector
    from fairplanner.observability.metrics import register_collector

    handlers.connect()
    register_collector(app, OutboxCollector)
