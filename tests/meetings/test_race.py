"""Two partners accept the last free slot of a third company at the same moment: one wins,
the other is told, and nothing is half-booked — on each database, with real commits."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, func, select

from fairplanner.db import sqlite_write_intent
from fairplanner.meetings import services
from fairplanner.meetings.models import Meeting, MeetingState, Seat
from tests.factories import Factories
from tests.meetings.conftest import make_b2b

RACERS = 2


def _race(app, committed, *, tables: int):
    factories = Factories(committed.session)
    b2b = make_b2b(factories, tables=tables)
    busy = b2b.join()
    slot = b2b.slots[0]
    # The busy company asked RACERS partners for the same last free slot; each partner accepts.
    partners = [b2b.join() for _ in range(RACERS)]
    meetings = [
        services.request_meeting(busy, p, message=None, slots=[slot], actor=b2b.member(busy))
        for p in partners
    ]
    committed.session.commit()
    jobs = [(m.id, p.id, b2b.member(p).id) for m, p in zip(meetings, partners, strict=True)]
    committed.session.commit()  # end this session's read, so it sees the racers' commits

    # Widen the gap between checking the seats and taking them, so a missing lock shows.
    def dawdle(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO MEETING_SEATS"):
            time.sleep(0.05)

    event.listen(committed.engine, "before_cursor_execute", dawdle)
    start = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def accept(meeting_id: int, participant_id: int, user_id: int) -> None:
        from fairplanner.accounts.models import User
        from fairplanner.extensions import db
        from fairplanner.meetings.models import Participant

        with app.app_context():
            token = sqlite_write_intent.set(True)  # as every write request does
            try:
                start.wait()
                meeting = db.session.get(Meeting, meeting_id)
                participant = db.session.get(Participant, participant_id)
                services.accept(
                    meeting, participant, slot=slot, actor=db.session.get(User, user_id)
                )
                db.session.commit()
                outcomes.append("booked")
            except services.SlotTaken as exc:
                db.session.rollback()
                outcomes.append(f"refused: {exc.message}")
            finally:
                sqlite_write_intent.reset(token)
                db.session.remove()

    threads = [threading.Thread(target=accept, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    event.remove(committed.engine, "before_cursor_execute", dawdle)
    committed.session.rollback()
    return b2b, busy, outcomes


@pytest.mark.parametrize("tables", [1, 2])
def test_two_partners_accept_the_last_free_slot_at_once(app, committed, tables):
    _b2b, busy, outcomes = _race(app, committed, tables=tables)
    assert sorted(o.split(":")[0] for o in outcomes) == ["booked", "refused"]
    states = committed.session.scalars(select(Meeting.state).order_by(Meeting.id)).all()
    assert sorted(states) == sorted([MeetingState.SCHEDULED, MeetingState.REQUESTED])
    # Exactly the winner's two seats: the loser left no half-booking behind.
    assert committed.session.scalar(select(func.count()).select_from(Seat)) == 2
    assert (
        committed.session.scalar(
            select(func.count()).select_from(Seat).where(Seat.participant_id == busy.id)
        )
        == 1
    )


def test_the_database_refuses_a_double_booking_even_without_the_lock(app, committed, monkeypatch):
    """Should a path forget the fair lock, the seat keys still refuse the second booking."""
    monkeypatch.setattr(services, "lock_fair", lambda fair_id: None)
    _b2b, busy, outcomes = _race(app, committed, tables=2)
    assert sorted(o.split(":")[0] for o in outcomes) == ["booked", "refused"]
    assert (
        committed.session.scalar(
            select(func.count()).select_from(Seat).where(Seat.participant_id == busy.id)
        )
        == 1
    )
