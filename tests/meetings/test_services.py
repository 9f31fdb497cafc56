"""The rules of B2B meetings, through the services every caller uses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fairplanner.extensions import db
from fairplanner.meetings import services
from fairplanner.meetings.models import (
    CancelCause,
    Meeting,
    MeetingState,
    Scheduling,
    Seat,
)
from fairplanner.registrations.services import withdraw_registration
from tests.meetings.conftest import make_b2b


def test_the_slots_skip_the_break_and_come_in_minsk_time(b2b):
    slots = b2b.slots
    # 10:00, 10:30, 11:30 Minsk (UTC+3) on each of two days; the 11:00 break is left out.
    assert [s.strftime("%H:%M") for s in slots[:3]] == ["07:00", "07:30", "08:30"]
    assert len(slots) == 6
    assert all(s.tzinfo is not None for s in slots)


def test_only_an_approved_application_lets_a_company_join(b2b):
    company = b2b.factories.company()
    user = b2b.factories.user(company=company)
    b2b.factories.registration(b2b.fair, company, status="submitted")
    with pytest.raises(services.NotAllowed):
        services.join(b2b.fair, company, services.Profile(offers_ru="x"), actor=user)


def test_a_profile_must_say_what_it_offers_or_seeks(b2b):
    company, user = b2b.company()
    with pytest.raises(services.MeetingError):
        services.join(b2b.fair, company, services.Profile(), actor=user)


def test_a_request_accepted_books_both_companies_and_a_table(b2b):
    a, b = b2b.join(), b2b.join()
    slot = b2b.slots[0]
    meeting = services.request_meeting(
        a, b, message="Hello", slots=[slot, b2b.slots[1]], actor=b2b.member(a)
    )
    with pytest.raises(services.MeetingError):  # the requester cannot accept its own request
        services.accept(meeting, a, slot=slot, actor=b2b.member(a))
    services.accept(meeting, b, slot=slot, actor=b2b.member(b))
    assert meeting.state == MeetingState.SCHEDULED
    assert meeting.starts_at == slot
    assert meeting.table.name == "Стол 1"
    assert meeting.sequence == 1
    seats = db.session.scalar(
        select(func.count()).select_from(Seat).where(Seat.meeting_id == meeting.id)
    )
    assert seats == 2


def test_a_company_is_never_booked_twice_in_one_slot(b2b):
    a, b, c = b2b.join(), b2b.join(), b2b.join()
    slot = b2b.slots[0]
    first = services.request_meeting(a, b, message=None, slots=[slot], actor=b2b.member(a))
    second = services.request_meeting(c, b, message=None, slots=[slot], actor=b2b.member(c))
    services.accept(first, b, slot=slot, actor=b2b.member(b))
    db.session.commit()
    with pytest.raises(services.SlotTaken):
        services.accept(second, b, slot=slot, actor=b2b.member(b))
    db.session.rollback()
    assert db.session.get(Meeting, second.id).state == MeetingState.REQUESTED


def test_no_table_free_refuses_the_booking(factories):
    b2b = make_b2b(factories, tables=1)
    a, b, c, d = (b2b.join() for _ in range(4))
    slot = b2b.slots[0]
    one = services.request_meeting(a, b, message=None, slots=[slot], actor=b2b.member(a))
    two = services.request_meeting(c, d, message=None, slots=[slot], actor=b2b.member(c))
    services.accept(one, b, slot=slot, actor=b2b.member(b))
    with pytest.raises(services.SlotTaken):
        services.accept(two, d, slot=slot, actor=b2b.member(d))


def test_proposing_other_times_turns_the_request_round(b2b):
    a, b = b2b.join(), b2b.join()
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.propose(meeting, b, slots=[b2b.slots[2]], actor=b2b.member(b))
    with pytest.raises(services.MeetingError):
        services.accept(meeting, b, slot=b2b.slots[2], actor=b2b.member(b))
    services.accept(meeting, a, slot=b2b.slots[2], actor=b2b.member(a))
    assert meeting.starts_at == b2b.slots[2]


def test_spam_limits_hold(factories):
    b2b = make_b2b(factories, max_pending=2)
    a = b2b.join()
    others = [b2b.join() for _ in range(3)]
    for other in others[:2]:
        services.request_meeting(a, other, message=None, slots=[b2b.slots[0]], actor=b2b.member(a))
    with pytest.raises(services.TooMany):
        services.request_meeting(
            a, others[2], message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
        )


def test_requests_per_hour_hold(factories):
    b2b = make_b2b(factories, requests_per_hour=1)
    a, b, c = b2b.join(), b2b.join(), b2b.join()
    first = services.request_meeting(a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a))
    services.decline(first, b, reason=None, actor=b2b.member(b))
    with pytest.raises(services.TooMany):
        services.request_meeting(a, c, message=None, slots=[b2b.slots[0]], actor=b2b.member(a))


def test_a_blocked_company_cannot_ask_again(b2b):
    a, b = b2b.join(), b2b.join()
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.block(b, a.company_id, actor=b2b.member(b))
    assert meeting.state == MeetingState.DECLINED
    with pytest.raises(services.NotAllowed):
        services.request_meeting(a, b, message=None, slots=[b2b.slots[1]], actor=b2b.member(a))


def test_the_agenda_limit_holds(factories):
    b2b = make_b2b(factories, max_meetings=1)
    a, b, c = b2b.join(), b2b.join(), b2b.join()
    first = services.request_meeting(a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a))
    second = services.request_meeting(c, a, message=None, slots=[b2b.slots[1]], actor=b2b.member(c))
    services.accept(first, b, slot=b2b.slots[0], actor=b2b.member(b))
    with pytest.raises(services.MeetingError):
        services.accept(second, a, slot=b2b.slots[1], actor=b2b.member(a))


def test_organizer_scheduling_accepts_without_a_time_then_places(factories):
    b2b = make_b2b(factories, scheduling=Scheduling.ORGANIZER)
    a, b = b2b.join(), b2b.join()
    meeting = services.request_meeting(a, b, message=None, actor=b2b.member(a))
    services.accept(meeting, b, slot=None, actor=b2b.member(b))
    assert meeting.state == MeetingState.ACCEPTED
    assert meeting.starts_at is None
    services.place(meeting, starts_at=b2b.slots[3], table=b2b.tables[1], actor=b2b.staff)
    assert (meeting.state, meeting.table_id, meeting.sequence) == (
        MeetingState.SCHEDULED,
        b2b.tables[1].id,
        1,
    )
    services.place(meeting, starts_at=b2b.slots[4], actor=b2b.staff)
    assert meeting.sequence == 2
    assert set(db.session.scalars(select(Seat.starts_at).where(Seat.meeting_id == meeting.id))) == {
        b2b.slots[4]
    }


def test_a_withdrawn_application_cancels_the_companys_meetings(b2b):
    a, b = b2b.join(), b2b.join()
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=b2b.member(b))
    withdraw_registration(b.registration, actor=b2b.member(b))
    assert meeting.state == MeetingState.CANCELLED
    assert meeting.cancel_cause == CancelCause.APPLICATION
    assert meeting.sequence == 2
    assert not b.active
    assert db.session.scalar(select(func.count()).select_from(Seat)) == 0


def test_a_cancelled_fair_cancels_every_meeting(b2b):
    from fairplanner.organizers.services import cancel_fair

    a, b = b2b.join(), b2b.join()
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    cancel_fair(b2b.fair, reason_ru="Причина", reason_en=None, actor=b2b.staff)
    assert meeting.state == MeetingState.CANCELLED
    assert meeting.cancel_cause == CancelCause.FAIR


def test_a_programme_change_may_not_strand_a_scheduled_meeting(b2b):
    a, b = b2b.join(), b2b.join()
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=b2b.member(b))
    p = b2b.programme
    settings = services.Settings(
        days=[b2b.fair.ends_on],
        day_starts=p.day_starts,
        day_ends=p.day_ends,
        slot_minutes=30,
        request_deadline=p.request_deadline,
        max_meetings=5,
    )
    with pytest.raises(services.MeetingError):
        services.save_programme(b2b.fair, settings, actor=b2b.staff)


def test_a_follow_up_waits_for_the_meeting(b2b):
    from fairplanner.meetings.models import FollowUp

    a, b = b2b.join(), b2b.join()
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=b2b.member(b))
    with pytest.raises(services.MeetingError):
        services.report_follow_up(
            meeting,
            a,
            FollowUp.CONTRACT,
            actor=b2b.member(a),
            now=b2b.slots[0] - timedelta(minutes=1),
        )
    services.report_follow_up(meeting, a, FollowUp.CONTRACT, actor=b2b.member(a), now=b2b.slots[0])
    assert meeting.requester_follow_up == FollowUp.CONTRACT
