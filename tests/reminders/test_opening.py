"""Opening reminders: the day before, for approved companies, with stand, programme and .ics."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import icalendar
import pytest
from flask import render_template
from flask_babel import force_locale

from fairplanner.registrations.models import RegistrationRole, RegistrationStatus, StandType
from tests.reminders.conftest import TODAY, outbox, run


@pytest.fixture
def opening(db, factories, company, members):
    def make(days: int = 1, status=RegistrationStatus.APPROVED, **kw):
        starts = TODAY + timedelta(days=days)
        fair = factories.fair(
            starts_on=starts,
            registration_opens_on=starts - timedelta(days=90),
            registration_deadline=starts - timedelta(days=10),
            programme=2,
            **kw,
        )
        factories.registration(fair, company, status=status, area=12)
        return fair

    return make


@pytest.mark.parametrize(
    ("days", "status", "mails"),
    [
        (1, RegistrationStatus.APPROVED, 2),
        (2, RegistrationStatus.APPROVED, 0),
        (0, RegistrationStatus.APPROVED, 0),
        (1, RegistrationStatus.SUBMITTED, 0),
        (1, RegistrationStatus.WAITLISTED, 0),
        (1, RegistrationStatus.WITHDRAWN, 0),
    ],
)
def test_the_day_before_opening_for_approved_companies(db, opening, days, status, mails):
    opening(days=days, status=status)
    assert run().opening == mails
    assert len(outbox(db, "reminder_opening")) == mails
    assert run().opening == 0  # never twice


def test_the_mail_has_the_stand_the_programme_in_minsk_time_and_the_ics(db, opening, company):
    fair = opening(name_ru="Белагро")
    run()
    message = outbox(db)[0]
    assert message.subject == "Белагро открывается 2 марта"
    text = message.body_text.replace("\u202f", " ")
    assert "Белагро открывается 2 марта.\n" in text
    assert "- Экспонент: Стенд в павильоне, 12 м²" in text
    # The factory's items start at 07:00 and 08:00 UTC: 10:00 and 11:00 in Minsk.
    assert "вторник, 2 марта, 10:00–11:00: Событие 0" in text
    assert "11:00–12:00: Событие 1" in text
    assert "10:00–11:00" in message.body_html
    (attachment,) = message.attachments
    assert attachment["filename"] == f"{fair.slug}.ics"
    calendar = icalendar.Calendar.from_ical(attachment["data"])
    # The company's own entries, as in its private feed: the fair, its programme and its
    # registration deadline (calendars.private.fair_calendar_for).
    events = {str(e["UID"]).split("-")[0]: e for e in calendar.walk("VEVENT")}
    uids = sorted(str(e["UID"]).split("-")[0] for e in calendar.walk("VEVENT"))
    assert uids == ["deadline", "event", "event", "fair"]
    assert events["fair"].decoded("DTSTART") == fair.starts_on


def test_in_english_for_an_english_company(db, opening, company):
    company.language = "en"
    db.session.commit()
    opening(name_en="Belagro")
    run()
    message = outbox(db)[0]
    assert message.subject == "Belagro opens on 2 March"
    assert "Tuesday, 2 March, 10:00–11:00: Event 0" in message.body_text


def test_a_stand_number_shows_once_the_application_has_one(app, db):
    """Stand numbers come later: the template shows one whenever the application carries it."""
    registration = SimpleNamespace(
        id=5, role=RegistrationRole.EXHIBITOR, stand_type=StandType.INDOOR, area=12
    )
    context = {
        "company_name": "Вятка",
        "fair": {"name": "Белагро", "dates": "2–4 марта", "place": "Минск", "url": "u"},
        "opens": "2 марта",
        "programme": [],
        "registration_urls": {5: "http://x/my/registrations/5"},
        "unsubscribe_url": "u",
        "settings_url": "s",
    }
    with app.test_request_context(), force_locale("ru"):
        without = render_template(
            "email/reminder_opening.txt", registrations=[registration], **context
        )
        registration.stand_number = "B-14"
        with_number = render_template(
            "email/reminder_opening.txt", registrations=[registration], **context
        )
        html = render_template(
            "email/reminder_opening.html", registrations=[registration], **context
        )
    assert "стенд" not in without
    assert "стенд B-14" in with_number
    assert "стенд B-14" in html
