"""The participant's B2B pages: the programme, joining, the directory, a participant's page
with its request form, the company's meetings and their answers, and who may see what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fairplanner.accounts.models import Country, Role
from fairplanner.db import utcnow
from fairplanner.extensions import db
from fairplanner.meetings import services
from fairplanner.meetings.models import (
    Block,
    FollowUp,
    Meeting,
    MeetingState,
    Participant,
    Scheduling,
)
from fairplanner.registrations.models import Registration
from tests.meetings.conftest import make_b2b

# The participants' pages read and write through the meetings services, whose rules run on
# PostgreSQL in test_services, test_race and test_autoschedule.
pytestmark = pytest.mark.sqlite_only

EN = {"Accept-Language": "en"}


def url(b2b, rest: str = "") -> str:
    return f"/fairs/{b2b.fair.slug}/b2b{rest}"


def text(response) -> str:
    return response.get_data(as_text=True)


def meetings_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting)) or 0


def pair(b2b):
    """Two participants, the first from Belarus, the second from Russia, with contacts."""
    a_company, a_user = b2b.company(country=Country.BELARUS, legal_name="ООО «Белдрев»")
    b_company, b_user = b2b.company(legal_name="ООО «Вятка-Лес»")
    a = b2b.join(a_company, user=a_user, phone="+375291112233", email="a@beldrev.example")
    b = b2b.join(
        b_company,
        user=b_user,
        phone="+78332000001",
        email="b@vyatka.example",
        attendees=[{"name": "Смирнова Ольга", "position": "Директор"}],
    )
    return a, a_user, b, b_user


def requested(b2b, a, b, slots=None):
    meeting = services.request_meeting(
        a, b, message="Давайте встретимся", slots=slots or b2b.slots[:2], actor=b2b.member(a)
    )
    db.session.commit()
    return meeting


# --- the programme -----------------------------------------------------------------------------


def test_the_programme_page_tells_each_reader_what_to_do(b2b, client, login_as, factories):
    page = client.get(url(b2b), headers=EN)
    assert page.status_code == 200
    html = text(page)
    assert "How it works" in html
    assert "30 minutes" in html
    assert "10:00–12:00" in html  # Minsk time
    assert "Log in" in html
    # A company without an approved application is told to apply first.
    login_as(factories.user())
    assert "Apply to the fair first" in text(client.get(url(b2b), headers=EN))
    # An approved one may join.
    _company, user = b2b.company()
    login_as(user)
    html = text(client.get(url(b2b), headers=EN))
    assert f'href="{url(b2b, "/profile")}"' in html


def test_a_fair_without_a_programme_has_no_b2b_pages(client, factories, member):
    fair = factories.fair()
    for rest in ("", "/profile", "/participants", "/my", "/my/print"):
        assert client.get(f"/fairs/{fair.slug}/b2b{rest}").status_code == 404


def test_the_fair_page_and_the_application_page_link_the_programme(b2b, client, login_as):
    company, user = b2b.company()
    html = text(client.get(f"/fairs/{b2b.fair.slug}", headers=EN))
    assert f'href="{url(b2b)}"' in html
    login_as(user)
    registration = db.session.scalars(
        select(Registration).where(Registration.company_id == company.id)
    ).one()
    html = text(client.get(f"/my/registrations/{registration.id}", headers=EN))
    assert f'href="{url(b2b, "/profile")}"' in html
    b2b.join(company, user=user)
    html = text(client.get(f"/my/registrations/{registration.id}", headers=EN))
    assert f'href="{url(b2b, "/my")}"' in html


# --- joining and the profile -------------------------------------------------------------------


def test_a_company_joins_with_its_profile_and_availability(b2b, client, login_as, factories):
    company, user = b2b.company()
    login_as(user)
    form = client.get(url(b2b, "/profile"), headers=EN)
    assert form.status_code == 200
    html = text(form)
    assert company.phone in html  # prefilled from the company
    assert company.email in html
    assert "Belarusian" in html  # languages in words
    assert "10:00–10:30" in html  # the availability grid in Minsk time
    sector = b2b.fair.sectors[0]
    response = client.post(
        url(b2b, "/profile"),
        data={
            "offers_ru": "Пиломатериалы",
            "seeks_en": "Buyers",
            "offer_sectors": [str(sector.id)],
            "languages": ["ru", "de"],
            "attendees-0-name": "Иванов Пётр",
            "attendees-0-position": "Коммерческий директор",
            "phone": "+375291234567",
            "email": "b2b@example.com",
            "unavailable": [b2b.slots[0].isoformat()],
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(b2b, "/my"))
    participant = db.session.scalars(
        select(Participant).where(Participant.company_id == company.id)
    ).one()
    assert participant.offers_ru == "Пиломатериалы"
    assert [s.id for s in participant.offer_sectors] == [sector.id]
    assert participant.languages == ["de", "ru"]
    assert participant.attendees == [{"name": "Иванов Пётр", "position": "Коммерческий директор"}]
    assert participant.unavailable_slots == {b2b.slots[0]}


@pytest.mark.parametrize(
    "data",
    [
        {"seeks_ru": ""},  # says nothing of what it offers or seeks
        {"offers_ru": "x", "unavailable": ["2001-01-01T07:00:00+00:00"]},  # not a slot
        {"offers_ru": "x", "email": "not an email"},
        {"offers_ru": "x" * 2001},
        {"offers_ru": "x", "languages": ["xx"]},
    ],
)
def test_a_bad_profile_is_refused_and_nothing_saved(b2b, client, login_as, data):
    _company, user = b2b.company()
    login_as(user)
    response = client.post(url(b2b, "/profile"), data=data, headers=EN)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_only_an_approved_company_may_join(b2b, client, login_as, factories):
    user = factories.user()
    factories.registration(b2b.fair, user.company, status="submitted")
    login_as(user)
    response = client.post(url(b2b, "/profile"), data={"offers_ru": "x"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_staff_and_anonymous_users_cannot_join(b2b, client, login_as, factories):
    assert client.get(url(b2b, "/profile")).status_code == 302  # to the login
    login_as(b2b.staff)
    assert client.post(url(b2b, "/profile"), data={"offers_ru": "x"}).status_code == 403


def test_the_profile_is_changed_and_the_company_leaves_after_confirming(b2b, client, login_as):
    a, a_user, b, _b_user = pair(b2b)
    meeting = requested(b2b, a, b)
    login_as(a_user)
    html = text(client.get(url(b2b, "/profile"), headers=EN))
    assert "+375291112233" in html
    response = client.post(
        url(b2b, "/profile"), data={"offers_en": "Sawn timber", "languages": ["en"]}
    )
    assert response.status_code == 302
    db.session.refresh(a)
    assert a.offers_en == "Sawn timber"
    assert a.offers_ru is None
    # Leaving asks first: nothing changes until confirmed.
    asked = client.post(url(b2b, "/leave"), headers=EN)
    assert asked.status_code == 200
    assert "are cancelled" in text(asked)
    db.session.refresh(a)
    assert a.active
    assert client.post(url(b2b, "/leave"), data={"confirmed": "1"}).status_code == 302
    db.session.refresh(a)
    db.session.refresh(meeting)
    assert not a.active
    assert meeting.state == MeetingState.CANCELLED
    assert client.get(url(b2b, "/my")).status_code == 302  # not a participant any more


# --- the directory -----------------------------------------------------------------------------


def test_the_directory_is_for_participants_and_the_fairs_own_staff(
    b2b, client, login_as, factories
):
    a, a_user, _b, _b_user = pair(b2b)
    assert client.get(url(b2b, "/participants")).status_code == 302  # to the login
    login_as(factories.user())  # a company that does not take part
    assert client.get(url(b2b, "/participants")).status_code == 403
    assert client.get(url(b2b, f"/participants/{a.id}")).status_code == 403
    other_organizer = factories.organizer("other-org")
    login_as(factories.user(role=Role.STAFF, organizer_id=other_organizer.id))
    assert client.get(url(b2b, "/participants")).status_code == 403
    assert client.get(url(b2b, f"/participants/{a.id}")).status_code == 403
    login_as(b2b.staff)
    html = text(client.get(url(b2b, "/participants"), headers=EN))
    assert "Белдрев" in html
    page = text(client.get(url(b2b, f"/participants/{a.id}"), headers=EN))
    assert "+375291112233" not in page  # no contacts for the staff either
    login_as(a_user)
    assert client.get(url(b2b, "/participants")).status_code == 200


def test_the_directory_filters_by_words_country_and_sector(b2b, client, login_as, factories):
    wood = factories.sector("forestry")
    _a, a_user, b, _b_user = pair(b2b)
    services.update_profile(
        b,
        services.Profile(
            offers_ru="Клеёный брус и ПИЛОМАТЕРИАЛЫ", seek_sector_ids=[wood.id], languages=["ru"]
        ),
        actor=b2b.member(b),
    )
    db.session.commit()
    login_as(a_user)

    def names(query: str) -> tuple[bool, bool]:
        html = text(client.get(url(b2b, f"/participants{query}"), headers=EN))
        return "Белдрев" in html, "Вятка-Лес" in html

    assert names("") == (True, True)
    assert names("?q=пиломатериалы+брус") == (False, True)  # Cyrillic, any case, all words
    assert names("?q=клееный") == (False, True)  # ё read as е
    assert names("?country=RU") == (False, True)
    assert names("?country=BY") == (True, False)
    assert names(f"?sector={wood.id}&kind=seek") == (False, True)
    assert names(f"?sector={wood.id}&kind=offer") == (False, False)
    assert names("?q=zzzz") == (False, False)
    assert client.get(url(b2b, "/participants?page=abc&kind=x&sector=%00")).status_code in (
        200,
        400,
    )


def test_the_directory_shows_a_full_agenda_and_pages(factories, client, login_as):
    b2b = make_b2b(factories, max_meetings=1)
    a, a_user, b, b_user = pair(b2b)
    meeting = requested(b2b, a, b)
    services.accept(meeting, b, slot=b2b.slots[0], actor=b_user)
    for _ in range(30):
        b2b.join()
    login_as(a_user)
    first = text(client.get(url(b2b, "/participants"), headers=EN))
    assert "Agenda full" in first
    assert 'rel="next"' in first
    second = client.get(url(b2b, "/participants?page=2"), headers=EN)
    assert second.status_code == 200
    assert 'rel="prev"' in text(second)


def test_the_directory_takes_as_many_queries_for_many_participants(
    factories, client, login_as, count_queries
):
    b2b = make_b2b(factories)
    a, a_user, b, b_user = pair(b2b)
    services.accept(requested(b2b, a, b), b, slot=b2b.slots[0], actor=b_user)
    login_as(a_user)
    client.get(url(b2b, "/participants"))
    with count_queries() as few:
        assert client.get(url(b2b, "/participants")).status_code == 200
    for _ in range(8):
        b2b.join()
    client.get(url(b2b, "/participants"))
    with count_queries() as many:
        page = text(client.get(url(b2b, "/participants"), headers=EN))
    assert page.count("Languages:") >= 10
    assert many.count == few.count


# --- a participant's page and requests ---------------------------------------------------------


def test_contacts_show_only_once_a_meeting_is_agreed(b2b, client, login_as):
    a, a_user, b, b_user = pair(b2b)
    c = b2b.join()
    login_as(a_user)
    page = text(client.get(url(b2b, f"/participants/{b.id}"), headers=EN))
    assert "b@vyatka.example" not in page
    assert "Смирнова Ольга" not in page
    assert "Request a meeting" in page
    meeting = requested(b2b, a, b)
    assert "b@vyatka.example" not in text(client.get(url(b2b, f"/participants/{b.id}")))
    services.accept(meeting, b, slot=b2b.slots[0], actor=b_user)
    db.session.commit()
    page = text(client.get(url(b2b, f"/participants/{b.id}"), headers=EN))
    assert "b@vyatka.example" in page
    assert "Смирнова Ольга" in page
    # A third participant still does not see them.
    login_as(b2b.member(c))
    page = text(client.get(url(b2b, f"/participants/{b.id}"), headers=EN))
    assert "b@vyatka.example" not in page


def test_a_request_proposes_slots_free_for_both(b2b, client, login_as):
    a, a_user, b, _b_user = pair(b2b)
    services.update_profile(
        b,
        services.Profile(offers_ru="x", unavailable=[b2b.slots[1]]),
        actor=b2b.member(b),
    )
    db.session.commit()
    login_as(a_user)
    page = text(client.get(url(b2b, f"/participants/{b.id}"), headers=EN))
    assert b2b.slots[0].isoformat() in page
    assert b2b.slots[1].isoformat() not in page  # the other side cannot meet then
    response = client.post(
        url(b2b, f"/participants/{b.id}/request"),
        data={"message": "Добрый день", "slots": [b2b.slots[0].isoformat()]},
    )
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.requester_id == a.id
    assert meeting.proposed_slots == [b2b.slots[0]]
    assert meeting.message == "Добрый день"


@pytest.mark.parametrize(
    ("slots", "status"),
    [
        ([], 422),  # no time proposed
        (["2001-01-01T07:00:00+00:00"], 422),  # not a slot of the programme
        (["not-a-time"], 422),
        (["2026-05-12T07:00:00"], 422),  # without its zone
    ],
)
def test_a_bad_request_is_refused_and_nothing_saved(b2b, client, login_as, slots, status):
    _a, a_user, b, _b_user = pair(b2b)
    login_as(a_user)
    response = client.post(
        url(b2b, f"/participants/{b.id}/request"), data={"message": "x", "slots": slots}
    )
    assert response.status_code == status
    assert meetings_count() == 0


def test_a_request_for_a_taken_slot_is_a_409_and_nothing_saved(b2b, client, login_as):
    _a, a_user, b, b_user = pair(b2b)
    c = b2b.join()
    first = requested(b2b, c, b, slots=[b2b.slots[0]])
    services.accept(first, b, slot=b2b.slots[0], actor=b_user)
    db.session.commit()
    login_as(a_user)
    response = client.post(
        url(b2b, f"/participants/{b.id}/request"),
        data={"slots": [b2b.slots[0].isoformat()]},
        headers=EN,
    )
    assert response.status_code == 409
    assert "no longer free" in text(response)
    assert meetings_count() == 1


def test_where_the_organizer_schedules_a_request_is_just_a_message(factories, client, login_as):
    b2b = make_b2b(factories, scheduling=Scheduling.ORGANIZER)
    _a, a_user, b, b_user = pair(b2b)
    login_as(a_user)
    page = text(client.get(url(b2b, f"/participants/{b.id}"), headers=EN))
    assert b2b.slots[0].isoformat() not in page
    assert "The organizer sets the time" in page
    response = client.post(url(b2b, f"/participants/{b.id}/request"), data={"message": "Hi"})
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    login_as(b_user)
    assert client.post(url(b2b, f"/meetings/{meeting.id}/accept")).status_code == 302
    db.session.refresh(meeting)
    assert meeting.state == MeetingState.ACCEPTED
    html = text(client.get(url(b2b, "/my"), headers=EN))
    assert "time to be set" in html
    assert "a@beldrev.example" in html  # agreed: the contacts show


def test_the_participant_pages_of_another_fair_or_a_former_participant_are_404(
    b2b, client, login_as, factories
):
    _a, a_user, b, _b_user = pair(b2b)
    other = make_b2b(factories)
    stranger = other.join()
    login_as(a_user)
    assert client.get(url(b2b, f"/participants/{stranger.id}")).status_code == 404
    assert client.post(url(b2b, f"/participants/{stranger.id}/request")).status_code == 404
    services.leave(b, actor=b2b.member(b))
    db.session.commit()
    assert client.get(url(b2b, f"/participants/{b.id}")).status_code == 404
    assert client.get(url(b2b, "/participants/99999999")).status_code == 404


# --- my meetings -------------------------------------------------------------------------------


def test_the_recipient_accepts_one_of_the_proposed_times(b2b, client, login_as):
    a, a_user, b, b_user = pair(b2b)
    meeting = requested(b2b, a, b)
    login_as(b_user)
    html = text(client.get(url(b2b, "/my"), headers=EN))
    assert "Requests waiting for your answer (1)" in html
    assert "Давайте встретимся" in html
    assert "a@beldrev.example" not in html  # not agreed yet
    response = client.post(
        url(b2b, f"/meetings/{meeting.id}/accept"), data={"slot": b2b.slots[1].isoformat()}
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.state == MeetingState.SCHEDULED
    assert meeting.starts_at == b2b.slots[1]
    html = text(client.get(url(b2b, "/my"), headers=EN))
    assert "Стол 1, Павильон 1" in html
    assert "a@beldrev.example" in html
    assert "10:30" in html  # the second slot in Minsk time
    assert 'href="/my/fairs#calendar"' in html
    printed = client.get(url(b2b, "/my/print"), headers=EN)
    assert printed.status_code == 200
    assert "Стол 1, Павильон 1" in text(printed)
    assert "meetings-print.js" in text(printed)
    # The requester's agenda shows it too.
    login_as(a_user)
    html = text(client.get(url(b2b, "/my"), headers=EN))
    assert "b@vyatka.example" in html


@pytest.mark.parametrize("slot", [None, "garbage", "2001-01-01T07:00:00+00:00"])
def test_accepting_without_a_proposed_time_is_refused(b2b, client, login_as, slot):
    a, _a_user, b, b_user = pair(b2b)
    meeting = requested(b2b, a, b, slots=[b2b.slots[0]])
    login_as(b_user)
    data = {} if slot is None else {"slot": slot}
    response = client.post(url(b2b, f"/meetings/{meeting.id}/accept"), data=data, headers=EN)
    assert response.status_code == 422
    assert "Choose one of the proposed times" in text(response)
    db.session.refresh(meeting)
    assert meeting.state == MeetingState.REQUESTED


def test_accepting_a_time_taken_meanwhile_is_a_409_and_nothing_half_booked(b2b, client, login_as):
    a, _a_user, b, b_user = pair(b2b)
    c = b2b.join()
    slot = b2b.slots[0]
    first = requested(b2b, a, b, slots=[slot])
    second = requested(b2b, c, b, slots=[slot])
    login_as(b_user)
    client.post(url(b2b, f"/meetings/{first.id}/accept"), data={"slot": slot.isoformat()})
    response = client.post(
        url(b2b, f"/meetings/{second.id}/accept"), data={"slot": slot.isoformat()}, headers=EN
    )
    assert response.status_code == 409
    assert "already has a meeting" in text(response)
    db.session.refresh(second)
    assert second.state == MeetingState.REQUESTED
    assert second.starts_at is None


def test_the_recipient_declines_with_a_reason_or_proposes_other_times(b2b, client, login_as):
    a, a_user, b, b_user = pair(b2b)
    c = b2b.join()
    meeting = requested(b2b, a, b, slots=[b2b.slots[0]])
    other = requested(b2b, c, b, slots=[b2b.slots[0]])
    login_as(b_user)
    response = client.post(
        url(b2b, f"/meetings/{meeting.id}/propose"), data={"slots": [b2b.slots[2].isoformat()]}
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.proposed_slots == [b2b.slots[2]]
    assert meeting.proposed_by_id == b.id
    # Now it waits for the requester: the recipient cannot accept its own proposal.
    response = client.post(
        url(b2b, f"/meetings/{meeting.id}/accept"), data={"slot": b2b.slots[2].isoformat()}
    )
    assert response.status_code == 422
    bad = client.post(url(b2b, f"/meetings/{other.id}/propose"), data={"slots": ["nonsense"]})
    assert bad.status_code == 422
    response = client.post(
        url(b2b, f"/meetings/{other.id}/decline"), data={"reason": "Не наш профиль"}
    )
    assert response.status_code == 302
    db.session.refresh(other)
    assert other.state == MeetingState.DECLINED
    assert other.decline_reason == "Не наш профиль"
    # The requester accepts the other times.
    login_as(a_user)
    response = client.post(
        url(b2b, f"/meetings/{meeting.id}/accept"), data={"slot": b2b.slots[2].isoformat()}
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.state == MeetingState.SCHEDULED


def test_a_request_is_withdrawn_and_a_meeting_cancelled_after_confirming(b2b, client, login_as):
    a, a_user, b, b_user = pair(b2b)
    c = b2b.join()
    pending = requested(b2b, a, c)
    meeting = requested(b2b, a, b)
    services.accept(meeting, b, slot=b2b.slots[0], actor=b_user)
    db.session.commit()
    login_as(a_user)
    assert client.post(url(b2b, f"/meetings/{pending.id}/cancel")).status_code == 302
    db.session.refresh(pending)
    assert pending.state == MeetingState.CANCELLED
    asked = client.post(url(b2b, f"/meetings/{meeting.id}/cancel"), headers=EN)
    assert asked.status_code == 200
    assert "Cancel the meeting with" in text(asked)
    db.session.refresh(meeting)
    assert meeting.state == MeetingState.SCHEDULED
    done = client.post(url(b2b, f"/meetings/{meeting.id}/cancel"), data={"confirmed": "1"})
    assert done.status_code == 302
    db.session.refresh(meeting)
    assert meeting.state == MeetingState.CANCELLED
    # Cancelling again is a clear refusal, not an error.
    again = client.post(url(b2b, f"/meetings/{meeting.id}/cancel"), data={"confirmed": "1"})
    assert again.status_code == 422


def test_after_its_start_a_side_reports_what_came_of_the_meeting(b2b, client, login_as):
    a, a_user, b, b_user = pair(b2b)
    meeting = requested(b2b, a, b)
    services.accept(meeting, b, slot=b2b.slots[0], actor=b_user)
    db.session.commit()
    login_as(a_user)
    early = client.post(
        url(b2b, f"/meetings/{meeting.id}/follow-up"), data={"follow_up": "contact"}
    )
    assert early.status_code == 422  # not begun yet
    assert "What came of the meeting" not in text(client.get(url(b2b, "/my"), headers=EN))
    # The fair's day has come (the data as it would be then).
    past = utcnow() - timedelta(hours=1)
    meeting.starts_at, meeting.ends_at = past, past + timedelta(minutes=30)
    db.session.commit()
    assert "What came of the meeting" in text(client.get(url(b2b, "/my"), headers=EN))
    bad = client.post(url(b2b, f"/meetings/{meeting.id}/follow-up"), data={"follow_up": "x"})
    assert bad.status_code == 422
    done = client.post(
        url(b2b, f"/meetings/{meeting.id}/follow-up"), data={"follow_up": "contract"}
    )
    assert done.status_code == 302
    db.session.refresh(meeting)
    assert meeting.requester_follow_up == FollowUp.CONTRACT
    assert meeting.recipient_follow_up is None


def test_a_company_blocks_and_unblocks_another(b2b, client, login_as):
    a, a_user, b, b_user = pair(b2b)
    waiting = requested(b2b, a, b)
    login_as(b_user)
    asked = client.post(url(b2b, f"/participants/{a.id}/block"), headers=EN)
    assert asked.status_code == 200
    assert db.session.get(Block, (b.id, a.company_id)) is None
    done = client.post(url(b2b, f"/participants/{a.id}/block"), data={"confirmed": "1"})
    assert done.status_code == 302
    assert db.session.get(Block, (b.id, a.company_id)) is not None
    db.session.refresh(waiting)
    assert waiting.state == MeetingState.DECLINED
    assert "Blocked companies" in text(client.get(url(b2b, "/my"), headers=EN))
    # The blocked company's request is refused.
    login_as(a_user)
    response = client.post(
        url(b2b, f"/participants/{b.id}/request"), data={"slots": [b2b.slots[0].isoformat()]}
    )
    assert response.status_code == 403
    # Only the company that blocked may unblock.
    assert client.post(url(b2b, f"/blocks/{a.company_id}/unblock")).status_code == 404
    login_as(b_user)
    assert client.post(url(b2b, f"/blocks/{a.company_id}/unblock")).status_code == 302
    assert db.session.get(Block, (b.id, a.company_id)) is None


# --- nobody else's -----------------------------------------------------------------------------

ACTIONS = [
    ("accept", lambda b2b: {"slot": b2b.slots[0].isoformat()}),
    ("decline", lambda b2b: {"reason": "x"}),
    ("propose", lambda b2b: {"slots": [b2b.slots[2].isoformat()]}),
    ("cancel", lambda b2b: {"confirmed": "1"}),
    ("follow-up", lambda b2b: {"follow_up": "contact"}),
]


@pytest.mark.parametrize("who", ["participant", "company", "staff", "other staff", "anonymous"])
def test_nobody_else_sees_or_changes_a_companys_meetings(b2b, client, login_as, factories, who):
    a, _a_user, b, b_user = pair(b2b)
    meeting = requested(b2b, a, b)
    scheduled = requested(b2b, b, b2b.join(), slots=[b2b.slots[3]])
    services.accept(scheduled, scheduled.recipient, slot=b2b.slots[3], actor=b_user)
    db.session.commit()
    expected = {
        "participant": 404,  # another participant: not its meeting
        "company": 404,  # a company that does not take part
        "staff": 403,  # the organizer's staff: no company
        "other staff": 403,
        "anonymous": 302,  # to the login
    }[who]
    if who == "participant":
        login_as(b2b.member(b2b.join()))
    elif who == "company":
        login_as(factories.user())
    elif who == "staff":
        login_as(b2b.staff)
    elif who == "other staff":
        login_as(factories.user(role=Role.STAFF, organizer_id=factories.organizer("x-org").id))
    for target in (meeting, scheduled):
        for action, data in ACTIONS:
            response = client.post(url(b2b, f"/meetings/{target.id}/{action}"), data=data(b2b))
            assert response.status_code == expected, (action, response.status_code)
    db.session.refresh(meeting)
    db.session.refresh(scheduled)
    assert meeting.state == MeetingState.REQUESTED
    assert meeting.proposed_by_id == a.id
    assert scheduled.state == MeetingState.SCHEDULED
    assert scheduled.requester_follow_up is None
    # Its own agenda pages show nothing of the others' meetings or contacts.
    for path in ("/my", "/my/print"):
        response = client.get(url(b2b, path))
        body = text(response)
        assert "b@vyatka.example" not in body
        assert "Давайте встретимся" not in body
    assert client.post(
        url(b2b, f"/participants/{a.id}/block"), data={"confirmed": "1"}
    ).status_code in (
        302,
        403,
        404,
    )
    assert db.session.scalar(select(func.count()).select_from(Block)) == 0 or who == "participant"


@pytest.mark.parametrize("who", ["company", "staff", "other staff", "anonymous"])
def test_only_a_participant_requests_blocks_or_leaves(b2b, client, login_as, factories, who):
    a, _a_user, b, _b_user = pair(b2b)
    expected = {"company": 404, "staff": 403, "other staff": 403, "anonymous": 302}[who]
    if who == "company":
        _company, user = b2b.company()  # approved, but not a participant
        login_as(user)
    elif who == "staff":
        login_as(b2b.staff)
    elif who == "other staff":
        login_as(factories.user(role=Role.STAFF, organizer_id=factories.organizer("y-org").id))
    posts = [
        (f"/participants/{b.id}/request", {"slots": [b2b.slots[0].isoformat()]}),
        (f"/participants/{b.id}/block", {"confirmed": "1"}),
        (f"/blocks/{a.company_id}/unblock", {}),
        ("/leave", {"confirmed": "1"}),
    ]
    for path, data in posts:
        assert client.post(url(b2b, path), data=data).status_code == expected, path
    assert meetings_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Block)) == 0
    db.session.refresh(a)
    db.session.refresh(b)
    assert a.active
    assert b.active
    response = client.get(url(b2b, "/my/print"))
    assert response.status_code in (302, 403, 404)
