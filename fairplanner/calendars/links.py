"""Links of the "Add to calendar" menu: download, subscribe, Google Calendar, Outlook.com."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import current_app, url_for

from fairplanner.catalogue.models import Fair, ProgrammeEvent
from fairplanner.i18n import MINSK, localized

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"


@dataclass(frozen=True)
class CalendarLinks:
    download: str  # the .ics file
    https: str  # to paste into "From URL" (Google does not take webcal://)
    webcal: str  # opens the calendar app's subscription dialog
    google: str | None = None
    outlook: str | None = None


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + path


def webcal(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("webcal", *parts[1:]))


def feed_links(path: str) -> CalendarLinks:
    """Links for a subscription feed at `path` (with its query string)."""
    url = absolute(path)
    return CalendarLinks(download=path, https=url, webcal=webcal(url))


def fair_links(fair: Fair, *, lang: str) -> CalendarLinks:
    path = url_for("calendars.fair", slug=fair.slug)
    url = absolute(path)
    name = localized(fair, "name", lang)
    place = ", ".join(
        p
        for p in (localized(fair.venue, "name", lang), localized(fair.venue.city, "name", lang))
        if p
    )
    page = absolute(url_for("catalogue.fair", slug=fair.slug))
    end = fair.ends_on + timedelta(days=1)  # all-day ends are exclusive everywhere
    google = (
        GOOGLE
        + "?"
        + urlencode(
            {
                "action": "TEMPLATE",
                "text": name,
                "dates": f"{fair.starts_on:%Y%m%d}/{end:%Y%m%d}",
                "details": page,
                "location": place,
                "ctz": "Europe/Minsk",
            }
        )
    )
    outlook = (
        OUTLOOK
        + "?"
        + urlencode(
            {
                "path": "/calendar/action/compose",
                "rru": "addevent",
                "subject": name,
                "startdt": fair.starts_on.isoformat(),
                "enddt": end.isoformat(),
                "allday": "true",
                "location": place,
                "body": page,
            }
        )
    )
    return CalendarLinks(
        download=path, https=url, webcal=webcal(url), google=google, outlook=outlook
    )


def event_links(fair: Fair, item: ProgrammeEvent, *, lang: str) -> CalendarLinks:
    path = url_for("calendars.event", slug=fair.slug, event_id=item.id)
    url = absolute(path)
    title = f"{localized(item, 'title', lang)} · {localized(fair, 'name', lang)}"
    place = ", ".join(
        p
        for p in (
            localized(item, "hall", lang),
            localized(fair.venue, "name", lang),
            localized(fair.venue.city, "name", lang),
        )
        if p
    )
    page = absolute(url_for("catalogue.fair", slug=fair.slug)) + f"#event-{item.id}"
    start, end = item.starts_at.astimezone(MINSK), item.ends_at.astimezone(MINSK)
    google = (
        GOOGLE
        + "?"
        + urlencode(
            {
                "action": "TEMPLATE",
                "text": title,
                "dates": f"{start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}",
                "details": page,
                "location": place,
                "ctz": "Europe/Minsk",
            }
        )
    )
    outlook = (
        OUTLOOK
        + "?"
        + urlencode(
            {
                "path": "/calendar/action/compose",
                "rru": "addevent",
                "subject": title,
                "startdt": start.isoformat(),
                "enddt": end.isoformat(),
                "location": place,
                "body": page,
            }
        )
    )
    return CalendarLinks(
        download=path, https=url, webcal=webcal(url), google=google, outlook=outlook
    )
