"""Season plans as iCalendar files (RFC 5545): the VEVENTs of Google, Outlook, Apple and
Thunderbird exports, and the app's own feeds.

Times come back in Minsk time whatever zone the file writes them in: UTC ("Z"), an Olson TZID
with its VTIMEZONE (Europe/Minsk, Europe/Moscow), or the Windows zone names Outlook uses
("Belarus Standard Time"), which icalendar maps to Olson names. A time without a zone
(floating) is taken as Minsk time. All-day events end the day before their exclusive DTEND.
"""

from __future__ import annotations

import html
import re
import warnings
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from icalendar.error import GloballyUniqueTZIDGuessed
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from fairplanner.i18n import MINSK
from fairplanner.imports.rows import MAX_ROWS, ImportFileError, PlanRow, check_ids, split_list

ONE_DAY = timedelta(days=1)
# FairPlanner's own feeds (fairplanner.calendars.ical): besides one event per fair ("fair-N@"),
# they hold programme items, registration deadlines and B2B meetings, which are no fairs.
OWN_ITEMS = re.compile(r"^(?:event|deadline|meeting)-\d+[.@]")
# What those feeds put before the name of a cancelled fair, in either language.
CANCELLED_PREFIXES = ("Отменено:", "Cancelled:")
COUNTRIES = {"беларусь", "республика беларусь", "belarus", "россия", "russia", "рб"}


def _zone(tzid: str | None, calendar: Calendar) -> Any:
    """The zone a TZID names: Olson, Windows, or the file's own VTIMEZONE; else Minsk."""
    if not tzid:
        return MINSK
    tzid = tzid.strip('"')
    # Old Thunderbird writes "/mozilla.org/20050126_1/Europe/Minsk": its last two parts.
    tail = "/".join(tzid.split("/")[-2:])
    for name in (tzid, WINDOWS_TO_OLSON.get(tzid), tail):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
    for timezone in calendar.walk("VTIMEZONE"):
        if str(timezone.get("TZID")) == tzid:
            try:
                return timezone.to_tz()
            except (ValueError, TypeError, KeyError, AttributeError):  # broken: take Minsk
                break
    return MINSK


def _when(event: Any, name: str, calendar: Calendar) -> date | datetime | None:
    prop = event.get(name)
    if isinstance(prop, list):  # the property twice: the first counts
        prop = prop[0]
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_zone(prop.params.get("TZID"), calendar))
        return value.astimezone(MINSK)
    if isinstance(value, date):
        return value
    return None


def _text(event: Any, name: str) -> str:
    value = event.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()


TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
# What a tag becomes: line breaks where the editor showed them, bullets for list items.
BREAKS = {"br": ("\n", ""), "li": ("\n• ", ""), "ul": ("\n", "\n"), "ol": ("\n", "\n")}
BLOCKS = {"p", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}


def plain(value: str) -> str:
    """A DESCRIPTION as text: Google Calendar keeps what its editor wrote as HTML
    ("<b>Вход</b> свободный<br>…"); line breaks stay, tags and entities go."""
    if not TAG.search(value):
        return value.strip()

    def replace(m: re.Match[str]) -> str:
        name, closing = m[2].lower(), bool(m[1])
        if name in BLOCKS:
            return "\n" if closing else ""
        opening_text, closing_text = BREAKS.get(name, ("", ""))
        return closing_text if closing else opening_text

    text = html.unescape(TAG.sub(replace, value)).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _place(location: str) -> tuple[str, str]:
    """(venue, city) from "Футбольный манеж, пр. Победителей 20/2, Минск, Беларусь": the first
    part and the last, when there are several (Apple puts the address on a new line)."""
    parts = [p.strip() for p in re.split(r"[,\n]", location) if p.strip()]
    while len(parts) > 1 and (parts[-1].lower() in COUNTRIES or parts[-1].isdigit()):
        parts.pop()  # "…, Минск, Беларусь", "…, 220000"
    if len(parts) < 2:
        return location.strip(), ""
    city = parts[-1]
    for prefix in ("г. ", "г.", "город "):
        city = city.removeprefix(prefix)
    if any(ch.isdigit() for ch in city):  # a postcode or a house number, not a city
        return parts[0], ""
    return parts[0], city.strip()


