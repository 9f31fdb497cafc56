"""`flask maintenance run`: what is due goes, nothing else; a second run and a concurrent one do
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from fairplanner.accounts.models import Invitation
from fairplanner.db import utcnow
from fairplanner.maintenance import services
from fairplanner.notifications.models import OutboxMessage, OutboxStatus

BODY = "Reset your password: https://fairplanner.example/password/reset/secret-token"


@pytest.fixture
def aged(db, factories, make_user):
    """Mail and invitations of every age and state, by name."""
    now = utcnow()
    user = make_user()

    def message(name: str, status: OutboxStatus, age_days: float) -> OutboxMessage:
        at = now - timedelta(days=age_days)
        return OutboxMessage(
            kind="password_reset",
            to_email=f"{name}@example.com",
            lang="ru",
            subject=f"Subject {name}",
            body_text=BODY,
            body_html=f"<p>{BODY}</p>",
            attachments=[{"filename": "fair.ics", "content_type": "text/calendar", "data": "X"}],
            message_id=f"<{name}@test>",
            status=status,
            created_at=at,
            next_attempt_at=at,
            sent_at=at if status == OutboxStatus.SENT else None,
        )

    def invitation(name: str, *, expires_in_days: float, accepted: bool = False) -> Invitation:
        return Invitation(
            company_id=user.company_id,
            email=f"{name}@example.com",
            token_hash=name.ljust(64, "0"),
            invited_by_id=user.id,
            created_at=now - timedelta(days=30),
            expires_at=now + timedelta(days=expires_in_days),
            accepted_at=now - timedelta(days=20) if accepted else None,
        )

    rows = {
        "sent-old": message("sent-old", OutboxStatus.SENT, 31),
        "sent-older": message("sent-older", OutboxStatus.SENT, 400),
        "sent-recent": message("sent-recent", OutboxStatus.SENT, 29),
        "pending-old": message("pending-old", OutboxStatus.PENDING, 60),
        "parked-old": message("parked-old", OutboxStatus.PARKED, 60),
        "expired": invitation("expired", expires_in_days=-1),
        "accepted-expired": invitation("accepted-expired", expires_in_days=-5, accepted=True),
        "open": invitation("open", expires_in_days=3),
    }
    for row in rows.values():
        db.session.add(row)
    db.session.commit()
    return rows


def bodies(db) -> dict[str, bool]:
    """Recipient name → whether the message still has its body and attachments."""
    db.session.expire_all()
    return {
        m.to_email.split("@")[0]: bool(m.body_text or m.body_html or m.attachments)
        for m in db.session.scalars(select(OutboxMessage))
    }


def invitations(db) -> set[str]:
    return {i.email.split("@")[0] for i in db.session.scalars(select(Invitation))}


def test_a_run_removes_exactly_what_is_due(runner, db, aged):
    result = runner.invoke(args=["maintenance", "run"])
    assert result.exit_code == 0, result.output
    assert "2 sent mail bodies older than 30 days purged" in result.output
    assert "2 expired invitations deleted" in result.output
    assert bodies(db) == {
        "sent-old": False,
        "sent-older": False,
        "sent-recent": True,
        "pending-old": True,  # not sent yet: it still has to go out
        "parked-old": True,  # an admin may send it again
    }
    assert invitations(db) == {"open"}
    purged = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.message_id == "<sent-old@test>")
    )
    # The row stays for the outbox's counts, with what it was and when it went.
    assert (purged.status, purged.subject, purged.kind) == (
        OutboxStatus.SENT,
        "Subject sent-old",
        "password_reset",
    )
    assert purged.sent_at is not None


def test_a_second_run_does_nothing(runner, db, aged):
    runner.invoke(args=["maintenance", "run"])
    before = (bodies(db), invitations(db))
    result = runner.invoke(args=["maintenance", "run"])
    assert result.exit_code == 0
    assert "0 sent mail bodies older than 30 days purged, 0 expired invitations" in result.output
    assert (bodies(db), invitations(db)) == before


@pytest.mark.parametrize(("days", "purged"), [(7, 3), (30, 2), (365, 1), (1000, 0)])
def test_the_retention_comes_from_the_config(app, runner, db, aged, monkeypatch, days, purged):
    monkeypatch.setitem(app.config, "MAIL_RETENTION_DAYS", days)
    result = runner.invoke(args=["maintenance", "run"])
    assert f"{purged} sent mail bodies older than {days} days purged" in result.output


def test_the_default_retention_is_thirty_days(app):
    assert app.config["MAIL_RETENTION_DAYS"] == 30


def test_tokens_are_stateless_and_the_run_says_so(runner, db):
    result = runner.invoke(args=["maintenance", "run"])
    assert "confirmation and reset links are signed, not stored" in result.output


def test_a_run_while_another_holds_the_lock_skips(app, runner, db, aged):
    """Two servers' cron at the same minute, on PostgreSQL: the second one does nothing."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert services.try_lock()  # SQLite has no advisory locks and serialises writers
        return
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as other_server:
            other_server.begin()
            held = other_server.scalar(select(func.pg_try_advisory_xact_lock(services.LOCK_KEY)))
            assert held
            result = runner.invoke(args=["maintenance", "run"])
            assert result.exit_code == 0
            assert "another run is in progress; nothing done" in result.output
            assert bodies(db)["sent-old"]
            assert "expired" in invitations(db)
            other_server.rollback()  # that run ends
        result = runner.invoke(args=["maintenance", "run"])
        assert "2 sent mail bodies" in result.output
        assert not bodies(db)["sent-old"]
    finally:
        engine.dispose()


