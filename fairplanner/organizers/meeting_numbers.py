"""What the organizer console reads of a fair's B2B meetings: the schedule grid, requests by
state, agendas, the numbers and the exports. Reads only; a fixed number of statements per page,
whatever the number of meetings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from fairplanner.accounts.models import Company
from fairplanner.catalogue.models import Sector
from fairplanner.display import company_name, country_name
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, localized
from fairplanner.meetings.models import (
    AGREED_STATES,
    FollowUp,
    Meeting,
    MeetingState,
    MeetingTable,
    Outcome,
    Participant,
    Programme,
    participant_sectors,
)

STATES = (
    MeetingState.REQUESTED,
    MeetingState.ACCEPTED,
    MeetingState.SCHEDULED,
    MeetingState.DECLINED,
    MeetingState.CANCELLED,
)


def programme_of(fair_id: int) -> Programme | None:
    return db.session.scalar(select(Programme).where(Programme.fair_id == fair_id))


def tables(fair_id: int, *, active: bool = True) -> list[MeetingTable]:
    stmt = select(MeetingTable).where(MeetingTable.fair_id == fair_id)
    if active:
        stmt = stmt.where(MeetingTable.active.is_(True))
    return list(db.session.scalars(stmt.order_by(MeetingTable.position, MeetingTable.id)))


def _with_sides(stmt: Select) -> Select:
    """Both companies and the table come with each meeting (no query per meeting)."""
    return stmt.options(
        joinedload(Meeting.requester).joinedload(Participant.company),
        joinedload(Meeting.recipient).joinedload(Participant.company),
        joinedload(Meeting.table),
    )


def meeting_in(fair_id: int, meeting_id: int) -> Meeting | None:
    return db.session.scalar(
        _with_sides(select(Meeting).where(Meeting.id == meeting_id, Meeting.fair_id == fair_id))
    )


def participant_in(fair_id: int, participant_id: int) -> Participant | None:
    return db.session.scalar(
        select(Participant)
        .where(Participant.id == participant_id, Participant.fair_id == fair_id)
        .options(joinedload(Participant.company))
    )


def participants(fair_id: int, *, active: bool = True) -> list[Participant]:
    stmt = select(Participant).where(Participant.fair_id == fair_id)
    if active:
        stmt = stmt.where(Participant.active.is_(True))
    found = db.session.scalars(stmt.options(joinedload(Participant.company))).all()
    return sorted(found, key=lambda p: company_name(p.company).casefold())


# --- the grid ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    day: date
    slots: list[datetime]
    tables: list[MeetingTable]
    cells: dict[tuple[int, datetime], Meeting]

    def cell(self, table: MeetingTable, slot: datetime) -> Meeting | None:
        return self.cells.get((table.id, slot))


def grid(programme: Programme, day: date) -> Grid:
    """The day's tables × slots with the scheduled meetings (tables in use that day included,
    even if taken out of use since)."""
    slots = programme.slots_of(day)
    cells: dict[tuple[int, datetime], Meeting] = {}
    if slots:
        stmt = select(Meeting).where(
            Meeting.fair_id == programme.fair_id,
            Meeting.state == MeetingState.SCHEDULED,
            Meeting.starts_at >= slots[0],
            Meeting.starts_at <= slots[-1],
        )
        for meeting in db.session.scalars(_with_sides(stmt)).unique():
            if meeting.table_id is not None:
                cells[(meeting.table_id, meeting.starts_at)] = meeting
    shown = tables(programme.fair_id, active=False)
    used = {table_id for table_id, _slot in cells}
    return Grid(day, slots, [t for t in shown if t.active or t.id in used], cells)


# --- requests by state, agendas --------------------------------------------------------------


def state_counts(fair_id: int) -> dict[MeetingState, int]:
    rows = db.session.execute(
        select(Meeting.state, func.count())
        .where(Meeting.fair_id == fair_id)
        .group_by(Meeting.state)
    )
    counts = dict.fromkeys(STATES, 0)
    counts.update({state: n for state, n in rows})
    return counts


def in_state(fair_id: int, state: MeetingState) -> list[Meeting]:
    stmt = (
        select(Meeting)
        .where(Meeting.fair_id == fair_id, Meeting.state == state)
        .order_by(Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)
    )
    return list(db.session.scalars(_with_sides(stmt)).unique())


def agenda(participant: Participant) -> list[Meeting]:
    """The company's accepted and scheduled meetings, by time (those without one last)."""
    stmt = (
        select(Meeting)
        .where(
            or_(Meeting.requester_id == participant.id, Meeting.recipient_id == participant.id),
            Meeting.state.in_(AGREED_STATES),
        )
        .order_by(Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)
    )
    return list(db.session.scalars(_with_sides(stmt)).unique())


def every_meeting(fair_id: int, *, states: Sequence[MeetingState] = AGREED_STATES) -> list[Meeting]:
    stmt = (
        select(Meeting)
        .where(Meeting.fair_id == fair_id, Meeting.state.in_(states))
        .order_by(Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)
    )
    return list(db.session.scalars(_with_sides(stmt)).unique())


def agendas(fair_id: int) -> list[tuple[Participant, list[Meeting]]]:
    """Every active participant with its agenda (for the print view): two statements."""
    meetings = every_meeting(fair_id)
    by_participant: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        by_participant.setdefault(meeting.requester_id, []).append(meeting)
        by_participant.setdefault(meeting.recipient_id, []).append(meeting)
    return [(p, by_participant.get(p.id, [])) for p in participants(fair_id)]


