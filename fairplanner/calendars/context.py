"""What the iCal builders need from the app: translated labels, domain, base URL."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from fairplanner.calendars import ical
from fairplanner.extensions import db
from fairplanner.registrations.models import Registration


def labels(lang: str) -> ical.Labels:
    with force_locale(lang):
        return ical.Labels(
            cancelled=_("Cancelled:"),
            organizer=_("Organizer"),
            more=_("Details and registration"),
            your_application=_("Your application"),
            removed=_("This item was removed from the programme."),
            statuses={
                "submitted": _("Submitted"),
                "approved": _("Approved"),
                "waitlisted": _("On the waiting list"),
            },
        )


def context(lang: str) -> ical.Context:
    return ical.Context(
        lang=lang,
        domain=current_app.config["ICAL_DOMAIN"],
        base_url=current_app.config["PUBLIC_BASE_URL"],
        labels=labels(lang),
        sender=parseaddr(current_app.config["MAIL_SENDER"])[1],
    )


def refresh() -> timedelta:
    return timedelta(hours=current_app.config["ICAL_REFRESH_HOURS"])


def registration_attachment(registration: Registration, *, lang: str) -> dict[str, str]:
    """The fair as the company's own calendar entry (the private feed's UID and SEQUENCE),
    to attach to a message about its application."""
    versions = db.session.scalar(
        select(func.sum(Registration.version)).where(
            Registration.company_id == registration.company_id,
            Registration.fair_id == registration.fair_id,
            Registration.role == registration.role,
        )
    )
    entry = ical.Entry(
        registration.fair,
        status=registration.status.value,
        version=int(versions or 0),
        changed_at=registration.updated_at,
        owner=registration.company_id,
        role=registration.role.value,
    )
    with force_locale(lang):
        name = _("My fairs · FairPlanner")
    calendar = ical.build_calendar([entry], context(lang), name=name, refresh=refresh())
    return {
        "filename": f"{registration.fair.slug}.ics",
        "content_type": "text/calendar; method=PUBLISH; charset=utf-8",
        "data": calendar.decode("utf-8"),
    }
