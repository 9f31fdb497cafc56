"""A company sees on its applications that the organizer cancelled or moved the fair."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fairplanner.catalogue.models import FairStatus
from fairplanner.registrations import services
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus
from fairplanner.registrations.services import ExhibitorRequest, NotAllowed


@pytest.fixture
def applied(db, factories, make_fair, member):
    """The member's company applied (exhibitor, approved) for a fair 10–12 May 2027."""
    fair = make_fair(
        name_ru="Белагро",
        name_en="Belagro",
        starts_on=date(2027, 5, 10),
        registration_opens_on=date(2020, 1, 1),
    )
    return factories.registration(fair, member.company)


def cancel(db, fair):
    fair.status = FairStatus.CANCELLED
    fair.cancelled_at = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)  # 12:30 in Minsk
    fair.cancel_reason_ru = "Павильон закрыт на ремонт"
    fair.cancel_reason_en = "The hall is closed for repairs"
    db.session.commit()


def test_what_was_applied_for_is_remembered(applied):
    assert (applied.applied_starts_on, applied.applied_ends_on) == (
        date(2027, 5, 10),
        date(2027, 5, 12),
    )
    assert applied.applied_venue_id == applied.fair.venue_id
    assert not applied.dates_changed
    assert not applied.venue_changed


def test_the_service_remembers_it_too(db, make_fair, member):
    fair = make_fair(starts_on=date(2027, 6, 1))
    registration = services.submit_registration(
        member.company,
        fair,
        role=RegistrationRole.EXHIBITOR,
        request=ExhibitorRequest(stand_type="indoor", area=10),
        actor=member,
        today=date(2027, 1, 10),
    )
    assert registration.applied_starts_on == date(2027, 6, 1)


@pytest.mark.parametrize(
    ("lang", "texts", "absent"),
    [
        (
            "ru",
            ["Выставка отменена", "Павильон закрыт на ремонт", "1 марта 2027", "одобрена"],
            ["Отозвать заявку", "Изменить заявку", "The hall is closed"],
        ),
        (
            "en",
            ["Fair cancelled", "The hall is closed for repairs", "1 March 2027", "approved"],
            ["Withdraw application", "Change application", "Павильон"],
        ),
    ],
)
def test_a_cancelled_fair_shows_on_the_list_and_the_page(client, db, applied, lang, texts, absent):
    cancel(db, applied.fair)
    headers = {"Accept-Language": lang}
    listing = client.get("/my/fairs", headers=headers).text
    page = client.get(f"/my/registrations/{applied.id}", headers=headers).text
    for text in texts:
        assert text in listing
        assert text in page
    for text in absent:
        assert text not in page
    # The badge no longer says the application stands as approved.
    assert 'class="status status-approved"' not in listing
    assert 'class="status status-approved"' not in page
    # The history has the cancellation, at Minsk time.
    history = page.split('id="history-heading"')[1]
    assert "12:30" in history
    assert (
        "The organizer cancelled the fair" if lang == "en" else "Организатор отменил"
    ) in history


def test_withdrawing_from_a_cancelled_fair_is_refused(client, db, applied):
    cancel(db, applied.fair)
    response = client.post(f"/my/registrations/{applied.id}/withdraw", data={"confirmed": "1"})
    assert response.status_code == 302
    db.session.refresh(applied)
    assert applied.status == RegistrationStatus.APPROVED
    with pytest.raises(NotAllowed):
        services.withdraw_registration(applied, actor=None)


def test_editing_for_a_cancelled_fair_is_refused(client, db, applied):
    applied.status = RegistrationStatus.SUBMITTED
    db.session.commit()
    cancel(db, applied.fair)
    response = client.get(f"/my/registrations/{applied.id}/edit")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("ru", ["17–19 мая 2027", "10–12 мая 2027", "Выставка перенесена"]),
        ("en", ["17–19 May 2027", "10–12 May 2027", "The fair has moved"]),
    ],
)
def test_a_moved_fair_shows_new_and_old_dates(client, db, applied, lang, texts):
    applied.fair.starts_on = date(2027, 5, 17)
    applied.fair.ends_on = date(2027, 5, 19)
    db.session.commit()
    headers = {"Accept-Language": lang}
    page = client.get(f"/my/registrations/{applied.id}", headers=headers).text
    listing = client.get("/my/fairs", headers=headers).text
    for text in texts[:2]:
        assert text in page
        assert text in listing
    assert texts[2] in page
    assert "status status-approved" in page  # still approved: only the dates changed


def test_a_new_venue_is_named(client, db, factories, applied):
    applied.fair.venue = factories.venue("football-arena", name_ru="Футбольный манеж")
    db.session.commit()
    page = client.get(f"/my/registrations/{applied.id}").text
    assert "Новое место: Футбольный манеж" in page


def test_an_application_made_after_the_move_shows_no_move(db, make_fair, member, applied):
    applied.fair.starts_on = date(2027, 5, 17)
    applied.fair.ends_on = date(2027, 5, 19)
    db.session.commit()
    later = Registration(fair=applied.fair, company=member.company, role=RegistrationRole.VISITOR)
    db.session.add(later)
    db.session.commit()
    assert not later.dates_changed
    assert applied.dates_changed


@pytest.mark.parametrize(("lang", "area"), [("ru", "12,5 м²"), ("en", "12.5 m²")])
def test_the_stand_area_reads_as_an_area(client, db, applied, lang, area):
    applied.area = 12.5
    db.session.commit()
    page = client.get(f"/my/registrations/{applied.id}", headers={"Accept-Language": lang}).text
    assert f"<dd>{area}</dd>" in page
    assert ("Площадь стенда" if lang == "ru" else "Area of the stand") in page
