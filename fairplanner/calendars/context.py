"""What the iCal builders need from the app: translated labels, domain, base URL."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from fairplanner.calendars import ical
from fairplanner.registrations.models import ACTIVE


def labels(lang: str) -> ical.Labels:
    with force_locale(lang):
        return ical.Labels(
            cancelled=_("Cancelled:"),
            organizer=_("Organizer"),
            more=_("Details and registration"),
            your_application=_("Your application"),
            removed=_("This item was removed from the programme."),
            deadline=_("Registration closes:"),
            apply=_("Apply as an exhibitor"),
            stand=_("Hall: %(hall)s, stand: %(stand)s"),
            statuses={s.value: str(s.title) for s in ACTIVE},
            meeting=_("B2B: %(partner)s"),
            partner=_("Partner"),
            attendees=_("Attendees"),
            phone=_("Phone"),
            email=_("Email"),
            message=_("Message"),
            fair=_("The fair"),
            reason=_("Reason"),
            meetings=_("Your B2B meetings"),
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
