"""The messages about applications and fairs, queued with the change that causes them."""

from __future__ import annotations

from babel.dates import format_interval
from flask import current_app
from sqlalchemy import select

from fairplanner.calendars.private import fair_attachment
from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db
from fairplanner.i18n import FORMAT_LOCALES, localized
from fairplanner.notifications.services import enqueue
from fairplanner.registrations.models import ACTIVE, Registration

WITH_CALENDAR = ("approved", "promoted")
NON_ESSENTIAL = ("received", "withdrawn")  # confirmations of the company's own actions


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
    """Tell the company's contact address, in the company's language, what happened."""
    company = registration.company
    if not company.email:
        return
    if event in NON_ESSENTIAL and not company.notify_confirmations:
        return
    fair, lang = registration.fair, company.language
    attachments = [fair_attachment(company, fair, lang=lang)] if event in WITH_CALENDAR else []
    enqueue(
        "registration",
        to=company.email,
        company_id=company.id,
        lang=lang,
        reply_to=reply_to,
        attachments=attachments,
        event=event,
        company_name=company.display_name,
        fair_name=localized(fair, "name", lang),
        dates=_dates(fair, lang),
        reason=reason,
        position=position,
        waitlisted=registration.status.value == "waitlisted",
        link=_link(registration),
    )


def stand_assigned(registration: Registration, *, previous: tuple[str, str] | None) -> None:
    """Tell the company its hall and stand (or that it has none any more), in its language,
    with the fair's updated calendar entry (the stand is its LOCATION)."""
    company = registration.company
    if not company.email:
        return
    fair, lang = registration.fair, company.language
    enqueue(
        "stand",
        to=company.email,
        company_id=company.id,
        lang=lang,
        attachments=[fair_attachment(company, fair, lang=lang)],
        company_name=company.display_name,
        fair_name=localized(fair, "name", lang),
        dates=_dates(fair, lang),
        hall=registration.hall,
        stand=registration.stand,
        previous=previous,
        link=_link(registration),
    )


def fair_changed(fair: Fair, *, cancelled: bool, reason: str | None = None) -> int:
    """Tell every company with an active application that its fair moved or was cancelled,
    with the updated calendar entry (its SEQUENCE has grown). Returns how many were queued."""
    registrations = db.session.scalars(
        select(Registration).where(Registration.fair_id == fair.id, Registration.status.in_(ACTIVE))
    ).all()
    queued = 0
    for registration in registrations:
        company = registration.company
        if not company.email:
            continue
        lang = company.language
        place = ", ".join(
            p
            for p in (localized(fair.venue, "name", lang), localized(fair.venue.city, "name", lang))
            if p
        )
        enqueue(
            "fair_changed",
            to=company.email,
            company_id=company.id,
            lang=lang,
            attachments=[fair_attachment(company, fair, lang=lang)],
            cancelled=cancelled,
            reason=reason,
            company_name=company.display_name,
            fair_name=localized(fair, "name", lang),
            dates=_dates(fair, lang),
            place=place,
            link=_link(registration),
        )
        queued += 1
    return queued
