"""iCalendar (RFC 5545 / 7986) writer: no request, no database, no writes.

The view loads the fairs with their venue, organizer, sectors and programme, translates the
few labels, and calls `build_calendar`. UIDs are stable ids plus the configured domain, so an
edit updates the entry in every subscribed calendar instead of adding a copy.

Feeds hold tens of thousands of events, so the content lines are written here directly, as
UTF-8 bytes, rather than through icalendar's component objects (about 15 times slower). The
output is the one icalendar writes — the same property order, TEXT escaping and folding at
75 octets without splitting a UTF-8 character or an escape — and the tests parse every
calendar with both icalendar and vobject. icalendar still provides the Europe/Minsk
VTIMEZONE, built once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from icalendar import Calendar, Event

from fairplanner.catalogue.models import Fair, FairStatus, ProgrammeEvent
from fairplanner.i18n import MINSK, localized

PRODID = "-//FairPlanner//Trade fairs in Belarus//RU"
# VTIMEZONE rules from here on are enough for anything a feed holds, and keep it short.
TIMEZONE_HISTORY_FROM = date(2015, 1, 1)
TZID = "Europe/Minsk"
# A folded line holds at most 74 octets after its leading space (75 with it), as icalendar's.
FOLD_AT = 74
CRLF = "\r\n"
PARAGRAPH = "\n\n"
ONE_DAY = timedelta(days=1)
# What TEXT may not hold once line breaks are escaped: the C0 controls but tab, and DEL.
CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class Labels:
    """Translated words the builders need (the view knows the language; builders do not)."""

    cancelled: str  # "Cancelled:"
    organizer: str  # "Organizer"
    more: str  # "Details and registration"
    statuses: Mapping[str, str] = field(default_factory=dict)  # registration status -> words
    your_application: str = ""  # "Your application"
    removed: str = ""  # "This item was removed from the programme."
    deadline: str = ""  # "Registration closes:"
    apply: str = ""  # "Apply as an exhibitor"
    stand: str = ""  # "Hall: %(hall)s, stand: %(stand)s"
    # B2B meetings (`meeting_event`).
    meeting: str = "B2B: %(partner)s"
    partner: str = "Partner"
    attendees: str = "Attendees"
    phone: str = "Phone"
    email: str = "Email"
    message: str = "Message"
    fair: str = "Fair"
    reason: str = "Reason"
    meetings: str = "Your meetings"


@dataclass(frozen=True)
class Context:
    lang: str
    domain: str
    base_url: str
    labels: Labels
    # The publisher's address, for the ORGANIZER that a METHOD:CANCEL calendar must name.
    sender: str = ""
    # VALARM reminders (`alarms`), for a company that asked for them; never in public feeds.
    alarms: bool = False


@dataclass(frozen=True)
class Entry:
    """A fair in a feed, with the company's own application where the feed is private."""

    fair: Fair
    status: str | None = None  # the registration status, private feeds only
    version: int = 0  # grows when the registration changes
    # When the registration last changed (private feeds only): its status is part of the
    # event, so it moves LAST-MODIFIED (and DTSTAMP) as it moves SEQUENCE.
    changed_at: datetime | None = None
    owner: int | None = None  # the company, private feeds only (its own UIDs)
    role: str | None = None  # a company may both exhibit and visit: one entry each
    # An approved exhibitor's hall and stand (private feeds only): the fair event's LOCATION
    # starts with them and its DESCRIPTION names them. Assigning one changes the registration,
    # so its version (SEQUENCE) and changed_at (LAST-MODIFIED) move with it.
    hall: str | None = None
    stand: str | None = None
    # Deleted programme items (DeletedProgrammeEvent rows) to carry as cancelled events.
    deleted: Sequence[Any] = ()
    # With an all-day event for the fair's registration deadline (`_deadline_event`).
    deadline: bool = False
    # The fair's alarms (with Context.alarms): on one entry per fair, when a company both
    # exhibits and visits.
    remind: bool = True


