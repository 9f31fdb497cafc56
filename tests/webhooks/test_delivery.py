"""Webhooks reach a real receiver, signed as Standard Webhooks says; failures are retried with
backoff, a subscription that keeps failing is disabled, and private addresses are refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from fairplanner import events
from fairplanner.accounts.models import Role
from fairplanner.db import utcnow
from fairplanner.notifications.models import OutboxMessage
from fairplanner.webhooks import services
from fairplanner.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from fairplanner.webhooks.services import BACKOFF, DISABLE_AFTER, MAX_ATTEMPTS, run_once


def make_due(db, delivery: WebhookDelivery) -> None:
    """Time passes: the retry is due now."""
    delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


@pytest.fixture
def fair(factories):
    return factories.fair(organizer="belexpo")


@pytest.fixture
def subscription(db, fair, receiver, allow_private):
    sub = services.create_subscription(
        fair.organizer_id, receiver.url, ["fair.cancelled", "application.decided"]
    )
    db.session.commit()
    return sub


def queue_one(db, fair) -> WebhookDelivery:
    [delivery] = services.queue(WebhookEvent.FAIR_CANCELLED, fair.organizer_id, {"n": "тест"})
    db.session.commit()
    return delivery


def test_the_receiver_gets_a_signed_request_that_an_independent_library_verifies(
    db, fair, subscription, receiver
):
    delivery = queue_one(db, fair)
    assert run_once() == (1, 0)

    [request] = receiver.requests
    assert request.path == "/hooks/fairplanner?x=1"
    assert request.headers["webhook-id"] == delivery.message_id
    payload = Webhook(subscription.secret).verify(request.body, request.headers)
    assert payload["type"] == "fair.cancelled"
    assert payload["data"] == {"n": "тест"}
    # A changed body or another key fails the check: the signature covers both.
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription.secret).verify(request.body + b" ", request.headers)
    other = services.signing.new_secret()
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(request.body, request.headers)

    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_response_code == 200
    assert len(delivery.last_response_body) <= 2048
    assert delivery.last_duration_ms is not None


def test_secret_is_standard_webhooks_base64_of_enough_random_bytes(subscription):
    assert subscription.secret.startswith("whsec_")
    assert len(services.signing.secret_key(subscription.secret)) >= 24


def test_server_errors_are_retried_with_backoff_then_delivered(db, fair, subscription, receiver):
    receiver.statuses = [500, 503]
    delivery = queue_one(db, fair)

    assert run_once() == (0, 1)
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_response_code == 500
    waited = delivery.next_attempt_at - delivery.last_attempt_at
    assert waited == BACKOFF[0]
    assert run_once() == (0, 0)  # not due yet: nothing sent
    assert len(receiver.requests) == 1

    make_due(db, delivery)
    assert run_once() == (0, 1)
    db.session.refresh(delivery)
    assert delivery.next_attempt_at - delivery.last_attempt_at == BACKOFF[1]

    make_due(db, delivery)
    assert run_once() == (1, 0)
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    assert subscription.consecutive_failures == 0
    # Every attempt is the same message (same id), signed anew.
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    for request in receiver.requests:
        Webhook(subscription.secret).verify(request.body, request.headers)


def test_a_delivery_gives_up_after_its_last_attempt(db, fair, subscription, receiver):
    receiver.statuses = [500] * MAX_ATTEMPTS
    delivery = queue_one(db, fair)
    for _ in range(MAX_ATTEMPTS):
        make_due(db, delivery)
        run_once()
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.FAILED
    assert len(receiver.requests) == MAX_ATTEMPTS
    make_due(db, delivery)
    assert run_once() == (0, 0)


def test_a_subscription_is_disabled_after_consecutive_failures(
    db, factories, fair, subscription, receiver
):
    staff = factories.user("staff@belexpo.by", role=Role.STAFF, organizer_id=fair.organizer_id)
    factories.user("staff@other.by", role=Role.STAFF, organizer_id=factories.organizer("o").id)
    told = []

    def listener(sender, **_):
        told.append(sender)

    receiver.statuses = [500] * DISABLE_AFTER
    for _ in range(DISABLE_AFTER):
        queue_one(db, fair)
    with events.webhook_disabled.connected_to(listener):
        assert run_once(limit=DISABLE_AFTER) == (0, DISABLE_AFTER)
    db.session.refresh(subscription)
    assert not subscription.active
    assert subscription.disabled_at is not None
    assert told == [subscription]
    assert len(receiver.requests) == DISABLE_AFTER
    # The organizer's staff are told by mail (through the outbox), no one else.
    [mail] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "webhook_disabled")
    )
    assert mail.to_email == staff.email
    assert subscription.url in mail.body_text
    assert "/organizer/" in mail.body_text

    # Nothing more is queued for it, and what was waiting is not sent.
    assert services.queue(WebhookEvent.FAIR_CANCELLED, fair.organizer_id, {}) == []
    for delivery in db.session.scalars(select(WebhookDelivery)):
        make_due(db, delivery)
    run_once(limit=50)
    assert len(receiver.requests) == DISABLE_AFTER


def test_no_request_reaches_a_private_address_unless_allowed(
    app, db, fair, subscription, receiver, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", False)
    delivery = queue_one(db, fair)
    assert run_once() == (0, 1)
    assert receiver.requests == []
    db.session.refresh(delivery)
    assert PRIVATE in delivery.last_error
    assert delivery.last_response_code is None


# The refusal, as the worker and the console write it outside a request: in Russian.
PRIVATE = "внутреннюю или локальную сеть"


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://100.64.0.1/hook",
    ],
)
def test_private_loopback_link_local_and_reserved_targets_are_refused(app, db, fair, url):
    with pytest.raises(services.WebhookError, match=PRIVATE):
        services.create_subscription(fair.organizer_id, url, ["fair.changed"])


def test_plain_http_is_refused_unless_allowed(app, db, fair, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_HTTP", False)
    with pytest.raises(services.WebhookError, match="https://"):
        services.create_subscription(fair.organizer_id, "http://93.184.215.14/", ["fair.changed"])


def test_the_worker_command_sends_due_deliveries(db, fair, subscription, receiver, runner):
    queue_one(db, fair)
    result = runner.invoke(args=["webhooks", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 delivered, 0 failed" in result.output
    assert json.loads(receiver.requests[0].body)["type"] == "fair.cancelled"


def test_the_request_goes_to_the_address_that_was_checked(
    db, fair, receiver, allow_private, monkeypatch
):
    """The name is resolved once; the connection uses that address and the Host header keeps
    the name (a second, different DNS answer could not redirect the request)."""
    port = int(receiver.url.split(":")[2].split("/")[0])
    url = f"http://hooks.example.org:{port}/in"
    db.session.add(
        WebhookSubscription(
            organizer_id=fair.organizer_id,
            url=url,
            secret=services.signing.new_secret(),
            events=["fair.cancelled"],
        )
    )
    db.session.commit()
    queue_one(db, fair)
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        return [(2, 1, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr("socket.getaddrinfo", getaddrinfo)
    assert run_once() == (1, 0)
    # The name was looked up once; the connection was made to the checked address.
    assert asked.count("hooks.example.org") == 1
    assert set(asked) <= {"hooks.example.org", "127.0.0.1"}
    [request] = receiver.requests
    assert request.headers["Host"] == f"hooks.example.org:{port}"
    assert request.path == "/in"
