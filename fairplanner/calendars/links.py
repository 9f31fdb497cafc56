"""Links of the "Add to calendar" menu: download, subscribe, Google Calendar, Outlook.com."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from fairplanner.catalogue.models import Fair, FairStatus, ProgrammeEvent
from fairplanner.core.urls import public_url
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
    # A cancelled fair: only the download, whose CANCELLED entry updates a calendar that holds
    # the fair; Google's and Outlook's "add" links would create a normal event.
    cancelled: bool = False
    about: str | None = None  # what the calendar holds, in the interface's language
    # The same feed with more in it (the public feed with the fairs' programmes).
    programme: CalendarLinks | None = None


absolute = public_url


def webcal(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("webcal", *parts[1:]))


def feed_links(path: str) -> CalendarLinks:
    """Links for a subscription feed at `path` (with its query string). The public feed's say
    what it holds and offer its variant with the programmes (`detail=programme`)."""
    url = absolute(path)
    links = CalendarLinks(download=path, https=url, webcal=webcal(url))
    parts = urlsplit(path)
    if parts.path != url_for("calendars.public_feed"):
        return links
    days = current_app.config["FEED_PAST_DAYS"]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "detail"]
    full = urlunsplit(("", "", parts.path, urlencode([*query, ("detail", "programme")]), ""))
    full_url = absolute(full)
    return replace(
        links,
        about=ngettext(
            "One entry per fair: the fairs to come and those that ended in the last %(num)d"
            " day. Each fair's programme is in its own calendar on the fair's page.",
            "One entry per fair: the fairs to come and those that ended in the last %(num)d"
            " days. Each fair's programme is in its own calendar on the fair's page.",
            days,
        ),
        programme=CalendarLinks(
            download=full,
            https=full_url,
            webcal=webcal(full_url),
            about=_(
                "With programmes: every seminar, B2B session and other item of these fairs"
                " as an event of its own (a much larger calendar)."
            ),
        ),
    )


def _google(text: str, dates: str, *, details: str, location: str) -> str:
    query = {
        "action": "TEMPLATE",
        "text": text,
        "dates": dates,
        "details": details,
        "location": location,
        "ctz": "Europe/Minsk",
    }
    return f"{GOOGLE}?{urlencode(query)}"


def _outlook(subject: str, start: str, end: str, *, body: str, location: str, all_day: bool) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": subject,
        "startdt": start,
        "enddt": end,
        "location": location,
        "body": body,
    }
    if all_day:
        query["allday"] = "true"
    return f"{OUTLOOK}?{urlencode(query)}"


def _utc(moment: datetime) -> str:
    """Outlook's compose link documents UTC ("…Z") or floating local times, not offsets."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _place(*parts: str | None) -> str:
    return ", ".join(p for p in parts if p)


def fair_links(fair: Fair, *, lang: str) -> CalendarLinks:
    """The menu for a whole fair: all-day, with an exclusive end as every calendar expects."""
    path = url_for("calendars.fair", slug=fair.slug, lang=lang)
    url = absolute(path)
    if fair.status == FairStatus.CANCELLED:
        return CalendarLinks(download=path, https=url, webcal=webcal(url), cancelled=True)
    name = localized(fair, "name", lang)
    place = _place(localized(fair.venue, "name", lang), localized(fair.venue.city, "name", lang))
    about = (
        _("The .ics file and the subscription hold the fair and every item of its programme.")
        if fair.programme
        else None
    )
    page = absolute(url_for("catalogue.fair", slug=fair.slug))
    end = fair.ends_on + timedelta(days=1)
    return CalendarLinks(
        download=path,
        https=url,
        webcal=webcal(url),
        google=_google(name, f"{fair.starts_on:%Y%m%d}/{end:%Y%m%d}", details=page, location=place),
        outlook=_outlook(
            name,
            fair.starts_on.isoformat(),
            end.isoformat(),
            body=page,
            location=place,
            all_day=True,
        ),
        about=about,
    )


def event_links(fair: Fair, item: ProgrammeEvent, *, lang: str) -> CalendarLinks:
    """The menu for one programme item, in Minsk time."""
    path = url_for("calendars.event", slug=fair.slug, event_id=item.id, lang=lang)
    url = absolute(path)
    if fair.status == FairStatus.CANCELLED:
        return CalendarLinks(download=path, https=url, webcal=webcal(url), cancelled=True)
    title = f"{localized(item, 'title', lang)} · {localized(fair, 'name', lang)}"
    place = _place(
        localized(item, "hall", lang),
        localized(fair.venue, "name", lang),
        localized(fair.venue.city, "name", lang),
    )
    page = absolute(url_for("catalogue.fair", slug=fair.slug)) + f"#event-{item.id}"
    start, end = item.starts_at.astimezone(MINSK), item.ends_at.astimezone(MINSK)
    return CalendarLinks(
        download=path,
        https=url,
        webcal=webcal(url),
        google=_google(
            title, f"{start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}", details=page, location=place
        ),
        outlook=_outlook(title, _utc(start), _utc(end), body=page, location=place, all_day=False),
    )