def by_table(fair_id: int) -> list[tuple[MeetingTable, list[Meeting]]]:
    """Every table with its scheduled meetings by time (the hall staff's sheets)."""
    meetings = every_meeting(fair_id, states=(MeetingState.SCHEDULED,))
    found: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        if meeting.table_id is not None:
            found.setdefault(meeting.table_id, []).append(meeting)
    shown = tables(fair_id, active=False)
    return [(t, found.get(t.id, [])) for t in shown if t.active or t.id in found]


# --- numbers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Numbers:
    participants: int
    requested: int
    accepted: int
    scheduled: int
    held: int
    no_shows: int
    contact: int
    contract: int
    country_pairs: list[tuple[str, int]]
    sectors: list[tuple[str, int]]


def numbers(fair_id: int) -> Numbers:
    participants_count = db.session.scalar(
        select(func.count())
        .select_from(Participant)
        .where(Participant.fair_id == fair_id, Participant.active.is_(True))
    )
    counts = state_counts(fair_id)
    # A company's request names who proposed first; a meeting the organizer booked does not.
    requested = db.session.scalar(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.fair_id == fair_id, Meeting.proposed_by_id.is_not(None))
    )
    outcomes = dict(
        db.session.execute(
            select(Meeting.outcome, func.count())
            .where(Meeting.fair_id == fair_id, Meeting.outcome.is_not(None))
            .group_by(Meeting.outcome)
        ).all()
    )
    follow_ups = db.session.execute(
        select(Meeting.requester_follow_up, Meeting.recipient_follow_up).where(
            Meeting.fair_id == fair_id,
            or_(
                Meeting.requester_follow_up.is_not(None),
                Meeting.recipient_follow_up.is_not(None),
            ),
        )
    ).all()
    contract = sum(1 for row in follow_ups if FollowUp.CONTRACT in row)
    contact = sum(
        1 for row in follow_ups if FollowUp.CONTACT in row and FollowUp.CONTRACT not in row
    )
    return Numbers(
        participants=participants_count or 0,
        requested=requested or 0,
        accepted=counts[MeetingState.ACCEPTED] + counts[MeetingState.SCHEDULED],
        scheduled=counts[MeetingState.SCHEDULED],
        held=outcomes.get(Outcome.HELD, 0),
        no_shows=outcomes.get(Outcome.NO_SHOW, 0),
        contact=contact,
        contract=contract,
        country_pairs=country_pairs(fair_id),
        sectors=sectors(fair_id),
    )


def _agreed(fair_id: int) -> Any:
    return and_(Meeting.fair_id == fair_id, Meeting.state.in_(AGREED_STATES))


def country_pairs(fair_id: int) -> list[tuple[str, int]]:
    """Accepted and scheduled meetings by the unordered pair of the companies' countries."""
    one, other = aliased(Participant), aliased(Participant)
    a, b = aliased(Company), aliased(Company)
    rows = db.session.execute(
        select(a.country, b.country)
        .select_from(Meeting)
        .join(one, one.id == Meeting.requester_id)
        .join(other, other.id == Meeting.recipient_id)
        .join(a, a.id == one.company_id)
        .join(b, b.id == other.company_id)
        .where(_agreed(fair_id))
    ).all()
    pairs: Counter[tuple[str, str]] = Counter()
    for first, second in rows:
        names = sorted((country_name(first) or "—", country_name(second) or "—"))
        pairs[(names[0], names[1])] += 1
    return [(f"{x} — {y}", n) for (x, y), n in sorted(pairs.items(), key=lambda i: (-i[1], i[0]))]


def sectors(fair_id: int) -> list[tuple[str, int]]:
    """Accepted and scheduled meetings by the sectors the two companies offer (a meeting
    counts once per sector, even when both offer it)."""
    side = participant_sectors
    rows = db.session.execute(
        select(Sector, func.count(func.distinct(Meeting.id)))
        .select_from(Meeting)
        .join(
            side,
            and_(
                or_(
                    side.c.participant_id == Meeting.requester_id,
                    side.c.participant_id == Meeting.recipient_id,
                ),
                side.c.kind == "offer",
            ),
        )
        .join(Sector, Sector.id == side.c.sector_id)
        .where(_agreed(fair_id))
        .group_by(Sector.id)
    ).all()
    found = [(localized(sector, "name"), n) for sector, n in rows]
    return sorted(found, key=lambda i: (-i[1], i[0]))


# --- the export ------------------------------------------------------------------------------


def time_text(meeting: Meeting) -> str:
    return format_datetime(meeting.starts_at, "HH:mm") if meeting.starts_at else ""


def export_sheets(fair_id: int) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The XLSX's sheets: "Meetings" (every meeting) and one per table."""
    header = [
        _("Day"),
        _("Time"),
        _("Table"),
        _("Hall"),
        _("Company"),
        _("Country"),
        _("Partner"),
        _("Partner's country"),
        _("State"),
        _("On the day"),
    ]
    meetings = every_meeting(fair_id, states=STATES)

    def row(m: Meeting) -> list[Any]:
        day = m.starts_at.astimezone(MINSK).date() if m.starts_at else None
        return [
            day,
            time_text(m),
            m.table.name if m.table and m.state == MeetingState.SCHEDULED else "",
            (m.table.hall or "") if m.table and m.state == MeetingState.SCHEDULED else "",
            company_name(m.requester.company),
            country_name(m.requester.company.country),
            company_name(m.recipient.company),
            country_name(m.recipient.company.country),
            str(m.state.title),
            str(m.outcome.title) if m.outcome else "",
        ]

    sheets = [("Meetings", header, [row(m) for m in meetings])]
    for table, held in by_table(fair_id):
        sheets.append((table.name, header, [row(m) for m in held]))
    return sheets