@dataclass(frozen=True)
class MeetingEntry:
    """A B2B meeting in one company's calendar, seen from that company, its texts already in
    the calendar's language (fairplanner.calendars.private makes them). Its UID is the
    meeting's own, the same in both companies' calendars and in the mail's .ics."""

    id: int
    starts_at: datetime
    ends_at: datetime
    sequence: int  # Meeting.sequence: grows with every change the calendars show
    created_at: datetime
    updated_at: datetime  # LAST-MODIFIED and DTSTAMP
    partner: str  # the other company's name
    cancelled: bool = False
    country: str = ""  # the partner's country
    # The partner's people and contacts (only while the meeting is agreed).
    attendees: Sequence[str] = ()
    phone: str = ""
    email: str = ""
    message: str = ""  # the requester's message
    table: str = ""  # "Стол 4, Павильон 1"
    place: str = ""  # "<venue>, <city>"
    fair: str = ""  # the fair's name
    cause: str = ""  # a cancelled one: why, in words
    reason: str = ""  # a cancelled one: the reason given
    url: str = ""  # the company's meetings page


# Values ------------------------------------------------------------------------------------


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11); every line break becomes \\n, so none can end the
    property early, and other control characters, which TEXT does not allow, are dropped."""
    value = (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )
    return value if value.isprintable() else CONTROL.sub("", value)


def day(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def utc(value: datetime) -> str:
    """YYYYMMDDTHHMMSSZ; a naive value is UTC already (as SQLite returns stored ones)."""
    v = value if value.tzinfo is UTC or value.tzinfo is None else value.astimezone(UTC)
    # "2026-09-29T07:00:00" -> "20260929T070000Z"; isoformat is the quickest way there.
    return f"{v.isoformat(timespec='seconds')[:19].replace('-', '').replace(':', '')}Z"


def local(value: datetime) -> str:
    """Minsk wall time, YYYYMMDDTHHMMSS; a naive value is taken as UTC, like `utc`."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    # "2026-09-29T10:00:00" -> "20260929T100000"; isoformat is the quickest way there.
    iso = value.astimezone(MINSK).isoformat(timespec="seconds")
    return iso[:19].replace("-", "").replace(":", "")


def duration(value: timedelta) -> str:
    days, seconds = value.days, value.seconds
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    return (
        f"P{f'{days}D' if days else ''}{f'T{clock}' if clock else ''}" if days or clock else "PT0S"
    )


def _fits(line: str) -> bool:
    return len(line) <= FOLD_AT and line.isascii()


def fold_line(line: str) -> str:
    """One content line, folded (`fold_bytes`); most lines are short and returned as they are."""
    if len(line) <= FOLD_AT // 4 or (len(line) <= FOLD_AT and line.isascii()):
        return line
    data = line.encode()
    if len(data) <= FOLD_AT:
        return line
    return fold_bytes(data).decode()


def fold_encoded(line: str) -> bytes:
    """One content line in UTF-8, folded (`fold_bytes`)."""
    data = line.encode()
    return data if len(data) <= FOLD_AT else fold_bytes(data)


def fold_bytes(data: bytes) -> bytes:
    """One content line, folded at 75 octets; never inside a UTF-8 character, and never just
    after a backslash, so that an escape stays whole on one line."""
    if len(data) <= FOLD_AT:
        return data
    parts = []
    start, size = 0, len(data)
    while size - start > FOLD_AT:
        end = start + FOLD_AT
        while data[end] & 0xC0 == 0x80:  # a continuation byte: back to the character's start
            end -= 1
        if data[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)


@cache
def vtimezone() -> str:
    """Europe/Minsk as icalendar derives it from the tz database (computed once), without
    its final line break."""
    calendar = Calendar()
    event = Event()
    event.add("dtstart", datetime(2020, 1, 1, tzinfo=MINSK))
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=TIMEZONE_HISTORY_FROM)
    return calendar.walk("VTIMEZONE")[0].to_ical().decode().removesuffix(CRLF)


# Alarms before an all-day event: a week and a day before the registration deadline, a day
# before the fair opens (RFC 5545 3.6.6; relative to DTSTART).
DEADLINE_ALARMS = (timedelta(days=7), ONE_DAY)
OPENING_ALARMS = (ONE_DAY,)
# Before a B2B meeting: time to find the table.
MEETING_ALARMS = (timedelta(minutes=15),)


