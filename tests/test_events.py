"""Domain events (fairplanner.events): each service sends its signal with its payload, and the
receivers run inside the transaction of the change: a change rolled back sends nothing, and a
failing receiver fails the change as a whole."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from blinker import Signal
from sqlalchemy import func, select

import config
from fairplanner import create_app, events
from fairplanner.accounts import services as accounts
from fairplanner.accounts.models import Company, Invitation, Role, User
from fairplanner.catalogue.models import CapacityUnit, FairStatus
from fairplanner.events import Consent
from fairplanner.notifications.models import OutboxMessage
from fairplanner.organizers import services as organizers
from fairplanner.privacy.models import PrivacyConsent
from fairplanner.privacy.notice import PRIVACY_NOTICE_VERSION
from fairplanner.registrations import services as registrations
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus
from tests.factories import PASSWORD

S = RegistrationStatus
TODAY = date(2027, 1, 10)


@contextmanager
def received(signal: Signal) -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    """Every (sender, payload) the signal carries while the block runs."""
    calls: list[tuple[Any, dict[str, Any]]] = []

    def receiver(sender: Any, **payload: Any) -> None:
        calls.append((sender, payload))

    with signal.connected_to(receiver):
        yield calls


class Refused(Exception):
    pass


@contextmanager
def failing(signal: Signal) -> Iterator[None]:
    """A receiver that raises, connected after the application's own receivers."""

    def receiver(sender: Any, **payload: Any) -> None:
        raise Refused(signal.name)

    with signal.connected_to(receiver):
        yield


