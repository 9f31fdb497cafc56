"""Statements the meetings domain reads with (no writes here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, union_all

from fairplanner.meetings.models import (
    AGREED_STATES,
    OPEN_STATES,
    Meeting,
    MeetingState,
    MeetingTable,
    Participant,
    Programme,
    Seat,
)


def programme(fair_id: int) -> Select[tuple[Programme]]:
    return select(Programme).where(Programme.fair_id == fair_id)


def tables(fair_id: int, *, active: bool | None = True) -> Select[tuple[MeetingTable]]:
    stmt = select(MeetingTable).where(MeetingTable.fair_id == fair_id)
    if active is not None:
        stmt = stmt.where(MeetingTable.active.is_(active))
    return stmt.order_by(MeetingTable.position, MeetingTable.id)


def table_in_use(table_id: int) -> Select[tuple[bool]]:
    return select(
        exists().where(Meeting.table_id == table_id, Meeting.state == MeetingState.SCHEDULED)
    )


def table_taken(table_id: int, slot: datetime, *, besides: int | None = None) -> Select:
    stmt = select(Meeting.id).where(
        Meeting.table_id == table_id,
        Meeting.starts_at == slot,
        Meeting.state == MeetingState.SCHEDULED,
    )
    if besides is not None:
        stmt = stmt.where(Meeting.id != besides)
    return select(exists(stmt))


def free_table(fair_id: int, slot: datetime, *, besides: int | None = None) -> Select:
    """The first active table with no scheduled meeting at `slot` (but `besides`)."""
    taken = select(Meeting.table_id).where(
        Meeting.fair_id == fair_id,
        Meeting.starts_at == slot,
        Meeting.state == MeetingState.SCHEDULED,
        Meeting.table_id.is_not(None),
    )
    if besides is not None:
        taken = taken.where(Meeting.id != besides)
    return tables(fair_id).where(MeetingTable.id.not_in(taken)).limit(1)


def full_slots(fair_id: int) -> Select[tuple[datetime]]:
    """The slots at which every active table holds a meeting."""
    count = (
        select(func.count())
        .select_from(MeetingTable)
        .where(MeetingTable.fair_id == fair_id, MeetingTable.active.is_(True))
    )
    return (
        select(Meeting.starts_at)
        .where(Meeting.fair_id == fair_id, Meeting.state == MeetingState.SCHEDULED)
        .group_by(Meeting.starts_at)
        .having(func.count() >= count.scalar_subquery())
    )


def participant_of(fair_id: int, company_id: int) -> Select[tuple[Participant]]:
    return select(Participant).where(
        Participant.fair_id == fair_id, Participant.company_id == company_id
    )


def participants(fair_id: int, *, active: bool = True) -> Select[tuple[Participant]]:
    return (
        select(Participant)
        .where(Participant.fair_id == fair_id, Participant.active.is_(active))
        .order_by(Participant.id)
    )


def seats_of(participant_id: int) -> Select[tuple[datetime]]:
    return select(Seat.starts_at).where(Seat.participant_id == participant_id)


def _of(participant_id: int) -> ColumnElement[bool]:
    return or_(Meeting.requester_id == participant_id, Meeting.recipient_id == participant_id)


def agreed_count(participant_id: int, *, besides: int | None = None) -> Select[tuple[int]]:
    stmt = (
        select(func.count())
        .select_from(Meeting)
        .where(_of(participant_id), Meeting.state.in_(AGREED_STATES))
    )
    if besides is not None:
        stmt = stmt.where(Meeting.id != besides)
    return stmt


def open_between(a: int, b: int) -> Select[tuple[int]]:
    return (
        select(Meeting.id)
        .where(
            or_(
                and_(Meeting.requester_id == a, Meeting.recipient_id == b),
                and_(Meeting.requester_id == b, Meeting.recipient_id == a),
            ),
            Meeting.state.in_(OPEN_STATES),
        )
        .limit(1)
    )


def pending_sent(participant_id: int) -> Select[tuple[int]]:
    return (
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.requester_id == participant_id, Meeting.state == MeetingState.REQUESTED)
    )


def sent_since(participant_id: int, since: datetime) -> Select[tuple[int]]:
    return (
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.requester_id == participant_id, Meeting.created_at >= since)
    )


def open_of(participant_id: int) -> Select[tuple[Meeting]]:
    return (
        select(Meeting)
        .where(_of(participant_id), Meeting.state.in_(OPEN_STATES))
        .order_by(Meeting.id)
    )


def waiting_from(participant_id: int, company_id: int) -> Select[tuple[Meeting]]:
    """Requests from `company_id`'s participant waiting for `participant_id`'s answer."""
    sender = select(Participant.id).where(Participant.company_id == company_id)
    return select(Meeting).where(
        Meeting.recipient_id == participant_id,
        Meeting.requester_id.in_(sender),
        Meeting.state == MeetingState.REQUESTED,
    )


def meetings_of(participant_id: int) -> Select[tuple[Meeting]]:
    """All the participant's requests and meetings, the scheduled ones in time order first."""
    return (
        select(Meeting)
        .where(_of(participant_id))
        .order_by(Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)
    )


def agreed_between(a: int, b: int) -> Select[tuple[bool]]:
    """Whether the two have an accepted meeting: then each may see the other's contacts."""
    return select(
        exists().where(
            or_(
                and_(Meeting.requester_id == a, Meeting.recipient_id == b),
                and_(Meeting.requester_id == b, Meeting.recipient_id == a),
            ),
            Meeting.state.in_(AGREED_STATES),
        )
    )


def agreed_counts(participant_ids: Iterable[int]) -> Select[tuple[int, int]]:
    """(participant id, its agreed meetings) for each of `participant_ids` that has any: the
    directory's "agenda full" in one statement."""
    ids = list(participant_ids)
    agreed = Meeting.state.in_(AGREED_STATES)
    sides = union_all(
        select(Meeting.requester_id.label("participant_id")).where(
            agreed, Meeting.requester_id.in_(ids)
        ),
        select(Meeting.recipient_id.label("participant_id")).where(
            agreed, Meeting.recipient_id.in_(ids)
        ),
    ).subquery()
    return select(sides.c.participant_id, func.count()).group_by(sides.c.participant_id)