def test_a_run_forgets_revocations_of_logins_too_old_to_count(runner, db, make_user):
    """A logout's revocation is needed only while the login's age would still let it in."""
    from fairplanner.accounts.models import RevokedSession

    user = make_user()
    now = utcnow()
    db.session.add_all(
        [
            RevokedSession(
                key="old".ljust(32, "0"), user_id=user.id, expires_at=now - timedelta(days=1)
            ),
            RevokedSession(
                key="live".ljust(32, "0"), user_id=user.id, expires_at=now + timedelta(days=1)
            ),
        ]
    )
    db.session.flush()
    result = runner.invoke(args=["maintenance", "run"])
    assert result.exit_code == 0, result.output
    assert "1 revocations of expired logins deleted" in result.output
    keys = set(db.session.scalars(select(RevokedSession.key)))
    assert keys == {"live".ljust(32, "0")}


def test_settled_webhook_deliveries_go_after_the_retention(runner, db, factories):
    from fairplanner.webhooks import services as webhooks
    from fairplanner.webhooks.models import DeliveryStatus, WebhookDelivery

    organizer = factories.organizer()
    webhooks.create_subscription(organizer.id, "https://203.0.114.10/hook", ["fair.changed"])
    now = utcnow()
    ages = {
        "delivered-old": (DeliveryStatus.DELIVERED, 31),
        "failed-old": (DeliveryStatus.FAILED, 45),
        "pending-old": (DeliveryStatus.PENDING, 45),  # still to be sent
        "delivered-recent": (DeliveryStatus.DELIVERED, 29),
    }
    for name, (status, age) in ages.items():
        (delivery,) = webhooks.queue(
            webhooks.WebhookEvent.FAIR_CHANGED, organizer.id, {"fair": {"slug": name}}
        )
        delivery.status, delivery.created_at = status, now - timedelta(days=age)
    db.session.commit()
    result = runner.invoke(args=["maintenance", "run"])
    assert "2 settled webhook deliveries older than 30 days deleted" in result.output
    db.session.expire_all()
    left = {d.payload["data"]["fair"]["slug"] for d in db.session.scalars(select(WebhookDelivery))}
    assert left == {"pending-old", "delivered-recent"}


def test_unconfirmed_imports_go_after_a_week(runner, db, factories):
    from fairplanner.organizers.models import FairImport

    organizer = factories.organizer()
    now = utcnow()
    for name, status, age in (
        ("pending-old", "pending", 8),
        ("pending-recent", "pending", 2),
        ("applied-old", "applied", 300),
    ):
        db.session.add(
            FairImport(
                organizer_id=organizer.id,
                source=name,
                rows=[],
                status=status,
                created_at=now - timedelta(days=age),
            )
        )
    db.session.commit()
    result = runner.invoke(args=["maintenance", "run"])
    assert "1 unconfirmed season-plan imports older than a week deleted" in result.output
    db.session.expire_all()
    assert {i.source for i in db.session.scalars(select(FairImport))} == {
        "pending-recent",
        "applied-old",
    }