def outbox(db, kind: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def count(db, model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def fair(make_fair):
    """20 m² of room, open for registration on TODAY."""
    return make_fair(
        starts_on=date(2027, 6, 1),
        registration_opens_on=date(2020, 1, 1),
        capacity=20,
        capacity_unit=CapacityUnit.SQM,
    )


@pytest.fixture
def staff(make_user, fair):
    return make_user(role=Role.STAFF, organizer_id=fair.organizer_id)


def submit(member, fair, area: int = 10) -> Registration:
    return registrations.submit_registration(
        member.company,
        fair,
        role=RegistrationRole.EXHIBITOR,
        request=registrations.ExhibitorRequest(stand_type="indoor", area=Decimal(area)),
        actor=member,
        today=TODAY,
    )


# --- (1) each service sends its signal, with its payload --------------------------------------


def test_application_signals_carry_the_application_and_who_acted(db, fair, member, staff):
    with received(events.application_submitted) as submitted:
        registration = submit(member, fair, area=10)
    assert submitted == [(registration, {"actor": member})]
    assert registration.status == S.SUBMITTED

    with received(events.application_changed) as changed:
        registrations.update_registration(
            registration,
            request=registrations.ExhibitorRequest(stand_type="indoor", area=Decimal(12)),
            actor=member,
            today=TODAY,
        )
    ((sender, payload),) = changed
    assert sender is registration
    assert payload["actor"] is member
    assert payload["changes"] == {"area": ["10", "12"]}

    with received(events.application_decided) as decided:
        registrations.decide_registration(registration, status=S.APPROVED, actor=staff, reason=None)
    assert decided == [(registration, {"actor": staff, "previous": S.SUBMITTED, "reason": None})]


def test_a_withdrawal_then_the_promotion_it_allows(db, fair, member, make_user):
    holder = submit(member, fair, area=15)
    other = make_user()
    with received(events.application_submitted) as submitted:
        waiting = submit(other, fair, area=10)  # 15 + 10 > 20: the waiting list
    assert waiting.status == S.WAITLISTED
    assert submitted == [(waiting, {"actor": other})]

    with (
        received(events.application_withdrawn) as withdrawn,
        received(events.application_promoted) as promoted,
    ):
        registrations.withdraw_registration(holder, actor=member)
    assert withdrawn == [(holder, {"actor": member, "previous": S.SUBMITTED})]
    assert promoted == [(waiting, {})]
    assert waiting.status == S.APPROVED


def test_a_rejection_carries_its_reason(db, fair, member, staff):
    registration = submit(member, fair)
    with received(events.application_decided) as decided:
        registrations.decide_registration(
            registration, status=S.REJECTED, actor=staff, reason="Не тот профиль"
        )
    assert decided == [
        (registration, {"actor": staff, "previous": S.SUBMITTED, "reason": "Не тот профиль"})
    ]


def test_sign_up_sends_the_new_user_with_the_consent(db):
    consent = Consent(lang="en")
    with received(events.user_signed_up) as signed_up:
        user = accounts.sign_up(
            "first@vyatka.example", PASSWORD, company_name="ООО Первое", consent=consent
        )
    assert signed_up == [(user, {"company": user.company, "invitation": None, "consent": consent})]
    (recorded,) = db.session.scalars(
        select(PrivacyConsent).where(PrivacyConsent.user_id == user.id)
    )
    assert (recorded.notice_version, recorded.lang) == (PRIVACY_NOTICE_VERSION, "en")


def test_an_account_made_without_a_form_records_no_consent(db):
    with received(events.user_signed_up) as signed_up:
        user = accounts.sign_up("demo@vyatka.example", PASSWORD, company_name="ООО Демо")
    assert signed_up[0][1]["consent"] is None
    assert not db.session.scalars(
        select(PrivacyConsent).where(PrivacyConsent.user_id == user.id)
    ).all()


def test_a_sign_up_with_a_taken_address_tells_its_owner(db, make_user):
    owner = make_user("taken@vyatka.example")
    with (
        received(events.account_exists) as exists,
        received(events.user_signed_up) as signed_up,
    ):
        assert (
            accounts.request_sign_up(
                "Taken@vyatka.example", PASSWORD, company_name="ООО Другое", language="en"
            )
            is None
        )
    assert exists == [(owner, {"lang": "en", "company": None, "inviter": None})]
    assert signed_up == []
    (message,) = outbox(db, "account_exists")
    assert message.to_email == "taken@vyatka.example"


def test_invitation_signals(db, make_user):
    inviter = make_user()
    with received(events.invitation_sent) as sent:
        invitation, token = accounts.invite_member(
            inviter.company, "newbie@vyatka.example", invited_by=inviter
        )
    assert sent == [(invitation, {"token": token, "invited_by": inviter})]
    (message,) = outbox(db, "invitation")
    assert token in message.body_text

    with received(events.user_signed_up) as signed_up:
        user = accounts.accept_invitation(token, PASSWORD, consent=Consent(lang="ru"))
    assert signed_up == [
        (
            user,
            {"company": inviter.company, "invitation": invitation, "consent": Consent("ru")},
        )
    ]
    assert count(db, PrivacyConsent) == 1

    existing = make_user()
    with (
        received(events.invitation_sent) as sent,
        received(events.account_exists) as exists,
    ):
        accounts.invite_member(inviter.company, existing.email, invited_by=inviter)
    assert sent == []
    assert exists == [
        (
            existing,
            {"lang": existing.company.language, "company": inviter.company, "inviter": inviter},
        )
    ]


def test_verification_and_reset_requests_carry_their_token(db, make_user):
    user = make_user("someone@vyatka.example")
    with received(events.email_verification_requested) as verify:
        accounts.send_verification(user, lang="en")
    ((sender, payload),) = verify
    assert sender is user
    assert payload["lang"] == "en"
    assert payload["token"] in outbox(db, "verify_email")[0].body_text

    with received(events.password_reset_requested) as reset:
        accounts.request_password_reset("nobody@vyatka.example", lang="ru")
        accounts.request_password_reset("someone@vyatka.example", lang="ru")
    ((sender, payload),) = reset  # nothing for an unknown address
    assert sender is user
    assert payload["lang"] == "ru"
    assert payload["token"] in outbox(db, "password_reset")[0].body_text


def fair_data(fair, **changes: Any) -> organizers.FairData:
    data = organizers.FairData(
        slug=fair.slug,
        name_ru=fair.name_ru,
        name_en=fair.name_en,
        description_ru=fair.description_ru,
        description_en=fair.description_en,
        kind=fair.kind,
        starts_on=fair.starts_on,
        ends_on=fair.ends_on,
        venue_id=fair.venue_id,
        sector_codes=[s.code for s in fair.sectors],
        registration_opens_on=fair.registration_opens_on,
        registration_deadline=fair.registration_deadline,
        capacity=fair.capacity,
        capacity_unit=fair.capacity_unit,
        stand_area_min=fair.stand_area_min,
        stand_area_max=fair.stand_area_max,
        website=fair.website,
    )
    return organizers.FairData(**{**asdict(data), **changes})


def test_fair_signals(db, factories, fair, staff):
    factories.registration(fair, factories.company())
    with received(events.fair_changed) as changed:
        organizers.update_fair(
            fair, fair_data(fair, name_en="Renamed"), actor=staff, seen_revision=fair.revision
        )
    ((sender, payload),) = changed
    assert sender is fair
    assert payload["actor"] is staff
    assert set(payload["changes"]) == {"name_en"}
    assert outbox(db, "fair_changed") == []  # not moved: nobody is told

    moved = fair_data(fair, starts_on=fair.starts_on + timedelta(days=7))
    moved = organizers.FairData(**{**asdict(moved), "ends_on": fair.ends_on + timedelta(days=7)})
    with received(events.fair_changed) as changed:
        organizers.update_fair(fair, moved, actor=staff, seen_revision=fair.revision)
    assert set(changed[0][1]["changes"]) == {"starts_on", "ends_on"}
    assert len(outbox(db, "fair_changed")) == 1

    with received(events.fair_cancelled) as cancelled:
        organizers.cancel_fair(fair, actor=staff, reason_ru=" Ремонт ", reason_en=None)
    assert cancelled == [(fair, {"actor": staff, "reason": "Ремонт"})]
    assert fair.status == FairStatus.CANCELLED
    assert len(outbox(db, "fair_changed")) == 2


# --- (2) a change rolled back after its signal leaves no outbox row ---------------------------


def test_a_rolled_back_application_sends_nothing(db, fair, member):
    db.session.commit()  # the test's data stays; only the change below is rolled back
    with received(events.application_submitted) as submitted:
        submit(member, fair)
    assert len(submitted) == 1
    assert len(outbox(db, "registration")) == 1  # queued, in the change's transaction
    db.session.rollback()
    assert outbox(db) == []
    assert count(db, Registration) == 0


def test_a_rolled_back_reset_request_sends_nothing(db, make_user):
    make_user("someone@vyatka.example")
    db.session.commit()
    accounts.request_password_reset("someone@vyatka.example", lang="ru")
    assert len(outbox(db, "password_reset")) == 1
    db.session.rollback()
    assert outbox(db) == []


def test_a_rolled_back_cancellation_sends_nothing(db, factories, fair, staff):
    factories.registration(fair, factories.company())
    db.session.commit()
    organizers.cancel_fair(fair, actor=staff, reason_ru="Ремонт", reason_en=None)
    assert len(outbox(db, "fair_changed")) == 1
    db.session.rollback()
    assert outbox(db) == []
    assert fair.status == FairStatus.PUBLISHED


# --- (3) a failing receiver fails the change, and nothing of it is committed ------------------


def test_a_failing_receiver_fails_the_application(db, fair, member):
    db.session.commit()
    with failing(events.application_submitted), pytest.raises(Refused):
        submit(member, fair)
    db.session.rollback()  # what the view's error handling does
    assert count(db, Registration) == 0
    assert outbox(db) == []


def test_a_failing_receiver_fails_the_decision(db, fair, member, staff):
    registration = submit(member, fair)
    db.session.commit()
    before = len(outbox(db))
    with failing(events.application_decided), pytest.raises(Refused):
        registrations.decide_registration(registration, status=S.APPROVED, actor=staff)
    db.session.rollback()
    db.session.refresh(registration)
    assert registration.status == S.SUBMITTED
    assert [c.action for c in registration.history] == ["submitted"]
    assert len(outbox(db)) == before


def test_a_failing_receiver_fails_the_sign_up_page(app, client, db):
    users = count(db, User)
    with failing(events.user_signed_up):
        response = client.post(
            "/signup",
            data={
                "email": "new@vyatka.example",
                "password": PASSWORD,
                "confirm": PASSWORD,
                "company_name": "ООО Новое",
                "consent": "y",
            },
        )
    assert response.status_code == 500  # the error page, which rolled the change back
    assert count(db, User) == users
    assert not db.session.scalar(select(Company).where(Company.legal_name == "ООО Новое"))
    assert count(db, PrivacyConsent) == 0
    assert outbox(db) == []


def test_a_failing_receiver_fails_the_invitation(db, make_user):
    inviter = make_user()
    db.session.commit()
    with failing(events.invitation_sent), pytest.raises(Refused):
        accounts.invite_member(inviter.company, "newbie@vyatka.example", invited_by=inviter)
    db.session.rollback()
    assert count(db, Invitation) == 0
    assert outbox(db) == []


# --- the receivers are connected once, however many apps are built ---------------------------


def test_building_another_app_does_not_connect_the_receivers_twice(db, make_user):
    before = {
        signal.name: len(signal.receivers)
        for signal in (events.user_signed_up, events.email_verification_requested)
    }
    create_app(config.TestingConfig)
    create_app(config.TestingConfig)
    after = {
        signal.name: len(signal.receivers)
        for signal in (events.user_signed_up, events.email_verification_requested)
    }
    assert after == before
    assert all(after.values())
    accounts.send_verification(make_user(), lang="ru")
    assert len(outbox(db, "verify_email")) == 1
