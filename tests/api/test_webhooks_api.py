"""Webhook subscriptions through the API: the console's rules, a staff member's token."""

from __future__ import annotations

from sqlalchemy import func, select

from fairplanner.accounts.models import Role
from fairplanner.webhooks import services
from fairplanner.webhooks.models import WebhookEvent, WebhookSubscription

PATH = "/api/v1/organizer/webhooks"


def _staff(factories, make_user, slug="belexpo"):
    return make_user(role=Role.STAFF, organizer_id=factories.organizer(slug).id)


def test_subscribe_list_deliveries_and_delete(client, db, factories, make_user, make_token):
    staff = _staff(factories, make_user)
    header = make_token(staff)
    response = client.post(
        PATH,
        json={"url": "https://203.0.114.10/hook", "events": ["fair.changed", "fair.published"]},
        headers=header,
    )
    assert response.status_code == 201, response.json
    created = response.json
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["fair.changed", "fair.published"]
    listed = client.get(PATH, headers=header).json
    assert [s["id"] for s in listed] == [created["id"]]
    assert "secret" not in listed[0]
    services.queue(WebhookEvent.FAIR_CHANGED, staff.organizer_id, {"fair": {"slug": "x"}})
    db.session.commit()
    deliveries = client.get(f"{PATH}/{created['id']}/deliveries", headers=header).json
    assert [(d["event_type"], d["status"]) for d in deliveries] == [("fair.changed", "pending")]
    assert client.delete(f"{PATH}/{created['id']}", headers=header).status_code == 204
    assert client.get(PATH, headers=header).json == []


def test_private_targets_and_bad_events_are_refused(client, db, factories, make_user, make_token):
    header = make_token(_staff(factories, make_user))
    for body, field in (
        ({"url": "https://127.0.0.1/hook", "events": ["fair.changed"]}, "url"),
        ({"url": "https://169.254.169.254/latest/meta-data", "events": ["fair.changed"]}, "url"),
        ({"url": "https://203.0.114.10/hook", "events": ["fair.burned"]}, "events"),
        ({"url": "https://203.0.114.10/hook", "events": []}, "events"),
    ):
        response = client.post(PATH, json=body, headers=header)
        assert response.status_code == 422, body
        assert field in response.json["errors"]
    assert db.session.scalar(select(func.count(WebhookSubscription.id))) == 0


def test_another_organizers_subscription_is_404(client, db, factories, make_user, make_token):
    theirs = services.create_subscription(
        factories.organizer("minskexpo").id, "https://203.0.114.10/a", ["fair.changed"]
    )
    db.session.commit()
    header = make_token(_staff(factories, make_user))
    assert client.get(PATH, headers=header).json == []
    for method, path in (
        ("get", f"{PATH}/{theirs.id}/deliveries"),
        ("post", f"{PATH}/{theirs.id}/enable"),
        ("delete", f"{PATH}/{theirs.id}"),
    ):
        assert getattr(client, method)(path, headers=header).status_code == 404, path
    assert db.session.get(WebhookSubscription, theirs.id) is not None


def test_members_and_read_tokens_cannot_subscribe(client, db, factories, make_user, make_token):
    body = {"url": "https://203.0.114.10/hook", "events": ["fair.changed"]}
    assert client.post(PATH, json=body, headers=make_token(make_user())).status_code == 403
    staff = _staff(factories, make_user)
    assert client.post(PATH, json=body, headers=make_token(staff, write=False)).status_code == 403
    assert client.get(PATH, headers=make_token(staff, write=False)).status_code == 200
    assert db.session.scalar(select(func.count(WebhookSubscription.id))) == 0