def alarms(description: str, before: Iterable[timedelta]) -> str:
    """VALARM components that show `description` (TEXT, escaped) `before` the event starts;
    each line ends with CRLF."""
    return "".join(
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\n"
        f"{fold_line(f'DESCRIPTION:{description}')}\r\n"
        f"TRIGGER:-{duration(ahead)}\r\nEND:VALARM\r\n"
        for ahead in before
    )


# Events ------------------------------------------------------------------------------------


class _Fair:
    """What every event of one fair (and one application) shares, worked out once."""

    def __init__(self, entry: Entry, ctx: Context, places: dict[int, tuple[str, str]]) -> None:
        self.entry, self.ctx = entry, ctx
        fair, labels = entry.fair, ctx.labels
        lang = ctx.lang
        self.cancelled = fair.status == FairStatus.CANCELLED
        self.prefix = text(f"{labels.cancelled} ") if self.cancelled else ""
        status = labels.statuses.get(entry.status, entry.status) if entry.status else ""
        self.suffix = text(f" [{status}]") if status else ""
        self.name = text(localized(fair, "name", lang))
        self.page = f"{ctx.base_url}/fairs/{fair.slug}"
        self.scope = (
            f".c{entry.owner}-{entry.role}@{ctx.domain}"
            if entry.owner is not None
            else f"@{ctx.domain}"
        )
        venue = fair.venue
        # Thousands of fairs share a few dozen venues: each one's lines are made once.
        known = places.get(id(venue))
        if known is None:
            place = (
                localized(venue, "name", lang),
                localized(venue, "address", lang),
                localized(venue.city, "name", lang),
            )
            geo = venue.latitude is not None and venue.longitude is not None
            known = places[id(venue)] = (
                text(", ".join(p for p in place if p)),
                f"GEO:{venue.latitude};{venue.longitude}\r\n" if geo else "",
            )
        self.place, self.geo = known
        self.stand = (
            labels.stand % {"hall": entry.hall, "stand": entry.stand}
            if entry.hall and entry.stand and labels.stand
            else ""
        )
        self.status = "CANCELLED" if self.cancelled else "CONFIRMED"
        # The event's revision time. DTSTAMP is the same moment rather than the build time,
        # so one revision of the data gives the same bytes in every process, at any hour:
        # the body under an ETag never changes (RFC 5546 lets a published event carry the
        # time its information was created).
        self.modified = (
            fair.updated_at
            if entry.changed_at is None or entry.changed_at <= fair.updated_at
            else entry.changed_at
        )
        self.access = "PUBLIC" if entry.owner is None else "PRIVATE"


