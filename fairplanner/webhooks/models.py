"""Webhook subscriptions of organizers and their deliveries (one row per event and target)."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.db import UTCDateTime, db_enum, utcnow
from fairplanner.extensions import db
from fairplanner.titles import TitledEnum


class WebhookEvent(TitledEnum):
    APPLICATION_SUBMITTED = "application.submitted"
    APPLICATION_CHANGED = "application.changed"
    APPLICATION_DECIDED = "application.decided"
    APPLICATION_WITHDRAWN = "application.withdrawn"
    FAIR_PUBLISHED = "fair.published"
    FAIR_CHANGED = "fair.changed"
    FAIR_CANCELLED = "fair.cancelled"
    PROGRAMME_CHANGED = "programme.changed"
    __titles__ = MappingProxyType(
        {
            APPLICATION_SUBMITTED: _l("An application was submitted"),
            APPLICATION_CHANGED: _l("An application was changed"),
            APPLICATION_DECIDED: _l("An application was decided on"),
            APPLICATION_WITHDRAWN: _l("An application was withdrawn"),
            FAIR_PUBLISHED: _l("A fair was published"),
            FAIR_CHANGED: _l("A fair was changed"),
            FAIR_CANCELLED: _l("A fair was cancelled"),
            PROGRAMME_CHANGED: _l("A fair's programme was changed"),
        }
    )


class DeliveryStatus(TitledEnum):
    PENDING = "pending"  # waiting for the worker (maybe after a failed attempt)
    SENDING = "sending"  # claimed by a worker
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # out of attempts, refused target, or its subscription was disabled
    __titles__ = MappingProxyType(
        {
            PENDING: _l("Waiting to be sent"),
            SENDING: _l("Being sent"),
            DELIVERED: _l("Delivered"),
            FAILED: _l("Failed"),
        }
    )


class WebhookSubscription(db.Model):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizers.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    # Standard Webhooks: "whsec_" + base64 of the random key; shown to the organizer's staff.
    secret: Mapped[str] = mapped_column(String(100))
    # Values of WebhookEvent.
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="subscription", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookDelivery(db.Model):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(40))
    # The `webhook-id` header: the same on every attempt, so the receiver can drop duplicates.
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = mapped_column(
        db_enum(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Milliseconds from connecting to the end of the answer, of the last attempt.
    last_duration_ms: Mapped[int | None] = mapped_column(Integer)
    last_response_code: Mapped[int | None] = mapped_column(Integer)
    # The start of the receiver's answer (at most 2 KB), or why no answer came.
    last_response_body: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subscription: Mapped[WebhookSubscription] = relationship(back_populates="deliveries")
