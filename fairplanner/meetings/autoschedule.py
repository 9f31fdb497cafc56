"""The organizer's automatic scheduling: the accepted meetings without a time, given a slot and
a table by the solver (`scheduler`), shown as a preview, then applied through the same
`services.place` that a manual move uses.

The preview travels to the "apply" request as a signed, compressed token: what the organizer
saw is what is applied, and a placement that the meantime made impossible (a company booked or
marked unavailable, a table taken) is skipped and reported, never forced.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from fairplanner.accounts.models import User
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.meetings import queries, scheduler, services
from fairplanner.meetings.models import Meeting, MeetingState, MeetingTable, Participant, Seat
from fairplanner.registrations.services import lock_fair

log = logging.getLogger(__name__)
SALT = "meetings-schedule"


@dataclass(frozen=True)
class Preview:
    result: scheduler.Result
    meetings: dict[int, Meeting]  # the wanted meetings by id
    tables: dict[int, MeetingTable]
    token: str  # the placements, signed, for `apply`


def problem(fair_id: int) -> tuple[scheduler.Problem, dict[int, Meeting]]:
    """The fair's accepted meetings without a time, and what constrains them."""
    programme = db.session.scalars(queries.programme(fair_id)).one()
    tables = list(db.session.scalars(queries.tables(fair_id)))
    scheduled = db.session.execute(
        select(Meeting.starts_at, Meeting.table_id).where(
            Meeting.fair_id == fair_id, Meeting.state == MeetingState.SCHEDULED
        )
    ).all()
    taken: dict[datetime, set[int]] = defaultdict(set)
    for starts_at, table_id in scheduled:
        taken[starts_at].add(table_id)
    seats: dict[int, set[datetime]] = defaultdict(set)
    for participant_id, starts_at in db.session.execute(
        select(Seat.participant_id, Seat.starts_at)
        .join(Participant, Participant.id == Seat.participant_id)
        .where(Participant.fair_id == fair_id)
    ):
        seats[participant_id].add(starts_at)
    wanted = list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.fair_id == fair_id, Meeting.state == MeetingState.ACCEPTED)
            .order_by(Meeting.id)
        )
    )
    parties = {
        p.id: scheduler.Party(
            id=p.id,
            busy=frozenset(p.unavailable_slots | seats[p.id]),
            # Its accepted meetings already count against the maximum; only the scheduled
            # ones use up what may still be placed.
            limit=max(programme.max_meetings - len(seats[p.id]), 0),
        )
        for p in db.session.scalars(queries.participants(fair_id))
    }
    problem = scheduler.Problem(
        slots=programme.slots(),
        tables=[t.id for t in tables],
        taken={slot: frozenset(ids) for slot, ids in taken.items()},
        parties=parties,
        wanted=[
            scheduler.Wanted(id=m.id, a=m.requester_id, b=m.recipient_id)
            for m in wanted
            if m.requester_id in parties and m.recipient_id in parties
        ],
    )
    return problem, {m.id: m for m in wanted}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def preview(fair_id: int, *, time_limit: float = 20.0) -> Preview:
    wanted_problem, meetings = problem(fair_id)
    result = scheduler.schedule(wanted_problem, time_limit=time_limit)
    tables = {t.id: t for t in db.session.scalars(queries.tables(fair_id, active=None))}
    token = _serializer().dumps(
        [fair_id, [[p.wanted_id, p.starts_at.isoformat(), p.table_id] for p in result.placed]]
    )
    log.info(
        "scheduler for fair %s: %s of %s placed (bound %s) in %.2f s",
        fair_id,
        len(result.placed),
        len(wanted_problem.wanted),
        result.upper_bound,
        result.seconds,
    )
    return Preview(result, meetings, tables, token)


class BadPreview(DomainError):
    status_code = 400


def apply(fair_id: int, token: str, *, actor: User) -> tuple[int, list[int]]:
    """Apply a preview's placements; returns how many were applied and the meetings skipped
    because the meantime made their placement impossible (each in its own savepoint)."""
    try:
        token_fair, rows = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise BadPreview(_("The preview could not be read. Run the scheduler again.")) from exc
    if token_fair != fair_id:
        raise BadPreview(_("The preview could not be read. Run the scheduler again."))
    lock_fair(fair_id)
    applied, skipped = 0, []
    for meeting_id, starts_at, table_id in rows:
        meeting = db.session.get(Meeting, meeting_id)
        table = db.session.get(MeetingTable, table_id)
        if (
            meeting is None
            or meeting.fair_id != fair_id
            or meeting.state != MeetingState.ACCEPTED
            or table is None
        ):
            skipped.append(meeting_id)
            continue
        try:
            with db.session.begin_nested():
                services.place(
                    meeting,
                    starts_at=datetime.fromisoformat(starts_at),
                    table=table,
                    actor=actor,
                    locked=True,
                )
            applied += 1
        except DomainError:
            skipped.append(meeting_id)
    log.info("scheduler for fair %s applied: %s placed, %s skipped", fair_id, applied, len(skipped))
    return applied, skipped
