"""A company's own calendar: the fairs it applied to and those it follows, each with its
registration deadline, its B2B meetings, and its alarms when the company asked for them.

`fair_calendar_for(company, fair, lang)` is the one way to the .ics of a fair for a company
(mail attachments, reminders): the same UIDs and SEQUENCE as the company's private feed, so
that opening the file updates the entries the feed made instead of adding copies.
`meeting_calendar_for(meeting, company, lang)` is the same for one B2B meeting.
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import force_locale
from flask_babel import gettext as _

from fairplanner.accounts.models import Company
from fairplanner.calendars import ical, queries
from fairplanner.calendars.context import context, refresh
from fairplanner.catalogue.models import Fair
from fairplanner.core.urls import public_url
from fairplanner.display import company_name, country_name, phone
from fairplanner.extensions import db
from fairplanner.i18n import localized
from fairplanner.meetings.models import CancelCause, Meeting, MeetingState

FOLLOWED = "followed"  # the role part of a followed fair's UIDs (fair-<id>.c<company>-followed@)


def company_entries(
    company_id: int, *, deadlines: bool = True, fair_id: int | None = None
) -> list[ical.Entry]:
    """The company's calendar entries (for one fair: `fair_id`), soonest first: one per
    application in the feed, one per followed fair it did not apply to. The first entry of
    each fair carries its deadline (with `deadlines`) and its alarms."""
    rows = db.session.execute(queries.company_feed(company_id, fair_id=fair_id)).unique().all()
    entries = [
        ical.Entry(
            r.fair,
            status=r.status.value,
            version=int(versions or 0),
            changed_at=r.updated_at,
            owner=r.company_id,
            role=r.role.value,
            hall=r.hall if r.has_stand else None,
            stand=r.stand if r.has_stand else None,
        )
        for r, versions in rows
    ]
    followed = db.session.scalars(queries.followed_only(company_id, fair_id=fair_id)).unique()
    entries += [ical.Entry(fair, owner=company_id, role=FOLLOWED) for fair in followed]
    # Stable: the applications keep their order among fairs that open the same day.
    entries.sort(key=lambda entry: entry.fair.starts_on)
    seen: set[int] = set()
    result = []
    for entry in entries:
        first = entry.fair.id not in seen
        seen.add(entry.fair.id)
        result.append(replace(entry, deadline=deadlines and first, remind=first))
    return result


def company_context(company: Company, lang: str) -> ical.Context:
    """The builders' context for the company's own calendars: with alarms if it wants them."""
    return replace(context(lang), alarms=company.calendar_alarms)


def fair_calendar_for(company: Company, fair: Fair, lang: str) -> bytes:
    """The .ics of `fair` for `company` in `lang` ("ru" or "en"): its entries of the fair as
    in its private feed (applications, or the followed fair), else the fair as the public
    download has it; with the registration deadline, the programme, and VALARMs when the
    company turned alarms on. Reads, never writes."""
    entries = company_entries(company.id, fair_id=fair.id) or [ical.Entry(fair, deadline=True)]
    with force_locale(lang):
        name = _("My fairs · FairPlanner")
    return ical.build_calendar(
        entries, company_context(company, lang), name=name, refresh=refresh()
    )


def fair_attachment(company: Company, fair: Fair, *, lang: str) -> dict[str, str]:
    """`fair_calendar_for` as a mail attachment (notifications.services.enqueue)."""
    return {
        "filename": f"{fair.slug}.ics",
        "content_type": "text/calendar; method=PUBLISH; charset=utf-8",
        "data": fair_calendar_for(company, fair, lang).decode("utf-8"),
    }


def public_fair_attachment(fair: Fair, *, lang: str) -> dict[str, str]:
    """The fair as its public download has it (no company's entries, no alarms), as a mail
    attachment: for a person with no company account, e.g. a walk-in's e-ticket."""
    data = ical.build_calendar(
        [ical.Entry(fair)],
        context(lang),
        name=f"{localized(fair, 'name', lang)} · FairPlanner",
        refresh=refresh(),
    )
    return {
        "filename": f"{fair.slug}.ics",
        "content_type": "text/calendar; method=PUBLISH; charset=utf-8",
        "data": data.decode("utf-8"),
    }


# --- B2B meetings -----------------------------------------------------------------------------


def meetings_page(fair_slug: str) -> str:
    """The company's meetings of one fair (the page the B2B views serve)."""
    return public_url(f"/fairs/{fair_slug}/b2b/my")


def venue_place(fair: Fair, lang: str) -> str:
    """ "<venue>, <city>" in `lang`: where a B2B meeting of `fair` is (after its table)."""
    venue = fair.venue
    return ", ".join(
        p for p in (localized(venue, "name", lang), localized(venue.city, "name", lang)) if p
    )


def cancel_cause(meeting: Meeting, company_id: int) -> str:
    """Why a meeting was cancelled, in words (the current locale's), as the company reads it:
    "Cancelled by the other company" is the partner's doing; its own members' cancelling
    says so."""
    cause = meeting.cancel_cause
    if cause is None:
        return ""
    by = meeting.cancelled_by
    if cause == CancelCause.PARTICIPANT and by is not None and by.company_id == company_id:
        return _("Cancelled by your company")
    return str(cause.title)


def meeting_entry(meeting: Meeting, company_id: int, lang: str) -> ical.MeetingEntry:
    """`meeting` as `company_id`'s calendar shows it, in `lang` (the caller has forced that
    locale: the country's and the cause's names are translated). The partner's people and
    contacts are there while the meeting stands (scheduled means accepted), not once it is
    cancelled."""
    mine = meeting.requester if meeting.requester.company_id == company_id else meeting.recipient
    partner = meeting.side_of(mine.id)
    fair = meeting.requester.fair
    cancelled = meeting.state == MeetingState.CANCELLED
    if meeting.starts_at is None or meeting.ends_at is None:
        raise ValueError(f"meeting {meeting.id} has no time: no calendar entry")
    return ical.MeetingEntry(
        id=meeting.id,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        sequence=meeting.sequence,
        created_at=meeting.created_at,
        updated_at=meeting.updated_at,
        partner=company_name(partner.company),
        cancelled=cancelled,
        country=country_name(partner.company.country),
        attendees=() if cancelled else partner.attendee_lines,
        phone="" if cancelled else phone(partner.phone),
        email="" if cancelled else partner.email or "",
        message=meeting.message or "",
        table=meeting.table.place if meeting.table is not None else "",
        place=venue_place(fair, lang),
        fair=localized(fair, "name", lang),
        cause=cancel_cause(meeting, company_id) if cancelled else "",
        reason=(meeting.cancel_reason or "") if cancelled else "",
        url=meetings_page(fair.slug),
    )


def company_meetings(company_id: int, lang: str) -> list[ical.MeetingEntry]:
    """The company's B2B meetings for its calendar, in `lang`, by time: one query."""
    meetings = db.session.scalars(queries.company_meetings(company_id)).unique().all()
    with force_locale(lang):
        return [meeting_entry(meeting, company_id, lang) for meeting in meetings]


def meeting_calendar_for(meeting: Meeting, company: Company, lang: str) -> bytes:
    """The .ics of one meeting (that has a time) for one of its companies, in `lang`: the
    event its private feed holds (the same UID and SEQUENCE), METHOD:PUBLISH."""
    with force_locale(lang):
        entry = meeting_entry(meeting, company.id, lang)
        name = _("My fairs · FairPlanner")
    return ical.build_calendar(
        [], company_context(company, lang), name=name, refresh=refresh(), meetings=[entry]
    )


def meeting_attachment(meeting: Meeting, company: Company, *, lang: str) -> dict[str, str]:
    """`meeting_calendar_for` as a mail attachment (notifications.services.enqueue)."""
    return {
        "filename": f"meeting-{meeting.id}.ics",
        "content_type": "text/calendar; method=PUBLISH; charset=utf-8",
        "data": meeting_calendar_for(meeting, company, lang).decode("utf-8"),
    }
