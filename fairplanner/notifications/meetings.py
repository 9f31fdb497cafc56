"""The mail about B2B meetings: a request to the company asked, an answer to the side that
waits for it, a scheduled (or moved) meeting to both companies with its calendar entry, a
cancellation to the other side (to both when the organizer or a change elsewhere cancelled).

Each company reads its mail in its own language (Company.language), at its contact address.
A meeting's .ics is the event its private feed holds (calendars.private.meeting_attachment):
the same UID and SEQUENCE, so opening it updates the entry instead of adding a copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_date, format_time
from flask_babel import force_locale
from sqlalchemy import select

from fairplanner.accounts.models import User
from fairplanner.calendars.private import (
    cancel_cause,
    meeting_attachment,
    meetings_page,
    venue_place,
)
from fairplanner.display import company_name, country_name, phone
from fairplanner.extensions import db
from fairplanner.i18n import FORMAT_LOCALES, MINSK, localized
from fairplanner.meetings.models import Meeting, MeetingState, Participant, Programme
from fairplanner.notifications.services import enqueue


def when(starts: datetime, ends: datetime | None, lang: str) -> str:
    """ "Tuesday, 12 May 2027, 10:00–10:30", in Minsk time."""
    locale = FORMAT_LOCALES[lang]
    starts = starts.astimezone(MINSK)
    moment = f"{format_date(starts.date(), 'EEEE, d MMMM y', locale=locale)}, "
    moment += format_time(starts, "HH:mm", locale=locale)
    if ends is not None:
        moment += f"–{format_time(ends.astimezone(MINSK), 'HH:mm', locale=locale)}"
    return moment


def _place(meeting: Meeting, lang: str) -> str:
    """ "Стол 1, Павильон 1 — <venue>, <city>", as the calendar's LOCATION."""
    table = meeting.table.place if meeting.table is not None else ""
    return " — ".join(p for p in (table, venue_place(meeting.requester.fair, lang)) if p)


def _told(meeting: Meeting, actor: User | None) -> list[Participant]:
    """The sides to tell of what `actor` did: the other side when a side's member did it, both
    when the organizer's staff or the system (actor None) did."""
    sides = [meeting.requester, meeting.recipient]
    company_id = actor.company_id if actor is not None else None
    acting = [side for side in sides if side.company_id == company_id]
    return [side for side in sides if side not in acting] if acting else sides


# A value of a mail's context, worked out for one side: (participant, partner, lang) -> value.
Part = Callable[[Participant, Participant, str], Any]


def _length(meeting: Meeting) -> timedelta:
    """The meeting's length: its own once it has a time, else the programme's slot."""
    if meeting.starts_at is not None and meeting.ends_at is not None:
        return meeting.ends_at - meeting.starts_at
    minutes = db.session.scalar(
        select(Programme.slot_minutes).where(Programme.fair_id == meeting.fair_id)
    )
    return timedelta(minutes=minutes or 30)


def _tell(
    kind: str, meeting: Meeting, participants: Iterable[Participant], **context: Part
) -> None:
    """Queue `kind` for each participant's company, in its language, about its partner."""
    for participant in participants:
        company = participant.company
        to = company.email or participant.email
        if not to or company.erased_at is not None:
            continue
        lang = company.language if company.language in FORMAT_LOCALES else "ru"
        partner = meeting.side_of(participant.id)
        fair = participant.fair
        with force_locale(lang):
            details = {
                "company_name": company.display_name,
                "partner": company_name(partner.company),
                "country": country_name(partner.company.country),
                "fair_name": localized(fair, "name", lang),
                "link": meetings_page(fair.slug),
                **{key: value(participant, partner, lang) for key, value in context.items()},
            }
        attachments = []
        if meeting.starts_at is not None and meeting.state in (
            MeetingState.SCHEDULED,
            MeetingState.CANCELLED,
        ):
            attachments.append(meeting_attachment(meeting, company, lang=lang))
        enqueue(kind, to=to, company_id=company.id, lang=lang, attachments=attachments, **details)


def _times(values: Iterable[datetime], length: timedelta) -> Part:
    slots = sorted(values)
    return lambda participant, partner, lang: [when(s, s + length, lang) for s in slots]


def _constant(value: Any) -> Part:
    return lambda participant, partner, lang: value


def _contacts(participant: Participant, partner: Participant, lang: str) -> dict[str, Any]:
    """The partner's people, phone and email: revealed once the meeting is agreed."""
    return {
        "attendees": partner.attendee_lines,
        "phone": phone(partner.phone),
        "email": partner.email or "",
    }


def requested(meeting: Meeting) -> None:
    """The company asked hears who asks, what for, and at which times."""
    _tell(
        "meeting_requested",
        meeting,
        [meeting.recipient],
        message=_constant(meeting.message or ""),
        times=_times(meeting.proposed_slots, _length(meeting)),
    )


def answered(meeting: Meeting, *, answer: str, actor: User | None) -> None:
    """The side that waits hears the answer. An acceptance with a time is told by the
    scheduled meeting's mail (with its calendar entry) instead."""
    if answer == "accepted" and meeting.state == MeetingState.SCHEDULED:
        return
    _tell(
        "meeting_answered",
        meeting,
        _told(meeting, actor),
        answer=_constant(answer),
        reason=_constant((meeting.decline_reason or "") if answer == "declined" else ""),
        times=_times(meeting.proposed_slots if answer == "proposed" else (), _length(meeting)),
        contacts=_contacts if answer == "accepted" else _constant(None),
    )


def scheduled(meeting: Meeting, *, previous: tuple[datetime, int | None] | None) -> None:
    """Both companies get the meeting's time and place, the partner's contacts, and its
    calendar entry (a move: the new time, and the old one in words)."""
    before = previous[0] if previous is not None else None
    _tell(
        "meeting_scheduled",
        meeting,
        [meeting.requester, meeting.recipient],
        when=lambda participant, partner, lang: when(meeting.starts_at, meeting.ends_at, lang),
        place=lambda participant, partner, lang: _place(meeting, lang),
        previous=lambda participant, partner, lang: when(before, None, lang) if before else "",
        message=_constant(meeting.message or ""),
        contacts=_contacts,
    )


def cancelled(
    meeting: Meeting, *, actor: User | None, previous: MeetingState, reason: str | None
) -> None:
    """The other side (both, when the organizer or another change cancelled) hears why; a
    meeting that had a time comes with its cancelled calendar entry."""
    timed = meeting.starts_at is not None and previous == MeetingState.SCHEDULED
    _tell(
        "meeting_cancelled",
        meeting,
        _told(meeting, actor),
        request=_constant(previous == MeetingState.REQUESTED),
        when=lambda participant, partner, lang: (
            when(meeting.starts_at, meeting.ends_at, lang) if timed else ""
        ),
        cause=lambda participant, partner, lang: cancel_cause(meeting, participant.company_id),
        reason=_constant(reason or ""),
    )
