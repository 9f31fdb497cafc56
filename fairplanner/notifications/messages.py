"""The messages about applications, queued with the change that causes them."""

from __future__ import annotations

from babel.dates import format_interval

from fairplanner.calendars.context import registration_attachment
from fairplanner.i18n import FORMAT_LOCALES, localized
from fairplanner.notifications.services import enqueue
from fairplanner.registrations.models import Registration

WITH_CALENDAR = ("approved", "promoted")


def registration_event(
    registration: Registration,
    event: str,
    *,
    reason: str | None = None,
    position: int | None = None,
) -> None:
    """Tell the company's contact address what happened to its application."""
    company = registration.company
    if not company.email:
        return
    lang = "ru"  # the company's language: Russian until members choose theirs
    fair = registration.fair
    from flask import current_app

    base = current_app.config["PUBLIC_BASE_URL"]
    attachments = (
        [registration_attachment(registration, lang=lang)] if event in WITH_CALENDAR else []
    )
    enqueue(
        "registration",
        to=company.email,
        lang=lang,
        attachments=attachments,
        event=event,
        company_name=company.display_name,
        fair_name=localized(fair, "name", lang),
        dates=format_interval(fair.starts_on, fair.ends_on, "yMMMd", locale=FORMAT_LOCALES[lang])
        if fair.starts_on != fair.ends_on
        else fair.starts_on.isoformat(),
        reason=reason,
        position=position,
        waitlisted=registration.status.value == "waitlisted",
        link=f"{base}/my/registrations/{registration.id}",
    )
