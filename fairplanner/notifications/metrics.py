"""The outbox's gauges for `/metrics`, registered with fairplanner.observability at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select

from fairplanner.extensions import db
from fairplanner.notifications.models import OutboxMessage, OutboxStatus


class OutboxCollector:
    """The outbox's state, read when Prometheus asks (one query)."""

    def collect(self) -> Iterator[Metric]:
        waiting = (OutboxStatus.PENDING, OutboxStatus.SENDING)
        rows = db.session.execute(
            select(OutboxMessage.status, func.count(), func.min(OutboxMessage.created_at))
            .where(OutboxMessage.status.in_((*waiting, OutboxStatus.PARKED)))
            .group_by(OutboxMessage.status)
        ).all()
        depth = sum(count for status, count, _ in rows if status in waiting)
        oldest = min((first for status, _, first in rows if status in waiting), default=None)
        parked = sum(count for status, count, _ in rows if status == OutboxStatus.PARKED)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "fairplanner_outbox_queue_depth",
            "Messages waiting to be sent (pending or being sent).",
            value=depth,
        )
        yield GaugeMetricFamily(
            "fairplanner_outbox_oldest_pending_age_seconds",
            "Age of the oldest message waiting to be sent (0 when none waits).",
            value=max(age, 0.0),
        )
        yield GaugeMetricFamily(
            "fairplanner_outbox_parked_messages",
            "Messages that kept failing and wait for an admin.",
            value=parked,
        )
