"""Deadline reminders: due days, once each, moved deadlines, who gets them, in which language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fairplanner.catalogue.models import FairStatus
from fairplanner.following.services import follow
from fairplanner.registrations.models import RegistrationStatus
from fairplanner.reminders import services
from fairplanner.reminders.models import ReminderKind
from tests.reminders.conftest import TODAY, outbox, run


@pytest.mark.parametrize(
    ("days", "mails"), [(7, 2), (1, 2), (0, 0), (3, 0), (6, 0), (8, 0), (-1, 0)]
)
def test_a_reminder_is_due_7_and_1_days_before_the_deadline(db, followed, days, mails):
    followed(days=days)
    summary = run()
    assert summary.deadline == mails
    assert len(outbox(db, "reminder_deadline")) == mails


def test_each_member_gets_one_mail_and_a_second_run_sends_nothing(db, followed, members):
    followed(days=7)
    assert run().deadline == 2
    assert sorted(m.to_email for m in outbox(db)) == sorted(u.email for u in members)
    again = run()
    assert (again.deadline, again.already) == (0, 1)
    assert len(outbox(db)) == 2


def test_configured_days(db, app, followed, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_DEADLINE_DAYS", (3,))
    followed(days=3)
    followed(days=7)
    assert run().deadline == 2  # the 3-day fair only, for both members


def test_a_moved_deadline_is_reminded_again(db, followed):
    fair = followed(days=7)
    assert run().deadline == 2
    fair.registration_deadline = TODAY + timedelta(days=8)  # the organizer gives a day more
    db.session.commit()
    assert run(TODAY + timedelta(days=1)).deadline == 2  # 7 days before the new date
    assert run(TODAY + timedelta(days=7)).deadline == 2  # and 1 day before it
    assert len(outbox(db)) == 6


@pytest.mark.parametrize("status", [FairStatus.CANCELLED, FairStatus.DRAFT])
def test_no_reminder_for_a_cancelled_or_unpublished_fair(db, followed, status):
    followed(days=7, status=status)
    assert run().deadline == 0
    assert outbox(db) == []


@pytest.mark.parametrize(
    ("status", "mails"),
    [
        (RegistrationStatus.SUBMITTED, 0),
        (RegistrationStatus.WAITLISTED, 0),
        (RegistrationStatus.APPROVED, 0),
        (RegistrationStatus.WITHDRAWN, 2),  # may apply again: still reminded
        (RegistrationStatus.REJECTED, 2),
    ],
)
def test_a_company_that_has_applied_is_not_reminded(
    db, factories, followed, company, status, mails
):
    fair = followed(days=1)
    factories.registration(fair, company, status=status)
    assert run().deadline == mails


def test_an_unsubscribed_member_is_left_out(db, followed, members):
    followed(days=7)
    services.set_choice(members[0], ReminderKind.DEADLINE, False)
    services.set_choice(members[0], ReminderKind.OPENING, True)
    db.session.commit()
    run()
    assert [m.to_email for m in outbox(db)] == [members[1].email]


def test_only_the_following_companys_confirmed_active_members(db, factories, followed, company):
    fair = followed(days=7)
    factories.user("new@vyatka.example", company=company, email_verified_at=None)
    factories.user("gone@vyatka.example", company=company, active=False)
    other = factories.company()
    factories.user("other@example.com", company=other)
    assert run().deadline == 2
    assert {m.to_email for m in outbox(db)} == {"m1@vyatka.example", "m2@vyatka.example"}
    follow(other, fair)
    db.session.commit()
    assert run().deadline == 1  # the other company's own reminder: a key of its own


@pytest.mark.parametrize(
    ("language", "subject", "sentence", "place"),
    [
        (
            "ru",
            "Белагро: последний день регистрации — 2 марта",
            "Белагро: завтра, 2 марта, последний день регистрации.",
            "Площадка",
        ),
        (
            "en",
            "Belagro: the last day to register is 2 March",
            "Tomorrow, 2 March, is the last day to register for Belagro.",
            "Venue",
        ),
    ],
)
def test_the_mail_is_in_the_companys_language(
    db, followed, company, language, subject, sentence, place
):
    company.language = language
    db.session.commit()
    followed(days=1, name_ru="Белагро", name_en="Belagro")
    run()
    (message, _second) = outbox(db)
    assert message.lang == language
    assert message.subject == subject
    # Babel puts a narrow no-break space before "г."
    text, html = (b.replace("\u202f", " ") for b in (message.body_text, message.body_html))
    assert sentence in text
    assert sentence in html
    assert place in text
    assert "2027-03" not in message.body_text + message.body_html  # no ISO dates


def test_seven_days_before_counts_the_days(db, followed, company):
    followed(days=7, name_ru="Белагро")
    run()
    text = outbox(db)[0].body_text.replace("\u202f", " ")
    assert "Белагро: до конца регистрации осталось 7 дней, последний день — 8 марта.\n" in text


def test_the_command_prints_a_summary_and_takes_a_date(app, db, followed, monkeypatch):
    followed(days=7)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        "reminders: 2 deadline, 0 opening, 0 digest mails queued; 0 already sent"
    ]
    result = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat()])
    assert result.exit_code == 0
    assert "0 deadline" in result.output
    assert "1 already sent" in result.output
    bad = runner.invoke(args=["reminders", "run", "--today", "01.03.2027"])
    assert bad.exit_code == 2
