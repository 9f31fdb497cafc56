"""Reads for the calendar feeds, and the cheap queries that decide a 304."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import aliased, joinedload, selectinload

from fairplanner.accounts.models import Company
from fairplanner.calendars.models import CalendarToken
from fairplanner.catalogue.models import (
    DeletedProgrammeEvent,
    Fair,
    FairStatus,
    ProgrammeEvent,
    Venue,
)
from fairplanner.catalogue.queries import FairFilters, matching
from fairplanner.following.models import Follow
from fairplanner.i18n import MINSK
from fairplanner.meetings.models import Meeting, MeetingState, Participant
from fairplanner.registrations.models import Registration, RegistrationStatus

# Cancellations this recent stay in the public feed (fairs that ended stay FEED_PAST_DAYS).
KEEP = timedelta(days=90)
IN_PRIVATE_FEED = (
    RegistrationStatus.SUBMITTED,
    RegistrationStatus.APPROVED,
    RegistrationStatus.WAITLISTED,
)


def public_feed(
    filters: FairFilters, *, today: date, now: datetime, past_days: int
) -> Select[tuple[Fair]]:
    """Published fairs, upcoming and those that ended in the last `past_days` days, and
    cancellations of the last 90 days (of fairs in that window too)."""
    lower = today - timedelta(days=past_days)
    window = replace(filters, date_from=lower, date_to=None, include_past=True)
    # Cancellations leave at midnight, like everything else, so Last-Modified (which counts
    # the day) covers their going.
    since = datetime.combine(today - KEEP, time(), MINSK)
    return matching(window, today=today).where(
        or_(Fair.status == FairStatus.PUBLISHED, Fair.cancelled_at >= since)
    )


def fingerprint(
    fairs: Select[tuple[Fair]],
    *extra: Select,
    programme: bool = True,
    deleted_since: datetime | None = None,
) -> Select:
    """Count, latest change and revision sum of the feed's fairs and (with `programme`) their
    programme items, and the count and latest of the deleted items it carries (those deleted
    since `deleted_since`, when given).

    Any edit raises a revision and an updated_at; any deletion lowers a count: the ETag and
    Last-Modified built from this one row change whenever the feed would. `extra` adds more
    one-row aggregates (the private feed's applications).
    """
    ids = fairs.with_only_columns(Fair.id).order_by(None)
    parts = [
        select(
            func.count(Fair.id),
            func.max(Fair.updated_at),
            func.coalesce(func.sum(Fair.revision), 0),
        ).where(Fair.id.in_(ids)),
    ]
    if programme:
        parts.append(
            select(
                func.count(ProgrammeEvent.id),
                func.max(ProgrammeEvent.updated_at),
                func.coalesce(func.sum(ProgrammeEvent.revision), 0),
            ).where(ProgrammeEvent.fair_id.in_(ids))
        )
    if programme and deleted_since is not None:
        parts.append(
            select(
                func.count(DeletedProgrammeEvent.id), func.max(DeletedProgrammeEvent.deleted_at)
            ).where(DeletedProgrammeEvent.fair_id.in_(ids), shown(deleted_since))
        )
    parts += extra
    subqueries = [part.subquery() for part in parts]
    joined = subqueries[0]
    for sub in subqueries[1:]:
        joined = joined.join(sub, true())
    return select(*(column for sub in subqueries for column in sub.c)).select_from(joined)


def last_change() -> Select:
    """The latest change to any fair or programme item, whether or not it is still in a feed.

    Last-Modified must move forward when something leaves a feed too (unpublished, moved out
    of the window, its programme item deleted): a client that only sends If-Modified-Since
    would otherwise keep the removed entry.
    """
    fairs = select(func.max(Fair.updated_at)).scalar_subquery()
    events = select(func.max(ProgrammeEvent.updated_at)).scalar_subquery()
    return select(fairs, events)


def shown(since: datetime | None) -> ColumnElement[bool]:
    """The tombstones a feed carries: deleted since `since` (all, when None), and whose id no
    live item has taken again (SQLite may reuse the id of the item deleted last)."""
    live = select(ProgrammeEvent.id).where(ProgrammeEvent.id == DeletedProgrammeEvent.id)
    condition = ~live.exists()
    if since is not None:
        condition = and_(condition, DeletedProgrammeEvent.deleted_at >= since)
    return condition


def deleted_items(fair_id: int) -> Select[tuple[DeletedProgrammeEvent]]:
    """A fair's tombstones, the old ones too (their leaving the feed dates Last-Modified)."""
    return (
        select(DeletedProgrammeEvent)
        .where(DeletedProgrammeEvent.fair_id == fair_id, shown(None))
        .order_by(DeletedProgrammeEvent.starts_at, DeletedProgrammeEvent.id)
    )


def deleted_item(fair_id: int, item_id: int) -> Select[tuple[DeletedProgrammeEvent]]:
    return select(DeletedProgrammeEvent).where(
        DeletedProgrammeEvent.id == item_id, DeletedProgrammeEvent.fair_id == fair_id
    )


def token(value: str) -> Select[tuple[CalendarToken]]:
    # With its company, whose name is the private feed's.
    return (
        select(CalendarToken)
        .where(CalendarToken.token == value)
        .options(joinedload(CalendarToken.company))
    )


def active_token(company_id: int) -> Select[tuple[CalendarToken]]:
    return select(CalendarToken).where(
        CalendarToken.company_id == company_id, CalendarToken.revoked_at.is_(None)
    )


IN_FEED_FAIR = (FairStatus.PUBLISHED, FairStatus.CANCELLED)


def _applied(company_id: int) -> Select:
    """The ids of the fairs the company's calendar holds for its applications."""
    return select(Registration.fair_id).where(
        Registration.company_id == company_id, Registration.status.in_(IN_PRIVATE_FEED)
    )


def company_feed(company_id: int, *, fair_id: int | None = None) -> Select:
    """The company's applications that belong in its calendar (for one fair: `fair_id`), with
    their fairs, and for each the sum of the versions of every application of that company,
    fair and role: it only grows, even when an application is withdrawn and made again
    (SEQUENCE never drops)."""
    earlier = aliased(Registration)
    versions = (
        select(func.sum(earlier.version))
        .where(
            earlier.company_id == Registration.company_id,
            earlier.fair_id == Registration.fair_id,
            earlier.role == Registration.role,
        )
        .scalar_subquery()
    )
    stmt = (
        select(Registration, versions)
        .join(Registration.fair)
        .where(
            Registration.company_id == company_id,
            Registration.status.in_(IN_PRIVATE_FEED),
            Fair.status.in_(IN_FEED_FAIR),
        )
        .options(
            joinedload(Registration.fair).joinedload(Fair.venue).joinedload(Venue.city),
            joinedload(Registration.fair).joinedload(Fair.organizer),
            joinedload(Registration.fair).selectinload(Fair.sectors),
            joinedload(Registration.fair).selectinload(Fair.programme),
        )
        .order_by(Fair.starts_on, Registration.id)
    )
    return stmt if fair_id is None else stmt.where(Registration.fair_id == fair_id)


def followed_only(company_id: int, *, fair_id: int | None = None) -> Select[tuple[Fair]]:
    """The fairs the company follows (for one fair: `fair_id`) and has no application for in
    its calendar: those it applied to are there once, with the application."""
    stmt = (
        select(Fair)
        .join(Follow, Follow.fair_id == Fair.id)
        .where(
            Follow.company_id == company_id,
            Fair.status.in_(IN_FEED_FAIR),
            Fair.id.not_in(_applied(company_id)),
        )
        # The same eager loading as company_feed's fairs: the builders read all of it.
        .options(
            joinedload(Fair.venue).joinedload(Venue.city),
            joinedload(Fair.organizer),
            selectinload(Fair.sectors),
            selectinload(Fair.programme),
        )
        .order_by(Fair.starts_on, Fair.id)
    )
    return stmt if fair_id is None else stmt.where(Fair.id == fair_id)


def company_fingerprint(company_id: int) -> Select:
    """The private feed's fingerprint: its fairs' (applied to or followed), the applications',
    the follows' and the B2B meetings' changes (`meetings_fingerprint`). Its columns: fairs
    0-2, programme 3-5, applications 6-8, follows 9-11, meetings 12-14, around them 15-17."""
    mine = (Registration.company_id == company_id, Registration.status.in_(IN_PRIVATE_FEED))
    followed = select(Follow.fair_id).where(Follow.company_id == company_id)
    fairs = select(Fair).where(
        or_(Fair.id.in_(select(Registration.fair_id).where(*mine)), Fair.id.in_(followed))
    )
    # Over all the company's applications, not only those in the feed: one that left it
    # (withdrawn, rejected) must still move Last-Modified forward.
    applications = select(
        func.count(Registration.id).filter(mine[1]),
        func.max(Registration.updated_at),
        func.coalesce(func.sum(Registration.version), 0),
    ).where(Registration.company_id == company_id)
    # An unfollow lowers the count or changes the sum of the ids, a follow moves the latest.
    follows = select(
        func.count(Follow.id),
        func.max(Follow.created_at),
        func.coalesce(func.sum(Follow.fair_id), 0),
    ).where(Follow.company_id == company_id)
    return fingerprint(fairs, applications, follows, *meetings_fingerprint(company_id))


# A B2B meeting is in its companies' calendars once it has a time: scheduled, or cancelled
# after that (kept, STATUS:CANCELLED, as cancelled fairs are kept in the private feed: with no
# time limit, see company_feed).
IN_FEED_MEETING = (MeetingState.SCHEDULED, MeetingState.CANCELLED)


def _company_meetings(company_id: int) -> ColumnElement[bool]:
    """The meetings of any of the company's participants (one per fair)."""
    mine = select(Participant.id).where(Participant.company_id == company_id)
    return or_(Meeting.requester_id.in_(mine), Meeting.recipient_id.in_(mine))


def company_meetings(company_id: int) -> Select:
    """The company's meetings that belong in its calendar, by time,
    with both sides, their companies, the table, the fair and its venue: one query."""
    side = (Meeting.requester, Meeting.recipient)
    stmt = (
        select(Meeting)
        .join(Fair, Fair.id == Meeting.fair_id)
        .where(
            _company_meetings(company_id),
            Meeting.state.in_(IN_FEED_MEETING),
            Meeting.starts_at.is_not(None),
            Fair.status.in_(IN_FEED_FAIR),
        )
        .options(
            *(joinedload(s).joinedload(Participant.company) for s in side),
            joinedload(Meeting.requester)
            .joinedload(Participant.fair)
            .joinedload(Fair.venue)
            .joinedload(Venue.city),
            joinedload(Meeting.table),
            joinedload(Meeting.cancelled_by),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return stmt


def meetings_fingerprint(company_id: int) -> tuple[Select, Select]:
    """Two one-row aggregates for the private feed's fingerprint: the company's meetings
    (those in the feed counted; the latest change and the SEQUENCE sum over all of them, so
    that one leaving moves Last-Modified too), and what else their events show: both sides'
    profiles and companies, and the fairs."""
    mine = _company_meetings(company_id)
    shown = and_(Meeting.state.in_(IN_FEED_MEETING), Meeting.starts_at.is_not(None))
    meetings = select(
        func.count(Meeting.id).filter(shown),
        func.max(Meeting.updated_at),
        func.coalesce(func.sum(Meeting.sequence), 0),
    ).where(mine)
    ids = select(Meeting.id).where(mine, shown)
    sides = (
        select(Meeting.requester_id)
        .where(Meeting.id.in_(ids))
        .union(select(Meeting.recipient_id).where(Meeting.id.in_(ids)))
    )
    around = (
        select(
            func.max(Participant.updated_at),
            func.max(Company.updated_at),
            func.max(Fair.updated_at),
        )
        .select_from(Participant)
        .join(Company, Company.id == Participant.company_id)
        .join(Fair, Fair.id == Participant.fair_id)
        .where(Participant.id.in_(sides))
    )
    return meetings, around
