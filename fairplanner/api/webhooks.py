"""An organizer's webhook subscriptions, with a staff member's token: list, add, turn back on,
delete, and the recent deliveries. The same service checks the target (https, no private
addresses after DNS) as the console's page."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from fairplanner.api import auth
from fairplanner.api.forms import not_found
from fairplanner.api.schemas import PROBLEM, Answer
from fairplanner.extensions import db
from fairplanner.webhooks import services
from fairplanner.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

blp = Blueprint(
    "api_webhooks",
    __name__,
    url_prefix="/api/v1/organizer/webhooks",
    description="An organizer's webhook subscriptions (a staff member's token). Deliveries "
    "are signed as Standard Webhooks describe: webhook-id, webhook-timestamp and "
    "webhook-signature (HMAC-SHA256 with the subscription's secret).",
)
EVENTS = [e.value for e in WebhookEvent]
RECENT = 50


class SubscriptionSchema(Answer):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), required=True)
    active = fields.Boolean(required=True, metadata={"description": "False: turned off"})
    consecutive_failures = fields.Integer(required=True)
    disabled_at = fields.DateTime(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)


class NewSubscriptionSchema(Schema):
    class Meta:
        unknown = RAISE

    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "https://… (not a private, loopback or link-local address)"},
    )
    events = fields.List(
        fields.String(validate=validate.OneOf(EVENTS)),
        required=True,
        validate=validate.Length(min=1),
    )


class CreatedSubscriptionSchema(SubscriptionSchema):
    secret = fields.String(
        required=True,
        metadata={"description": "whsec_…: verify the signatures with it (shown here once)"},
    )


class DeliverySchema(Answer):
    id = fields.Integer(required=True)
    event_type = fields.String(required=True)
    message_id = fields.String(required=True, metadata={"description": "The webhook-id header"})
    status = fields.Enum(DeliveryStatus, by_value=True, required=True)
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.DateTime(required=True)
    last_attempt_at = fields.DateTime(allow_none=True, required=True)
    last_response_code = fields.Integer(allow_none=True, required=True)
    delivered_at = fields.DateTime(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)


def _organizer_id(*, write: bool = False) -> int:
    _user, organizer_id = auth.staff_of(auth.require(write=write))
    if organizer_id is None:
        abort(403, detail=auth.no_organizer_message())
    return organizer_id


def _own(subscription_id: int, *, write: bool = False) -> WebhookSubscription:
    organizer_id = _organizer_id(write=write)
    subscription = db.session.scalar(
        select(WebhookSubscription).where(
            WebhookSubscription.id == subscription_id,
            WebhookSubscription.organizer_id == organizer_id,
        )
    )
    if subscription is None:
        not_found()
    return subscription  # type: ignore[return-value]


@blp.get("")
@auth.secured(blp)
@blp.response(200, SubscriptionSchema(many=True))
def subscriptions() -> list[WebhookSubscription]:
    """The organizer's subscriptions, oldest first."""
    return list(
        db.session.scalars(
            select(WebhookSubscription)
            .where(WebhookSubscription.organizer_id == _organizer_id())
            .order_by(WebhookSubscription.id)
        )
    )


@blp.post("")
@auth.secured(blp, write=True)
@blp.arguments(NewSubscriptionSchema)
@blp.response(201, CreatedSubscriptionSchema)
@blp.alt_response(422, **PROBLEM)
def subscribe(data: dict[str, Any]) -> WebhookSubscription:
    """Subscribe an address to events; the answer holds the signing secret."""
    organizer_id = _organizer_id(write=True)
    try:
        subscription = services.create_subscription(organizer_id, data["url"], data["events"])
    except services.WebhookError as exc:
        db.session.rollback()
        abort(422, errors={"url": [exc.message]})
    db.session.commit()
    return subscription


@blp.get("/<int(max=2147483647):subscription_id>/deliveries")
@auth.secured(blp)
@blp.response(200, DeliverySchema(many=True))
@blp.alt_response(404, **PROBLEM)
def deliveries(subscription_id: int) -> list[WebhookDelivery]:
    """The subscription's latest 50 deliveries, newest first."""
    subscription = _own(subscription_id)
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(RECENT)
        )
    )


@blp.post("/<int(max=2147483647):subscription_id>/enable")
@auth.secured(blp, write=True)
@blp.response(200, SubscriptionSchema)
@blp.alt_response(404, **PROBLEM)
def enable(subscription_id: int) -> WebhookSubscription:
    """Turn a subscription that failed too often back on."""
    subscription = _own(subscription_id, write=True)
    services.enable(subscription)
    db.session.commit()
    return subscription


@blp.delete("/<int(max=2147483647):subscription_id>")
@auth.secured(blp, write=True)
@blp.response(204)
@blp.alt_response(404, **PROBLEM)
def unsubscribe(subscription_id: int) -> None:
    """Delete the subscription and its delivery log."""
    subscription = _own(subscription_id, write=True)
    services.delete_subscription(subscription)
    db.session.commit()
