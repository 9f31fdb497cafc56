"""The organizer's automatic scheduling, from the database to the applied meetings."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fairplanner.extensions import db
from fairplanner.meetings import autoschedule, services
from fairplanner.meetings.models import Meeting, MeetingState, Scheduling, Seat
from tests.meetings.conftest import make_b2b


@pytest.fixture
def organizer_b2b(factories):
    return make_b2b(factories, scheduling=Scheduling.ORGANIZER, tables=1, max_meetings=3)


def _accepted(b2b, a, b):
    meeting = services.request_meeting(a, b, message=None, actor=b2b.member(a))
    services.accept(meeting, b, slot=None, actor=b2b.member(b))
    return meeting


def test_the_preview_places_what_fits_and_says_why_the_rest_does_not(organizer_b2b):
    b2b = organizer_b2b
    a, b, c = b2b.join(), b2b.join(), b2b.join()
    # `c` cannot meet at any slot: its meeting with `a` has no common time.
    services.update_profile(
        c, services.Profile(offers_ru="x", unavailable=b2b.slots), actor=b2b.member(c)
    )
    wanted = [_accepted(b2b, a, b), _accepted(b2b, a, c)]
    db.session.commit()
    preview = autoschedule.preview(b2b.fair.id, time_limit=5)
    placed = {p.wanted_id for p in preview.result.placed}
    assert placed == {wanted[0].id}
    assert [(u.wanted_id, u.reason.value) for u in preview.result.unplaced] == [
        (wanted[1].id, "no-common-slot")
    ]
    # Nothing is written by the preview.
    assert db.session.get(Meeting, wanted[0].id).state == MeetingState.ACCEPTED
    assert db.session.scalar(select(func.count()).select_from(Seat)) == 0


def test_applying_the_preview_books_each_placement_once(organizer_b2b):
    b2b = organizer_b2b
    people = [b2b.join() for _ in range(4)]
    wanted = [_accepted(b2b, people[0], people[1]), _accepted(b2b, people[2], people[3])]
    db.session.commit()
    preview = autoschedule.preview(b2b.fair.id, time_limit=5)
    applied, skipped = autoschedule.apply(b2b.fair.id, preview.token, actor=b2b.staff)
    assert (applied, skipped) == (2, [])
    starts = {db.session.get(Meeting, m.id).starts_at for m in wanted}
    assert len(starts) == 2  # one table: two different slots
    # Applying the same preview again changes nothing: the meetings are scheduled already.
    assert autoschedule.apply(b2b.fair.id, preview.token, actor=b2b.staff) == (
        0,
        [m.id for m in wanted],
    )


def test_a_placement_the_meantime_made_impossible_is_skipped(organizer_b2b):
    b2b = organizer_b2b
    a, b = b2b.join(), b2b.join()
    meeting = _accepted(b2b, a, b)
    db.session.commit()
    preview = autoschedule.preview(b2b.fair.id, time_limit=5)
    slot = preview.result.placed[0].starts_at
    services.update_profile(
        a, services.Profile(offers_ru="x", unavailable=[slot]), actor=b2b.member(a)
    )
    assert autoschedule.apply(b2b.fair.id, preview.token, actor=b2b.staff) == (0, [meeting.id])
    assert meeting.state == MeetingState.ACCEPTED


def test_a_forged_or_foreign_preview_is_refused(organizer_b2b, factories):
    b2b = organizer_b2b
    other = make_b2b(factories, scheduling=Scheduling.ORGANIZER)
    token = autoschedule.preview(other.fair.id, time_limit=1).token
    with pytest.raises(autoschedule.BadPreview):
        autoschedule.apply(b2b.fair.id, token, actor=b2b.staff)
    with pytest.raises(autoschedule.BadPreview):
        autoschedule.apply(b2b.fair.id, token[:-2] + "xx", actor=b2b.staff)
