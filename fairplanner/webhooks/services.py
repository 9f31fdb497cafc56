"""Subscriptions, queueing deliveries in the transaction of their cause, and delivering them.

Services only flush; the worker (`run_once`) commits after each delivery, as the outbox's does.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from fairplanner import events
from fairplanner.db import claim_due, sqlite_write_intent, utcnow
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.webhooks import signing, targets, transport
from fairplanner.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

log = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... failed attempt; after the last the delivery has failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A subscription whose deliveries failed this many times in a row is disabled.
DISABLE_AFTER = 10
TIMEOUT_SECONDS = 5.0
# A claimed delivery whose worker died comes back after this long (at-least-once delivery).
CLAIM_TIMEOUT = timedelta(minutes=10)


class WebhookError(DomainError):
    """A subscription that cannot be saved; the message is for the user (422)."""


# --- subscriptions ---------------------------------------------------------------------------


def _events(names: list[str]) -> list[str]:
    try:
        chosen = {WebhookEvent(name).value for name in names}
    except ValueError as exc:
        raise WebhookError(_("Choose the events from the list.")) from exc
    if not chosen:
        raise WebhookError(_("Choose at least one event."))
    return sorted(chosen)


def check_target(url: str) -> None:
    """Refuse a URL the worker would refuse (WebhookError with the reason)."""
    config = current_app.config
    try:
        targets.resolve(
            url,
            allow_http=config["WEBHOOKS_ALLOW_HTTP"],
            allow_private=config["WEBHOOKS_ALLOW_PRIVATE"],
        )
    except targets.TargetRefused as exc:
        raise WebhookError(str(exc)) from exc


def create_subscription(organizer_id: int, url: str, names: list[str]) -> WebhookSubscription:
    check_target(url)
    subscription = WebhookSubscription(
        organizer_id=organizer_id,
        url=url.strip(),
        secret=signing.new_secret(),
        events=_events(names),
        active=True,
        consecutive_failures=0,
    )
    db.session.add(subscription)
    db.session.flush()
    return subscription


def enable(subscription: WebhookSubscription) -> None:
    """Turn a disabled subscription back on, its count of failures cleared."""
    subscription.active = True
    subscription.disabled_at = None
    subscription.consecutive_failures = 0
    db.session.flush()


def delete_subscription(subscription: WebhookSubscription) -> None:
    """No more deliveries to it; its log goes with it."""
    db.session.delete(subscription)
    db.session.flush()


# --- queueing --------------------------------------------------------------------------------


def queue(event: WebhookEvent, organizer_id: int, data: dict[str, Any]) -> list[WebhookDelivery]:
    """One delivery per active subscription of the organizer to `event` (flush only)."""
    subscriptions = db.session.scalars(
        select(WebhookSubscription)
        .where(
            WebhookSubscription.organizer_id == organizer_id,
            WebhookSubscription.active.is_(True),
        )
        .order_by(WebhookSubscription.id)
    )
    now = utcnow()
    payload = {
        "type": event.value,
        "timestamp": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    deliveries = []
    for subscription in subscriptions:
        if event.value not in subscription.events:
            continue
        delivery = WebhookDelivery(
            subscription=subscription,
            event_type=event.value,
            message_id=f"msg_{secrets.token_urlsafe(18)}",
            payload=payload,
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
        )
        db.session.add(delivery)
        deliveries.append(delivery)
    if deliveries:
        db.session.flush()
    return deliveries


def send_again(delivery: WebhookDelivery) -> WebhookDelivery:
    """A new delivery of the same payload (a new id: it is a new message), due now."""
    again = WebhookDelivery(
        subscription=delivery.subscription,
        event_type=delivery.event_type,
        message_id=f"msg_{secrets.token_urlsafe(18)}",
        payload=delivery.payload,
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(again)
    db.session.flush()
    return again


# --- delivery --------------------------------------------------------------------------------


def claim(*, limit: int = 20) -> list[int]:
    """Take due deliveries for this worker (SKIP LOCKED on PostgreSQL), and commit."""
    return claim_due(
        db.session,
        WebhookDelivery,
        pending=DeliveryStatus.PENDING,
        sending=DeliveryStatus.SENDING,
        timeout=CLAIM_TIMEOUT,
        limit=limit,
    )


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


def deliver(delivery_id: int, *, now: datetime | None = None) -> bool:
    """Send one claimed delivery, record the answer, and commit. True when delivered."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.SENDING:
        return False
    subscription = delivery.subscription
    if not subscription.active:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = "subscription disabled"
        db.session.commit()
        return False
    config = current_app.config
    body = body_of(delivery)
    sent_at = now or utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at = sent_at
    delivery.last_response_code = delivery.last_response_body = delivery.last_duration_ms = None
    delivery.last_error = None
    try:
        target = targets.resolve(
            subscription.url,
            allow_http=config["WEBHOOKS_ALLOW_HTTP"],
            allow_private=config["WEBHOOKS_ALLOW_PRIVATE"],
        )
        headers = signing.headers(
            subscription.secret, delivery.message_id, int(sent_at.timestamp()), body
        )
        answer = transport.post(
            target, body, headers, timeout=config.get("WEBHOOKS_TIMEOUT", TIMEOUT_SECONDS)
        )
    except targets.TargetRefused as exc:
        delivery.last_error = str(exc)
        ok = False
    except (OSError, ValueError, transport.http.client.HTTPException) as exc:
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        ok = False
    else:
        delivery.last_response_code = answer.status
        delivery.last_response_body = answer.body
        delivery.last_duration_ms = answer.duration_ms
        ok = 200 <= answer.status < 300
    if ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = sent_at
        subscription.consecutive_failures = 0
        log.info("webhooks: delivery %s delivered", delivery.id)
    else:
        _failed(delivery, sent_at)
    db.session.commit()
    return ok


def _failed(delivery: WebhookDelivery, now: datetime) -> None:
    subscription = delivery.subscription
    subscription.consecutive_failures += 1
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    log.warning(
        "webhooks: delivery %s failed (attempt %s, %s)",
        delivery.id,
        delivery.attempts,
        delivery.last_response_code or delivery.last_error,
    )
    if subscription.active and subscription.consecutive_failures >= DISABLE_AFTER:
        subscription.active = False
        subscription.disabled_at = now
        db.session.flush()
        log.warning("webhooks: subscription %s disabled after failures", subscription.id)
        events.webhook_disabled.send(subscription)


def run_once(*, limit: int = 20) -> tuple[int, int]:
    """One pass of the worker: (delivered, failed)."""
    delivered = failed = 0
    token = sqlite_write_intent.set(True)
    try:
        for delivery_id in claim(limit=limit):
            if deliver(delivery_id):
                delivered += 1
            else:
                failed += 1
    finally:
        sqlite_write_intent.reset(token)
    return delivered, failed