def _categories(event: Any) -> list[str]:
    found: list[str] = []
    values = event.get("CATEGORIES")
    if values is None:
        return found
    for value in values if isinstance(values, list) else [values]:
        for cat in getattr(value, "cats", None) or [str(value)]:
            found += [c for c in split_list(str(cat)) if c not in found]
    return found


def _all_day(event: Any, start: datetime, end: datetime | None) -> bool:
    """Outlook (and older exports) write an all-day event as midnight to midnight."""
    flag = _text(event, "X-MICROSOFT-CDO-ALLDAYEVENT").upper() == "TRUE"
    whole = isinstance(end, datetime) and end > start and start.time() == end.time() == time(0)
    return flag or whole


def _dates(row: PlanRow, event: Any, calendar: Calendar) -> bool:
    """Set the row's dates (and Minsk times for a timed event); False when there is no start,
    or the values are no dates."""
    try:
        return _read_dates(row, event, calendar)
    except (ValueError, TypeError, AttributeError, OverflowError):
        row.starts_on = row.ends_on = row.starts_at = row.ends_at = None
        return False


def _read_dates(row: PlanRow, event: Any, calendar: Calendar) -> bool:
    start = _when(event, "DTSTART", calendar)
    end = _when(event, "DTEND", calendar)
    length = event.get("DURATION")
    if start is None:
        return False
    if end is None and length is not None and not isinstance(length, list):
        end = start + length.dt
    if isinstance(start, datetime) and _all_day(event, start, end):
        start = start.date()
        end = end.date() if isinstance(end, datetime) else end
    if isinstance(start, datetime):
        row.starts_at, row.starts_on = start, start.date()
        if isinstance(end, datetime) and end >= start:
            row.ends_at = end
            # An end at midnight belongs to the day before (10:00 to 00:00 is one day).
            row.ends_on = (end - timedelta(microseconds=1)).date() if end > start else end.date()
        return True
    row.starts_on = start
    if isinstance(end, date) and not isinstance(end, datetime) and end > start:
        row.ends_on = end - ONE_DAY  # DTEND of an all-day event is exclusive
    return True


def parse_ics(data: bytes) -> list[PlanRow]:
    """One PlanRow per VEVENT (a recurring event's instances are not expanded)."""
    try:
        with warnings.catch_warnings():
            # "/mozilla.org/20050126_1/Europe/Minsk" (old Thunderbird): icalendar warns that it
            # guesses "Europe/Minsk" from it, which is what we would do.
            warnings.simplefilter("ignore", GloballyUniqueTZIDGuessed)
            calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError):
        raise ImportFileError(_l("The file is not a calendar (iCalendar).")) from None
    if isinstance(calendar, list):  # several VCALENDARs in one file
        calendar = calendar[0]
    if calendar.name != "VCALENDAR":
        raise ImportFileError(_l("The file is not a calendar (iCalendar)."))
    rows: list[PlanRow] = []
    for line, event in enumerate(calendar.walk("VEVENT"), start=1):
        if OWN_ITEMS.match(_text(event, "UID")):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _l("The file has more than %(count)s events; split it.", count=MAX_ROWS)
            )
        venue, city = _place(_text(event, "LOCATION"))
        name = " ".join(_text(event, "SUMMARY").split())
        cancelled = _text(event, "STATUS").upper() == "CANCELLED"
        for prefix in CANCELLED_PREFIXES:
            if cancelled and name.startswith(prefix):
                name = name.removeprefix(prefix).strip()
        row = PlanRow(
            line=line,
            name_ru=name,
            description_ru=plain(_text(event, "DESCRIPTION")),
            venue=venue,
            city=city,
            website=_text(event, "URL"),
            external_id=_text(event, "UID"),
            sectors=_categories(event),
            cancelled=cancelled,
        )
        if (again := event.get("RECURRENCE-ID")) is not None:
            # A changed instance of a recurring event shares its UID with the series.
            row.external_id = f"{row.external_id}#{again.dt.isoformat()}"
        known = _dates(row, event, calendar)
        if not known:
            row.errors.append(_l("The event has no start date."))
        rows.append(row.check(start_reported=not known))
    if not rows:
        raise ImportFileError(_l("The calendar has no events."))
    return check_ids(rows)
