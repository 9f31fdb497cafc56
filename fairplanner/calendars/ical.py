"""Pure iCalendar builders (RFC 5545 / 7986): no request, no database, no writes.

The view loads the fairs with their venue, organizer, sectors and programme, translates the
few labels, and calls `build_calendar`. UIDs are stable ids plus the configured domain, so an
edit updates the entry in every subscribed calendar instead of adding a copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vDuration, vGeo, vText

from fairplanner.catalogue.models import Fair, FairStatus, ProgrammeEvent
from fairplanner.i18n import MINSK, localized

PRODID = "-//FairPlanner//Trade fairs in Belarus//RU"
# VTIMEZONE rules from here on are enough for anything a feed holds, and keep it short.
TIMEZONE_HISTORY_FROM = date(2015, 1, 1)


@dataclass(frozen=True)
class Labels:
    """Translated words the builders need (the view knows the language; builders do not)."""

    cancelled: str  # "Cancelled:"
    organizer: str  # "Organizer"
    more: str  # "Details and registration"
    statuses: Mapping[str, str] = field(default_factory=dict)  # registration status -> words
    your_application: str = ""  # "Your application"


@dataclass(frozen=True)
class Context:
    lang: str
    domain: str
    base_url: str
    now: datetime
    labels: Labels


@dataclass(frozen=True)
class Entry:
    """A fair in a feed, with the company's own application where the feed is private."""

    fair: Fair
    status: str | None = None  # the registration status, private feeds only
    version: int = 0  # grows when the registration changes
    owner: int | None = None  # the company, private feeds only (its own UIDs)
    role: str | None = None  # a company may both exhibit and visit: one entry each


def _uid(kind: str, ident: int, ctx: Context, entry: Entry) -> str:
    scope = f".c{entry.owner}-{entry.role}" if entry.owner is not None else ""
    return f"{kind}-{ident}{scope}@{ctx.domain}"


def _location(fair: Fair, ctx: Context, hall: str | None = None) -> str:
    venue = fair.venue
    parts = [
        hall,
        localized(venue, "name", ctx.lang),
        localized(venue, "address", ctx.lang),
        localized(venue.city, "name", ctx.lang),
    ]
    return ", ".join(p for p in parts if p)


def _summary(title: str, fair: Fair, entry: Entry, ctx: Context) -> str:
    if fair.status == FairStatus.CANCELLED:
        title = f"{ctx.labels.cancelled} {title}"
    if entry.status:
        title = f"{title} [{ctx.labels.statuses.get(entry.status, entry.status)}]"
    return title


def _common(event: Event, fair: Fair, entry: Entry, ctx: Context, url: str) -> None:
    event.add("dtstamp", ctx.now)
    event.add("status", "CANCELLED" if fair.status == FairStatus.CANCELLED else "CONFIRMED")
    event.add("url", url)
    event.add("class", "PUBLIC" if entry.owner is None else "PRIVATE")


def fair_event(entry: Entry, ctx: Context) -> Event:
    """The fair as an all-day event: DATE values with an exclusive end."""
    fair = entry.fair
    url = f"{ctx.base_url}/fairs/{fair.slug}"
    event = Event()
    event.add("uid", _uid("fair", fair.id, ctx, entry))
    event.add("summary", _summary(localized(fair, "name", ctx.lang), fair, entry, ctx))
    event.add("dtstart", fair.starts_on)
    event.add("dtend", fair.ends_on + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a multi-day fair does not make the whole week busy
    event.add("created", fair.created_at)
    event.add("last-modified", fair.updated_at)
    event.add("sequence", fair.revision + entry.version)
    event.add("location", _location(fair, ctx))
    if fair.venue.latitude is not None and fair.venue.longitude is not None:
        event.add("geo", vGeo((fair.venue.latitude, fair.venue.longitude)))
    categories = [localized(s, "name", ctx.lang) for s in fair.sectors]
    if categories:
        event.add("categories", categories)
    lines = []
    if entry.status:
        lines.append(
            f"{ctx.labels.your_application}: {ctx.labels.statuses.get(entry.status, entry.status)}"
        )
    if fair.status == FairStatus.CANCELLED:
        reason = localized(fair, "cancel_reason", ctx.lang)
        lines.append(f"{ctx.labels.cancelled} {reason}".strip())
    lines.append(localized(fair, "description", ctx.lang))
    lines.append(f"{ctx.labels.organizer}: {localized(fair.organizer, 'name', ctx.lang)}")
    lines.append(f"{ctx.labels.more}: {url}")
    event.add("description", "\n\n".join(line for line in lines if line))
    _common(event, fair, entry, ctx, url)
    return event


def programme_event(item: ProgrammeEvent, entry: Entry, ctx: Context) -> Event:
    """A programme item as a timed event in Europe/Minsk."""
    fair = entry.fair
    url = f"{ctx.base_url}/fairs/{fair.slug}#event-{item.id}"
    fair_name = localized(fair, "name", ctx.lang)
    event = Event()
    event.add("uid", _uid("event", item.id, ctx, entry))
    event.add(
        "summary", _summary(f"{localized(item, 'title', ctx.lang)} · {fair_name}", fair, entry, ctx)
    )
    event.add("dtstart", item.starts_at.astimezone(MINSK))
    event.add("dtend", item.ends_at.astimezone(MINSK))
    event.add("created", item.created_at)
    event.add("last-modified", max(item.updated_at, fair.updated_at))
    # Either the item or the fair (its place, its status) may change.
    event.add("sequence", item.revision + fair.revision + entry.version)
    event.add("location", _location(fair, ctx, hall=localized(item, "hall", ctx.lang) or None))
    if fair.venue.latitude is not None and fair.venue.longitude is not None:
        event.add("geo", vGeo((fair.venue.latitude, fair.venue.longitude)))
    description = [localized(item, "description", ctx.lang), f"{ctx.labels.more}: {url}"]
    event.add("description", "\n\n".join(d for d in description if d))
    _common(event, fair, entry, ctx, url)
    return event


def build_calendar(
    entries: Iterable[Entry],
    ctx: Context,
    *,
    name: str,
    refresh: timedelta,
    programme: bool = True,
    only: ProgrammeEvent | None = None,
) -> Calendar:
    """A whole VCALENDAR: the fairs (and their programmes), or just the one programme item."""
    # icalendar escapes line breaks in event text, but not in the calendar's own NAME.
    name = " ".join(name.split())
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-timezone", "Europe/Minsk")
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    for entry in entries:
        if only is not None:
            calendar.add_component(programme_event(only, entry, ctx))
            continue
        calendar.add_component(fair_event(entry, ctx))
        if programme:
            for item in entry.fair.programme:
                calendar.add_component(programme_event(item, entry, ctx))
    calendar.add_missing_timezones(first_date=TIMEZONE_HISTORY_FROM)
    return calendar
