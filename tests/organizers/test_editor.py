"""The fair and programme editors, and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.i18n import minsk_today
from fairplanner.organizers.models import FairChange
from tests.organizers.conftest import event_form


@pytest.fixture
def staff(factories, make_user, login_as):
    organizer = factories.organizer("belexpo")
    factories.sector("food")
    factories.sector("forestry")
    return login_as(make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=organizer.id))


def fair_form(venue_id: int | str = "", **changes) -> dict:
    start = minsk_today() + timedelta(days=90)
    data = {
        "slug": "prodexpo-test",
        "name_ru": "Продэкспо",
        "name_en": "PRODEXPO",
        "kind": "fair",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=3)).isoformat(),
        "venue": str(venue_id),
        "sectors": ["food"],
        "registration_opens_on": (start - timedelta(days=60)).isoformat(),
        "registration_deadline": (start - timedelta(days=5)).isoformat(),
        "capacity": "120",
        "capacity_unit": "stands",
        "stand_area_min": "6",
        "stand_area_max": "300",
        "description_ru": "Оптовая ярмарка продуктов.",
    }
    data.update(changes)
    return data


@pytest.fixture
def venue(factories):
    return factories.venue("miec")


def test_create_program_publish(client, db, staff, venue):
    response = client.post("/organizer/fairs/new", data=fair_form(venue.id))
    assert response.status_code == 302, response.get_data(as_text=True)
    fair = db.session.scalar(select(Fair).where(Fair.slug == "prodexpo-test"))
    assert fair.status == FairStatus.DRAFT
    assert fair.organizer_id == staff.organizer_id
    assert [s.code for s in fair.sectors] == ["food"]
    assert client.get("/fairs/prodexpo-test").status_code == 404  # drafts stay private
    # Publishing needs a programme.
    client.post("/organizer/fairs/prodexpo-test/publish")
    assert fair.status == FairStatus.DRAFT
    response = client.post(
        "/organizer/fairs/prodexpo-test/programme", data=event_form(fair.starts_on)
    )
    assert response.status_code == 302
    assert fair.programme[0].starts_at.hour == 7  # 10:00 in Minsk is 07:00 UTC
    client.post("/organizer/fairs/prodexpo-test/publish")
    db.session.refresh(fair)
    assert fair.status == FairStatus.PUBLISHED
    assert client.get("/fairs/prodexpo-test").status_code == 200
    actions = [
        c.action
        for c in db.session.scalars(
            select(FairChange).where(FairChange.fair_id == fair.id).order_by(FairChange.id)
        )
    ]
    assert actions == ["created", "event added", "published"]


def test_new_venue_can_be_created_with_the_fair(client, db, staff, factories):
    city = factories.city("gomel", name_ru="Гомель")
    data = fair_form("", new_venue_name="Ледовый дворец", new_venue_city=str(city.id))
    assert client.post("/organizer/fairs/new", data=data).status_code == 302
    fair = db.session.scalar(select(Fair).where(Fair.slug == "prodexpo-test"))
    assert fair.venue.name_ru == "Ледовый дворец"
    assert fair.venue.city.slug == "gomel"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "Не латиница"}, "Latin letters"),
        ({"ends_on": "2000-01-01"}, "cannot end before it starts"),
        ({"stand_area_min": "50", "stand_area_max": "10"}, "cannot be smaller"),
        ({"venue": ""}, "Choose a venue"),
        ({"capacity": "-3"}, "Number must be between 1 and"),
        ({"name_ru": ""}, "This field is required."),
    ],
)
def test_bad_fair_input_saves_nothing(client, db, staff, venue, changes, message):
    response = client.post(
        "/organizer/fairs/new",
        data=fair_form(venue.id, **changes),
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Fair).where(Fair.slug == "prodexpo-test")) is None


def test_slug_must_be_unique(client, db, staff, venue, make_fair):
    make_fair(slug="prodexpo-test")
    response = client.post(
        "/organizer/fairs/new", data=fair_form(venue.id), headers={"Accept-Language": "en"}
    )
    assert "already has this address" in response.get_data(as_text=True)


@pytest.fixture
def draft(client, db, staff, venue):
    client.post("/organizer/fairs/new", data=fair_form(venue.id))
    return db.session.scalar(select(Fair).where(Fair.slug == "prodexpo-test"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": "12:00", "end": "11:00"}, "must end after it starts"),
        ({"day": "2000-01-01"}, "within the dates of the fair"),
    ],
)
def test_programme_validation(client, db, draft, changes, message):
    response = client.post(
        "/organizer/fairs/prodexpo-test/programme",
        data=event_form(draft.starts_on, **changes),
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert message in response.get_data(as_text=True)
    assert draft.programme == []


def test_no_two_events_in_one_hall_at_once(client, db, draft):
    client.post("/organizer/fairs/prodexpo-test/programme", data=event_form(draft.starts_on))
    clash = event_form(
        draft.starts_on, title_ru="Семинар", start="10:30", end="12:00", hall_ru="зал 1"
    )
    response = client.post(
        "/organizer/fairs/prodexpo-test/programme",
        data=clash,
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert "is taken then" in response.get_data(as_text=True)
    other_hall = {**clash, "hall_ru": "Зал 2"}
    assert (
        client.post("/organizer/fairs/prodexpo-test/programme", data=other_hall).status_code == 302
    )
    db.session.refresh(draft)
    assert len(draft.programme) == 2


def test_every_change_raises_the_revision(client, db, draft):
    before = draft.revision
    client.post("/organizer/fairs/prodexpo-test/programme", data=event_form(draft.starts_on))
    db.session.refresh(draft)
    after_event = draft.revision
    assert after_event > before
    data = fair_form(draft.venue_id, name_en="PRODEXPO 2", revision=str(draft.revision))
    client.post("/organizer/fairs/prodexpo-test/edit", data=data)
    db.session.refresh(draft)
    assert draft.revision > after_event
    assert draft.name_en == "PRODEXPO 2"
    event = draft.programme[0]
    client.post(
        f"/organizer/fairs/prodexpo-test/programme/{event.id}/delete", data={"confirmed": "1"}
    )
    db.session.refresh(draft)
    assert draft.programme == []
    log = [c.action for c in db.session.scalars(select(FairChange).order_by(FairChange.id))]
    assert log == ["created", "event added", "edited", "event deleted"]


def test_stale_edit_is_refused(client, db, draft):
    seen = draft.revision
    draft.name_en = "Changed by a colleague"
    db.session.commit()
    client.post(
        "/organizer/fairs/prodexpo-test/edit",
        data=fair_form(draft.venue_id, name_en="Mine", revision=str(seen)),
    )
    db.session.refresh(draft)
    assert draft.name_en == "Changed by a colleague"


def test_cancel_with_reason_and_copy_to_next_year(client, db, draft):
    client.post("/organizer/fairs/prodexpo-test/programme", data=event_form(draft.starts_on))
    client.post("/organizer/fairs/prodexpo-test/publish")
    assert (
        client.post("/organizer/fairs/prodexpo-test/cancel", data={"reason_ru": ""}).status_code
        == 302
    )
    db.session.refresh(draft)
    assert draft.status == FairStatus.PUBLISHED
    client.post(
        "/organizer/fairs/prodexpo-test/cancel",
        data={"reason_ru": "Площадка на ремонте", "reason_en": "Venue closed", "confirmed": "1"},
    )
    db.session.refresh(draft)
    assert draft.status == FairStatus.CANCELLED
    assert draft.cancelled_at is not None
    assert "Площадка на ремонте" in client.get("/fairs/prodexpo-test").get_data(as_text=True)
    client.post("/organizer/fairs/prodexpo-test/copy")
    copy = db.session.scalar(
        select(Fair)
        .where(Fair.slug == "prodexpo-test-" + str((draft.starts_on + timedelta(weeks=52)).year))
        .limit(1)
    ) or db.session.scalar(select(Fair).where(Fair.slug != "prodexpo-test"))
    assert copy.status == FairStatus.DRAFT
    assert copy.starts_on == draft.starts_on + timedelta(weeks=52)
    assert copy.starts_on.weekday() == draft.starts_on.weekday()
    assert len(copy.programme) == 1
    assert copy.name_ru == "Продэкспо"


def test_log_page_shows_edits_and_decisions(client, draft):
    html = client.get("/organizer/fairs/prodexpo-test/log").get_data(as_text=True)
    assert "Выставка создана" in html
    assert "staff@belexpo.by" in html
    english = client.get("/organizer/fairs/prodexpo-test/log", headers={"Accept-Language": "en"})
    assert "Fair created" in english.text


def test_another_organizers_staff_cannot_edit(client, db, draft, factories, make_user, login_as):
    other = factories.organizer("minskexpo")
    login_as(make_user(role=Role.STAFF, organizer_id=other.id))
    for path in (
        "/organizer/fairs/prodexpo-test/edit",
        "/organizer/fairs/prodexpo-test/log",
        "/organizer/fairs/prodexpo-test/programme",
    ):
        assert client.get(path).status_code == 404
    assert client.post("/organizer/fairs/prodexpo-test/publish").status_code == 404
    assert (
        client.post("/organizer/fairs/prodexpo-test/cancel", data={"reason_ru": "x"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stand_area_min": "sNaN"}, "This field is required."),
        ({"stand_area_max": "-sNaN"}, "This field is required."),
        ({"starts_on": "0001-01-01"}, "between 2000 and 2100"),
        ({"registration_deadline": "9999-12-31"}, "between 2000 and 2100"),
        ({"revision": "²"}, ""),
    ],
)
def test_odd_fair_input_is_a_form_error_not_a_500(client, db, staff, venue, changes, message):
    response = client.post(
        "/organizer/fairs/new",
        data=fair_form(venue.id, **changes),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code in (302, 422)
    assert message in response.get_data(as_text=True)


def test_copy_keeps_the_weekday_and_the_next_year(db, staff, factories, make_fair):
    from datetime import date

    from fairplanner.organizers.services import copy_fair

    fair = make_fair(
        slug="winter-2027", starts_on=date(2027, 1, 1), organizer=factories.organizer("belexpo")
    )
    copy = copy_fair(fair, actor=staff)
    assert copy.starts_on.weekday() == fair.starts_on.weekday()
    assert abs((copy.starts_on - date(2028, 1, 1)).days) <= 3
    assert copy.slug == "winter-2028"


def test_programme_item_edit_from_an_outdated_page_is_refused(client, db, draft):
    client.post("/organizer/fairs/prodexpo-test/programme", data=event_form(draft.starts_on))
    event = draft.programme[0]
    seen = event.revision
    event.title_ru = "Изменено коллегой"
    db.session.commit()
    client.post(
        f"/organizer/fairs/prodexpo-test/programme/{event.id}",
        data={**event_form(draft.starts_on, title_ru="Моё"), "revision": str(seen)},
    )
    db.session.refresh(event)
    assert event.title_ru == "Изменено коллегой"


def test_fair_website_takes_a_bare_domain(client, db, staff, venue):
    """As on the company profile: beldrevprom.by is stored with https://, errors said once."""
    response = client.post("/organizer/fairs/new", data=fair_form(venue.id, website="belexpo.by"))
    assert response.status_code == 302
    fair = db.session.scalar(select(Fair).order_by(Fair.id.desc()))
    assert fair.website == "https://belexpo.by"
    bad = client.post(
        "/organizer/fairs/new", data=fair_form(venue.id, slug="other", website="javascript:x")
    )
    assert bad.status_code == 422
    assert bad.get_data(as_text=True).count("например beldrevprom.by") == 1
