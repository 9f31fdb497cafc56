"""The messages about applications and fairs, queued with the change that causes them."""

from __future__ import annotations

from babel.dates import format_interval
from flask import current_app
from sqlalchemy import select

from fairplanner.calendars.context import registration_attachment
from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db
from fairplanner.i18n import FORMAT_LOCALES, localized
from fairplanner.notifications.services import enqueue
from fairplanner.registrations.models import ACTIVE, Registration

WITH_CALENDAR = ("approved", "promoted")
NON_ESSENTIAL = ("received", "withdrawn")  # confirmations of the company's own actions
# The companies' language: Russian, the users' first language, until members choose theirs.
LANG = "ru"


def _dates(fair: Fair, lang: str) -> str:
    if fair.starts_on == fair.ends_on:
        return fair.starts_on.isoformat()
    return format_interval(fair.starts_on, fair.ends_on, "yMMMd", locale=FORMAT_LOCALES[lang])


def _link(registration: Registration) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/my/registrations/{registration.id}"


def registration_event(
    registration: Registration,
    event: str,
    *,
    reason: str | None = None,
    position: int | None = None,
    reply_to: str | None = None,
) -> None:
    """Tell the company's contact address what happened to its application."""
    company = registration.company
    if not company.email:
        return
    if event in NON_ESSENTIAL and not company.notify_confirmations:
        return
    fair = registration.fair
    attachments = (
        [registration_attachment(registration, lang=LANG)] if event in WITH_CALENDAR else []
    )
    enqueue(
        "registration",
        to=company.email,
        lang=LANG,
        reply_to=reply_to,
        attachments=attachments,
        event=event,
        company_name=company.display_name,
        fair_name=localized(fair, "name", LANG),
        dates=_dates(fair, LANG),
        reason=reason,
        position=position,
        waitlisted=registration.status.value == "waitlisted",
        link=_link(registration),
    )


def fair_changed(fair: Fair, *, cancelled: bool, reason: str | None = None) -> int:
    """Tell every company with an active application that its fair moved or was cancelled,
    with the updated calendar entry (its SEQUENCE has grown). Returns how many were queued."""
    registrations = db.session.scalars(
        select(Registration).where(Registration.fair_id == fair.id, Registration.status.in_(ACTIVE))
    ).all()
    place = ", ".join(
        p
        for p in (localized(fair.venue, "name", LANG), localized(fair.venue.city, "name", LANG))
        if p
    )
    queued = 0
    for registration in registrations:
        company = registration.company
        if not company.email:
            continue
        enqueue(
            "fair_changed",
            to=company.email,
            lang=LANG,
            attachments=[registration_attachment(registration, lang=LANG)],
            cancelled=cancelled,
            reason=reason,
            company_name=company.display_name,
            fair_name=localized(fair, "name", LANG),
            dates=_dates(fair, LANG),
            place=place,
            link=_link(registration),
        )
        queued += 1
    return queued