class _Memo(dict[Any, Any]):
    """Values formatted once per calendar: timestamps, the texts that repeat (halls, titles),
    whole LOCATION lines (one per hall and fair)."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, value: Any) -> Any:
        made = self[value] = self.make(value)
        return made


class _Memos:
    def __init__(self) -> None:
        self.utc = _Memo(utc)
        self.local = _Memo(local)
        self.day = _Memo(day)
        self.text = _Memo(text)
        self.line = _Memo(fold_line)
        # The same as UTF-8, for the programme events, which are written as bytes.
        self.utc_bytes = _Memo(lambda value: self.utc[value].encode())
        self.local_bytes = _Memo(lambda value: self.local[value].encode())
        self.line_bytes = _Memo(fold_encoded)


def _fair_event(shared: _Fair, memos: _Memos) -> bytes:
    """The fair as an all-day event: DATE values with an exclusive end; in UTF-8."""
    entry, ctx = shared.entry, shared.ctx
    fair, labels, lang = entry.fair, ctx.labels, ctx.lang
    lines = []
    if entry.status:
        status = labels.statuses.get(entry.status, entry.status)
        lines.append(f"{labels.your_application}: {status}")
    if shared.stand:
        lines.append(shared.stand)
    if shared.cancelled:
        lines.append(f"{labels.cancelled} {localized(fair, 'cancel_reason', lang)}".strip())
    lines.append(localized(fair, "description", lang))
    lines.append(f"{labels.organizer}: {localized(fair.organizer, 'name', lang)}")
    lines.append(f"{labels.more}: {shared.page}")
    categories = ",".join(memos.text[localized(s, "name", lang)] for s in fair.sectors)
    description = text(PARAGRAPH.join(line for line in lines if line))
    stamp = memos.utc[shared.modified]
    return b"\r\n".join(
        [
            b"BEGIN:VEVENT",
            fold_encoded(f"SUMMARY:{shared.prefix}{shared.name}{shared.suffix}"),
            (
                f"DTSTART;VALUE=DATE:{memos.day[fair.starts_on]}\r\n"
                f"DTEND;VALUE=DATE:{memos.day[fair.ends_on + ONE_DAY]}\r\n"
                f"DTSTAMP:{stamp}"
            ).encode(),
            fold_encoded(f"UID:fair-{fair.id}{shared.scope}"),
            (
                f"SEQUENCE:{fair.revision + entry.version}\r\n"
                + (f"{fold_line(f'CATEGORIES:{categories}')}\r\n" if categories else "")
                + f"CLASS:{shared.access}\r\n"
                f"CREATED:{memos.utc[fair.created_at]}"
            ).encode(),
            fold_encoded(f"DESCRIPTION:{description}"),
            f"{shared.geo}LAST-MODIFIED:{stamp}".encode(),
            memos.line_bytes[
                f"LOCATION:{text(shared.stand + ', ')}{shared.place}"
                if shared.stand
                else f"LOCATION:{shared.place}"
            ],
            # A multi-day fair does not make the whole week busy.
            f"STATUS:{shared.status}\r\nTRANSP:TRANSPARENT".encode(),
            fold_encoded(f"URL:{shared.page}"),
            *(
                [alarms(shared.name, OPENING_ALARMS).removesuffix(CRLF).encode()]
                if ctx.alarms and entry.remind and not shared.cancelled
                else []
            ),
            b"END:VEVENT",
        ]
    )


def _deadline_event(shared: _Fair, memos: _Memos) -> bytes:
    """The fair's registration deadline as an all-day event, its own UID (per company in a
    private feed), its SEQUENCE the number of times the deadline moved (one more once the
    fair is cancelled), its DTSTAMP the fair's last change: the same bytes until one of them
    changes. In UTF-8."""
    entry, ctx = shared.entry, shared.ctx
    fair, labels, lang = entry.fair, ctx.labels, ctx.lang
    deadline = fair.registration_deadline
    company = f".c{entry.owner}" if entry.owner is not None else ""
    summary = text(f"{labels.deadline} ") + shared.name
    lines = []
    if shared.cancelled:
        lines.append(f"{labels.cancelled} {localized(fair, 'cancel_reason', lang)}".strip())
    else:
        lines.append(f"{labels.apply}: {shared.page}/register/exhibitor")
    lines.append(f"{labels.more}: {shared.page}")
    description = text(PARAGRAPH.join(lines))
    stamp = memos.utc[fair.updated_at]
    sequence = (fair.deadline_revision or 0) + (1 if shared.cancelled else 0)
    remind = ctx.alarms and not shared.cancelled
    return (
        "BEGIN:VEVENT\r\n"
        f"{fold_line(f'SUMMARY:{shared.prefix}{summary}')}\r\n"
        f"DTSTART;VALUE=DATE:{memos.day[deadline]}\r\n"
        f"DTEND;VALUE=DATE:{memos.day[deadline + ONE_DAY]}\r\n"
        f"DTSTAMP:{stamp}\r\n"
        f"{fold_line(f'UID:deadline-{fair.id}{company}@{ctx.domain}')}\r\n"
        f"SEQUENCE:{sequence}\r\n"
        f"CLASS:{shared.access}\r\n"
        f"CREATED:{memos.utc[fair.created_at]}\r\n"
        f"{fold_line(f'DESCRIPTION:{description}')}\r\n"
        f"LAST-MODIFIED:{stamp}\r\n"
        f"STATUS:{shared.status}\r\n"
        "TRANSP:TRANSPARENT\r\n"
        f"{fold_line(f'URL:{shared.page}')}\r\n"
        f"{alarms(summary, DEADLINE_ALARMS) if remind else ''}"
        "END:VEVENT"
    ).encode()


# A programme item as `_programme_events` takes it: these values in this order, the texts in
# the calendar's language (or the other where empty). The public feed selects its rows so
# (fairplanner.calendars.feed); model objects go through `programme_row`. Unpacking a tuple is
# several times quicker than ten attribute lookups, at 50,000 items.
PROGRAMME_ROW = (
    "id",
    "title",
    "description",
    "hall",
    "starts_at",
    "ends_at",
    "created_at",
    "updated_at",
    "revision",
    "fair_id",
)


def programme_row(item: Any, lang: str) -> tuple[Any, ...]:
    """A programme item (a model object) as the tuple `_programme_events` takes."""
    other = "en" if lang == "ru" else "ru"

    def value(name: str) -> Any:
        return getattr(item, f"{name}_{lang}") or getattr(item, f"{name}_{other}", None)

    return (
        item.id,
        value("title") or "",
        value("description"),
        value("hall"),
        item.starts_at,
        item.ends_at,
        item.created_at,
        item.updated_at,
        item.revision,
        item.fair_id,
    )


def _programme_events(items: Iterable[Sequence[Any]], shared: _Fair, memos: _Memos) -> list[bytes]:
    """Programme items (`PROGRAMME_ROW` tuples) as timed events in Europe/Minsk, in UTF-8.

    A feed holds 50,000 of them: each is one `bytes % values` on a template made once per
    fair, its folded lines are never decoded again, and the calendar is joined as bytes (a
    47 MB str joined then encoded took a fifth of the build)."""
    entry, ctx = shared.entry, shared.ctx
    fair = entry.fair
    more = text(f"{ctx.labels.more}: ")
    # Either the item or the fair (its place, its status) may change.
    sequence = fair.revision + entry.version
    # Text values are escaped part by part: TEXT escaping works character by character.
    page = text(shared.page)
    summary_head = f"SUMMARY:{shared.prefix}"
    summary_tail = f" · {shared.name}{shared.suffix}"
    texts, lines = memos.text, memos.line_bytes
    local_time, utc_time = memos.local_bytes, memos.utc_bytes
    place, location_head = shared.place, "LOCATION:"
    plain_location = f"LOCATION:{place}"
    modified = shared.modified

    def constant(value: str) -> bytes:  # a part of the template: no % in it is a format
        return value.encode().replace(b"%", b"%%")

    template = b"".join(
        [
            b"BEGIN:VEVENT\r\n%s\r\n",  # SUMMARY
            constant(f"DTSTART;TZID={TZID}:"),
            b"%s\r\n",
            constant(f"DTEND;TZID={TZID}:"),
            b"%s\r\nDTSTAMP:%s\r\n%s\r\nSEQUENCE:%d\r\n",  # the UID line
            constant(f"CLASS:{shared.access}\r\nCREATED:"),
            b"%s\r\n%s\r\n",  # DESCRIPTION
            constant(f"{shared.geo}LAST-MODIFIED:"),
            b"%s\r\n%s\r\n",  # LOCATION
            constant(f"STATUS:{shared.status}\r\n"),
            b"%s\r\nEND:VEVENT",  # URL
        ]
    )
    # The UID and URL lines differ only by the item's id: short ASCII unless the domain or
    # the address is very long, and then folded like any other line.
    widest = 2**31
    fold_uid = not _fits(f"UID:event-{widest}{shared.scope}")
    fold_url = not _fits(f"URL:{shared.page}#event-{widest}")
    uid_line = b"UID:event-%d" + constant(shared.scope)
    url_line = constant(f"URL:{shared.page}#event-") + b"%d"
    scope, url_head = shared.scope, f"URL:{shared.page}#event-"
    link_head = f"{more}{page}#event-"
    events = []
    append = events.append
    for ident, title, about, hall, starts, ends, created, changed, revision, _ in items:
        description = (
            f"DESCRIPTION:{texts[about]}\\n\\n{link_head}{ident}"
            if about
            else f"DESCRIPTION:{link_head}{ident}"
        )
        stamp = utc_time[modified if changed is None or changed <= modified else changed]
        location = f"{location_head}{texts[hall]}\\, {place}" if hall else plain_location
        append(
            template
            % (
                fold_encoded(f"{summary_head}{texts[title or '']}{summary_tail}"),
                local_time[starts],
                local_time[ends],
                stamp,
                fold_encoded(f"UID:event-{ident}{scope}") if fold_uid else uid_line % ident,
                revision + sequence,
                utc_time[created],
                fold_encoded(description),
                stamp,
                lines[location],
                fold_encoded(f"{url_head}{ident}") if fold_url else url_line % ident,
            )
        )
    return events


def _deleted_events(
    items: Iterable[Any], shared: _Fair, memos: _Memos, *, cancel: bool
) -> list[str]:
    """Deleted programme items (tombstones) as cancelled events: the same UID, a SEQUENCE
    above any the item had (its last revision plus one, with the fair's, which the deletion
    raised too), so that a calendar holding the item marks it cancelled or drops it. `cancel`:
    for a METHOD:CANCEL calendar, which must name its ORGANIZER (RFC 5546 3.2.5)."""
    entry, ctx = shared.entry, shared.ctx
    fair, labels, lang = entry.fair, ctx.labels, ctx.lang
    organizer = ""
    if cancel and ctx.sender:
        # A parameter value: quoted, so no TEXT escapes; no quote or control character in it.
        name = CONTROL.sub("", localized(fair.organizer, "name", lang)).replace('"', "'")
        organizer = fold_line(f'ORGANIZER;CN="{name}":mailto:{ctx.sender}') + CRLF
    events = []
    for item in items:
        title = text(localized(item, "title", lang))
        stamp = memos.utc[item.deleted_at]
        summary = f"SUMMARY:{text(labels.cancelled)} {title} · {shared.name}"
        events.append(
            "BEGIN:VEVENT\r\n"
            f"{fold_line(summary)}\r\n"
            f"DTSTART;TZID={TZID}:{memos.local[item.starts_at]}\r\n"
            f"DTEND;TZID={TZID}:{memos.local[item.ends_at]}\r\n"
            f"DTSTAMP:{stamp}\r\n"
            f"{fold_line(f'UID:event-{item.id}{shared.scope}')}\r\n"
            f"SEQUENCE:{item.revision + fair.revision + entry.version}\r\n"
            f"CLASS:{shared.access}\r\n"
            f"CREATED:{memos.utc[item.created_at]}\r\n"
            f"{fold_line(f'DESCRIPTION:{text(labels.removed)}')}\r\n"
            f"LAST-MODIFIED:{stamp}\r\n"
            f"{memos.line[f'LOCATION:{shared.place}']}\r\n"
            f"{organizer}"
            "STATUS:CANCELLED\r\n"
            f"{fold_line(f'URL:{shared.page}')}\r\n"
            "END:VEVENT"
        )
    return events


def meeting_event(meeting: MeetingEntry, ctx: Context) -> bytes:
    """A B2B meeting as a timed event in Europe/Minsk, in UTF-8: SUMMARY "B2B: <partner>",
    LOCATION "<table>, <hall> — <venue>, <city>", the partner, its people and contacts, the
    message and the link to the company's meetings in DESCRIPTION; STATUS:CANCELLED (and
    "Cancelled:" before the SUMMARY) once cancelled, kept with a SEQUENCE above the last."""
    labels = ctx.labels
    summary = text(labels.meeting % {"partner": meeting.partner})
    if meeting.cancelled:
        summary = f"{text(labels.cancelled)} {summary}"
    blocks = []
    if meeting.cancelled:
        # The cause is a whole phrase ("Cancelled by the organizer").
        lines = [meeting.cause or labels.cancelled]
        if meeting.reason:
            lines.append(f"{labels.reason}: {meeting.reason}")
        blocks.append("\n".join(lines))
    partner = f"{meeting.partner} ({meeting.country})" if meeting.country else meeting.partner
    about = [f"{labels.partner}: {partner}"]
    if meeting.attendees:
        about.append(f"{labels.attendees}: {'; '.join(meeting.attendees)}")
    if meeting.phone:
        about.append(f"{labels.phone}: {meeting.phone}")
    if meeting.email:
        about.append(f"{labels.email}: {meeting.email}")
    blocks.append("\n".join(about))
    if meeting.message:
        blocks.append(f"{labels.message}: {meeting.message}")
    if meeting.fair:
        blocks.append(f"{labels.fair}: {meeting.fair}")
    if meeting.url:
        blocks.append(f"{labels.meetings}: {meeting.url}")
    description = text(PARAGRAPH.join(blocks))
    location = " — ".join(part for part in (meeting.table, meeting.place) if part)
    stamp = utc(meeting.updated_at)
    remind = ctx.alarms and not meeting.cancelled
    return (
        "BEGIN:VEVENT\r\n"
        f"{fold_line(f'SUMMARY:{summary}')}\r\n"
        f"DTSTART;TZID={TZID}:{local(meeting.starts_at)}\r\n"
        f"DTEND;TZID={TZID}:{local(meeting.ends_at)}\r\n"
        f"DTSTAMP:{stamp}\r\n"
        f"{fold_line(f'UID:meeting-{meeting.id}@{ctx.domain}')}\r\n"
        f"SEQUENCE:{meeting.sequence}\r\n"
        "CLASS:PRIVATE\r\n"
        f"CREATED:{utc(meeting.created_at)}\r\n"
        f"{fold_line(f'DESCRIPTION:{description}')}\r\n"
        f"LAST-MODIFIED:{stamp}\r\n"
        + (f"{fold_line(f'LOCATION:{text(location)}')}\r\n" if location else "")
        + f"STATUS:{'CANCELLED' if meeting.cancelled else 'CONFIRMED'}\r\n"
        # A meeting makes its half hour busy; a cancelled one no longer does.
        f"TRANSP:{'TRANSPARENT' if meeting.cancelled else 'OPAQUE'}\r\n"
        + (f"{fold_line(f'URL:{meeting.url}')}\r\n" if meeting.url else "")
        + (alarms(summary, MEETING_ALARMS) if remind else "")
        + "END:VEVENT"
    ).encode()


def build_calendar(
    entries: Iterable[Entry],
    ctx: Context,
    *,
    name: str,
    refresh: timedelta,
    programme: bool = True,
    only: ProgrammeEvent | None = None,
    gone: Any | None = None,
    meetings: Sequence[MeetingEntry] = (),
) -> bytes:
    """A whole VCALENDAR: the fairs (and, with `programme`, their programmes and the deleted
    items they carry), or just the one programme item (`only`), or just the cancellation of
    one deleted item (`gone`, a DeletedProgrammeEvent: METHOD:CANCEL); then the company's
    B2B `meetings`."""
    name = text(" ".join(name.split()))
    memos = _Memos()
    places: dict[int, tuple[str, str]] = {}  # by id(): the venues live as long as `entries`
    events: list[bytes] = []
    # Timed events refer to the VTIMEZONE by its TZID.
    timed = only is not None or gone is not None
    for entry in entries:
        shared = _Fair(entry, ctx, places)
        if gone is not None:
            events += [e.encode() for e in _deleted_events([gone], shared, memos, cancel=True)]
            continue
        if only is not None:
            events += _programme_events([programme_row(only, ctx.lang)], shared, memos)
            continue
        events.append(_fair_event(shared, memos))
        if entry.deadline:
            events.append(_deadline_event(shared, memos))
        items = entry.fair.programme if programme else ()
        if items:
            if isinstance(items[0], ProgrammeEvent):  # model objects, not the feed's rows
                items = [programme_row(item, ctx.lang) for item in items]
            events += _programme_events(items, shared, memos)
            timed = True
        if programme and entry.deleted:
            deleted = _deleted_events(entry.deleted, shared, memos, cancel=False)
            events += [event.encode() for event in deleted]
            timed = True
    events += [meeting_event(meeting, ctx) for meeting in meetings]
    timed = timed or bool(meetings)
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:CANCEL" if gone is not None else "METHOD:PUBLISH",
        fold_line(f"NAME:{name}"),
        fold_line(f"X-WR-CALNAME:{name}"),
        f"REFRESH-INTERVAL;VALUE=DURATION:{duration(refresh)}",
        f"X-PUBLISHED-TTL:{duration(refresh)}",
        f"X-WR-TIMEZONE:{TZID}",
    ]
    if timed:
        head.append(vtimezone())
    return b"\r\n".join([CRLF.join(head).encode(), *events, b"END:VCALENDAR", b""])
