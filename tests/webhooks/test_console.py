"""The console's webhook pages: add (with errors in words), the delivery log with the
receiver's answers, "send again", turning on again, deletion after a confirmation; another
organizer's webhook is a 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import Role
from fairplanner.webhooks import services
from fairplanner.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from fairplanner.webhooks.services import run_once

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def staff(factories, make_user, login_as):
    organizer = factories.organizer("belexpo")
    return login_as(make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=organizer.id))


def test_adding_a_webhook_and_reading_its_log(
    client, db, factories, staff, receiver, allow_private
):
    page = client.get("/organizer/webhooks")
    assert page.status_code == 200
    assert "Вебхуки" in page.text or "Webhooks" in page.text

    answer = client.post(
        "/organizer/webhooks", data={"url": receiver.url, "events": ["fair.cancelled"]}
    )
    assert answer.status_code == 302
    sub = db.session.scalar(select(WebhookSubscription))
    assert sub.organizer_id == staff.organizer_id
    assert sub.events == ["fair.cancelled"]

    receiver.statuses = [500]
    fair = factories.fair(organizer="belexpo")
    services.queue(services.WebhookEvent.FAIR_CANCELLED, fair.organizer_id, {"fair": 1})
    db.session.commit()
    run_once()
    log = client.get(f"/organizer/webhooks/{sub.id}")
    assert log.status_code == 200
    assert sub.secret in log.text
    assert "HTTP 500" in log.text
    assert "fair.cancelled" not in log.text.split("<pre")[0]  # the event in words, not its code

    [delivery] = db.session.scalars(select(WebhookDelivery))
    again = client.post(f"/organizer/webhooks/{sub.id}/deliveries/{delivery.id}/again")
    assert again.status_code == 302
    due = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.PENDING)
    ).all()
    assert len(due) == 2  # the retry of the first and the new one


def test_a_refused_address_is_explained_and_nothing_is_saved(client, db, staff):
    answer = client.post(
        "/organizer/webhooks", data={"url": "https://127.0.0.1/x", "events": ["fair.changed"]}
    )
    assert answer.status_code == 422
    assert "private" in answer.text or "внутреннюю" in answer.text
    assert db.session.scalar(select(WebhookSubscription)) is None
    none_chosen = client.post("/organizer/webhooks", data={"url": "https://93.184.215.14/"})
    assert none_chosen.status_code == 422


def test_turning_on_again_and_deleting_after_confirmation(client, db, staff):
    sub = WebhookSubscription(
        organizer_id=staff.organizer_id,
        url="https://hooks.example.org/in",
        secret=services.signing.new_secret(),
        events=["fair.changed"],
        active=False,
        consecutive_failures=10,
    )
    db.session.add(sub)
    db.session.commit()
    assert client.post(f"/organizer/webhooks/{sub.id}/enable").status_code == 302
    db.session.refresh(sub)
    assert sub.active
    assert sub.consecutive_failures == 0

    ask = client.post(f"/organizer/webhooks/{sub.id}/delete")
    assert ask.status_code == 200
    assert db.session.get(WebhookSubscription, sub.id) is not None
    done = client.post(f"/organizer/webhooks/{sub.id}/delete", data={"confirmed": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(WebhookSubscription, sub.id) is None


def test_another_organizers_webhook_is_not_found(client, db, factories, staff):
    other = factories.organizer("expoforum")
    sub = WebhookSubscription(
        organizer_id=other.id,
        url="https://hooks.example.org/in",
        secret=services.signing.new_secret(),
        events=["fair.changed"],
    )
    db.session.add(sub)
    db.session.commit()
    assert client.get(f"/organizer/webhooks/{sub.id}").status_code == 404
    assert client.post(f"/organizer/webhooks/{sub.id}/delete").status_code == 404
    assert client.get("/organizer/webhooks").text.count("hooks.example.org") == 0
