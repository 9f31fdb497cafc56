"""The domain events queue one delivery per matching active subscription of the fair's
organizer, in the transaction of the change; other organizers' subscriptions get nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import EventKind, FairStatus
from fairplanner.organizers import services as organizers
from fairplanner.registrations.models import RegistrationStatus
from fairplanner.registrations.services import decide_registration, withdraw_registration
from fairplanner.webhooks import services
from fairplanner.webhooks.models import WebhookDelivery, WebhookEvent

ALL = [event.value for event in WebhookEvent]


@pytest.fixture
def organizer(factories):
    return factories.organizer("belexpo")


@pytest.fixture
def staff(factories, organizer):
    return factories.user("staff@belexpo.by", role=Role.STAFF, organizer_id=organizer.id)


@pytest.fixture
def ours(db, organizer):
    sub = services.create_subscription(organizer.id, "https://93.184.215.14/hook", ALL)
    db.session.commit()
    return sub


@pytest.fixture
def theirs(db, factories):
    other = factories.organizer("expoforum")
    sub = services.create_subscription(other.id, "https://93.184.215.14/other", ALL)
    db.session.commit()
    return sub


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    """The subscriptions name a public address that the tests never call."""
    monkeypatch.setattr(
        "socket.getaddrinfo",
        lambda host, port, **_: [(2, 1, 6, "", (host, port))],
    )


def deliveries(db):
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_decision_queues_one_delivery_with_the_application(
    db, factories, organizer, staff, ours, theirs
):
    fair = factories.fair(organizer=organizer)
    registration = factories.registration(
        fair, factories.company(), status=RegistrationStatus.SUBMITTED
    )
    decide_registration(
        registration, status=RegistrationStatus.REJECTED, actor=staff, reason="Нет мест"
    )

    [delivery] = deliveries(db)
    assert delivery.subscription == ours  # not the other organizer's
    assert delivery.event_type == "application.decided"
    assert delivery.message_id.startswith("msg_")
    payload = delivery.payload
    assert payload["type"] == "application.decided"
    assert payload["data"]["application"] == {
        "id": registration.id,
        "fair_id": fair.id,
        "company_id": registration.company_id,
        "role": "exhibitor",
        "status": "rejected",
        "hall": None,
        "stand": None,
    }
    assert payload["data"]["previous_status"] == "submitted"
    assert payload["data"]["reason"] == "Нет мест"
    assert payload["data"]["fair"]["slug"] == fair.slug


def test_only_the_events_subscribed_to_are_queued(db, factories, organizer, staff):
    services.create_subscription(organizer.id, "https://93.184.215.14/a", ["fair.cancelled"])
    fair = factories.fair(organizer=organizer)
    registration = factories.registration(
        fair, factories.company(), status=RegistrationStatus.SUBMITTED
    )
    decide_registration(registration, status=RegistrationStatus.APPROVED, actor=staff)
    assert deliveries(db) == []
    organizers.cancel_fair(fair, actor=staff, reason_ru="Ремонт павильона", reason_en=None)
    [delivery] = deliveries(db)
    assert delivery.event_type == "fair.cancelled"
    assert delivery.payload["data"]["reason"] == "Ремонт павильона"


def test_a_disabled_subscription_gets_nothing(db, factories, organizer, staff, ours):
    ours.active = False
    fair = factories.fair(organizer=organizer)
    organizers.cancel_fair(fair, actor=staff, reason_ru="Отмена", reason_en=None)
    assert deliveries(db) == []


def test_withdrawal_publication_and_programme_changes(db, factories, organizer, staff, ours):
    fair = factories.fair(organizer=organizer, status=FairStatus.DRAFT, programme=1)
    organizers.publish_fair(fair, actor=staff)
    item = fair.programme[0]
    data = organizers.EventData(
        title_ru="Открытие",
        title_en=None,
        description_ru=None,
        description_en=None,
        hall_ru=None,
        hall_en=None,
        kind=EventKind.SEMINAR,
        starts_at=item.starts_at + timedelta(hours=3),
        ends_at=item.starts_at + timedelta(hours=4),
    )
    added = organizers.add_event(fair, data, actor=staff)
    organizers.delete_event(fair, added, actor=staff)
    registration = factories.registration(
        fair, factories.company(), status=RegistrationStatus.SUBMITTED
    )
    withdraw_registration(registration, actor=staff)

    got = [(d.event_type, d.payload["data"].get("change")) for d in deliveries(db)]
    assert got == [
        ("fair.published", None),
        ("programme.changed", "added"),
        ("programme.changed", "deleted"),
        ("application.withdrawn", None),
    ]
    added_payload, deleted_payload = (d.payload["data"] for d in deliveries(db)[1:3])
    assert added_payload["item"]["title_ru"] == "Открытие"
    assert deleted_payload["item"]["id"] == added_payload["item"]["id"]


def test_a_change_rolled_back_queues_nothing(db, factories, organizer, staff, ours):
    fair = factories.fair(organizer=organizer)
    db.session.commit()
    organizers.cancel_fair(fair, actor=staff, reason_ru="Отмена", reason_en=None)
    assert len(deliveries(db)) == 1
    db.session.rollback()
    assert deliveries(db) == []
