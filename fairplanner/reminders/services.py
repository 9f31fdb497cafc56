"""Members' choices of reminder mails, and the job that sends the reminders once each."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError

from fairplanner.accounts.models import Company, User
from fairplanner.catalogue.models import Fair, RegistrationState
from fairplanner.db import sqlite_write_intent
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, minsk_today
from fairplanner.reminders import mails, queries
from fairplanner.reminders.models import DEFAULTS, ReminderKind, ReminderSettings, SentReminder

log = logging.getLogger(__name__)
CLOSED = (RegistrationState.CLOSED, RegistrationState.CANCELLED)
# A digest lists at most this many new fairs (the soonest) and points to the catalogue for more.
DIGEST_NEW_FAIRS = 15


def choices(user: User) -> dict[ReminderKind, bool]:
    """What `user` receives (the defaults until they change anything)."""
    row = db.session.get(ReminderSettings, user.id)
    if row is None:
        return dict(DEFAULTS)
    return {kind: bool(getattr(row, kind.value)) for kind in ReminderKind}


def set_choice(user: User, kind: ReminderKind, wanted: bool) -> None:
    """Turn one kind of mail on or off for `user` (flush only)."""
    row = db.session.get(ReminderSettings, user.id)
    if row is None:
        row = ReminderSettings(user_id=user.id, **{k.value: v for k, v in DEFAULTS.items()})
        db.session.add(row)
    setattr(row, kind.value, wanted)
    db.session.flush()
    log.info("reminders: user %s %s %s", user.id, "wants" if wanted else "declined", kind.value)


def set_choices(user: User, wanted: dict[ReminderKind, bool]) -> None:
    for kind, value in wanted.items():
        set_choice(user, kind, value)


@dataclass
class Summary:
    deadline: int = 0
    opening: int = 0
    digest: int = 0
    already: int = 0  # due, but another run (or an earlier one) had sent it

    def line(self) -> str:
        return (
            f"reminders: {self.deadline} deadline, {self.opening} opening, "
            f"{self.digest} digest mails queued; {self.already} already sent"
        )


def _once(reminder: SentReminder, compose: Callable[[], int]) -> int | None:
    """Record `reminder` and queue its mails in one transaction. Its unique key makes a second
    run (another server, the same minute) fail the insert, after waiting for the first run's
    transaction on PostgreSQL: that run's mails are then the only ones. How many mails this run
    queued (0: nobody to receive it, left unsent), or None when it had been sent already."""
    if queries.is_sent(reminder.key):
        db.session.rollback()
        return None
    try:
        with db.session.begin_nested():
            db.session.add(reminder)
    except IntegrityError:
        db.session.rollback()
        return None
    reminder.recipients = compose()
    if not reminder.recipients:
        db.session.rollback()  # nobody left to tell: not sent, so a later run may still
        return 0
    db.session.commit()
    return reminder.recipients


def _deadline_mails(company: Company, fair: Fair, users: list[User], days_before: int) -> int:
    context = mails.deadline_context(fair, days_before=days_before, lang=company.language)
    return len(mails.send(ReminderKind.DEADLINE, users, company, **context))


def _opening_mails(company: Company, fair: Fair, users: list[User]) -> int:
    if not users:
        return 0
    lang = company.language
    registrations = queries.approved_registrations(company.id, fair.id)
    context = mails.opening_context(fair, registrations, queries.programme(fair.id), lang=lang)
    attachments = mails.opening_attachments(registrations, lang=lang)
    sent = mails.send(ReminderKind.OPENING, users, company, attachments=attachments, **context)
    return len(sent)


def _digest_mail(company: Company, user: User, context: dict[str, Any]) -> int:
    return len(mails.send(ReminderKind.DIGEST, [user], company, **context))


def _deadlines(today: date, summary: Summary) -> None:
    for days_before in current_app.config["REMINDER_DEADLINE_DAYS"]:
        due = [
            (company, fair)
            for company, fair in queries.due_deadlines(today + timedelta(days=days_before))
            if fair.registration_state(today) not in CLOSED
        ]
        members = queries.recipients({c.id for c, _f in due}, ReminderKind.DEADLINE)
        for company, fair in due:
            reminder = SentReminder(
                key=f"deadline:{company.id}:{fair.id}:{fair.registration_deadline}:{days_before}",
                kind=ReminderKind.DEADLINE.value,
                company_id=company.id,
                fair_id=fair.id,
                due_on=fair.registration_deadline,
                days_before=days_before,
            )
            users = members.get(company.id, [])
            compose = partial(_deadline_mails, company, fair, users, days_before)
            _count(_once(reminder, compose), summary, "deadline")


def _openings(today: date, summary: Summary) -> None:
    days_before = current_app.config["REMINDER_OPENING_DAYS"]
    due = queries.due_openings(today + timedelta(days=days_before))
    members = queries.recipients({c.id for c, _f in due}, ReminderKind.OPENING)
    for company, fair in due:
        reminder = SentReminder(
            key=f"opening:{company.id}:{fair.id}:{fair.starts_on}",
            kind=ReminderKind.OPENING.value,
            company_id=company.id,
            fair_id=fair.id,
            due_on=fair.starts_on,
            days_before=days_before,
        )
        compose = partial(_opening_mails, company, fair, members.get(company.id, []))
        _count(_once(reminder, compose), summary, "opening")


def _digests(today: date, summary: Summary) -> None:
    if today.weekday() != current_app.config["REMINDER_DIGEST_WEEKDAY"]:
        return
    year, week, _day = today.isocalendar()
    since = datetime.combine(today - timedelta(days=7), time(), tzinfo=MINSK)
    companies = queries.digest_companies()
    members = queries.recipients({c.id for c in companies}, ReminderKind.DIGEST)
    for company in companies:
        lang = company.language
        new = queries.new_fairs(company, since=since, today=today)
        new_ids = {f.id for f in new}
        changed = [
            f
            for f in queries.changed_followed(company.id, since=since, today=today)
            if f.id not in new_ids
        ]
        if not new and not changed:
            continue  # nothing to tell: no mail this week
        context = {
            "new_fairs": [mails.fair_summary(f, lang) for f in new[:DIGEST_NEW_FAIRS]],
            "more_new_fairs": max(len(new) - DIGEST_NEW_FAIRS, 0),
            "catalogue_url": f"{current_app.config['PUBLIC_BASE_URL']}/",
            "changed_fairs": [mails.fair_summary(f, lang) for f in changed],
            "week_start": mails.day_month(today - timedelta(days=7), lang),
        }
        for user in members.get(company.id, []):
            reminder = SentReminder(
                key=f"digest:{user.id}:{year}-W{week:02d}",
                kind=ReminderKind.DIGEST.value,
                company_id=company.id,
                user_id=user.id,
                due_on=today,
            )
            _count(
                _once(reminder, partial(_digest_mail, company, user, context)), summary, "digest"
            )


def _count(outcome: int | None, summary: Summary, field: str) -> None:
    if outcome is None:
        summary.already += 1
    else:
        setattr(summary, field, getattr(summary, field) + outcome)


def run(today: date | None = None) -> Summary:
    """Queue every reminder due on `today` (Minsk) that no run has sent yet; commits each one
    with its mails. Safe to run again, and on several servers at once."""
    today = today or minsk_today()
    summary = Summary()
    # Each reminder's transaction writes: on SQLite it takes the write lock when it begins, so
    # that two runs do not both read "not sent" (PostgreSQL waits on the unique key instead).
    token = sqlite_write_intent.set(True)
    try:
        _deadlines(today, summary)
        _openings(today, summary)
        _digests(today, summary)
        db.session.commit()
    finally:
        sqlite_write_intent.reset(token)
    log.info(summary.line())
    return summary
