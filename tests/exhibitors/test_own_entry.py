"""A company writes its own catalogue entry after applying, also once approved, until the fair
ends: the organizer's e-catalogue is due before the opening."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.registrations.models import RegistrationChange, RegistrationStatus


def entry_url(registration) -> str:
    return f"/my/registrations/{registration.id}/entry"


def test_an_approved_exhibitor_rewrites_its_entry_and_the_catalogue_follows(
    client, member, factories, make_fair
):
    fair = make_fair(slug="own-entry")
    registration = factories.registration(fair, member.company, entry_ru="Старый текст")
    page = client.get(f"/my/registrations/{registration.id}").get_data(as_text=True)
    assert f'href="{entry_url(registration)}"' in page
    form = client.get(entry_url(registration))
    assert form.status_code == 200
    assert "Старый текст" in form.get_data(as_text=True)

    response = client.post(
        entry_url(registration),
        data={"listed": "y", "entry_ru": "Пиломатериалы и клеёный брус", "entry_en": "Lumber"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/my/registrations/{registration.id}")
    catalogue = client.get("/fairs/own-entry/exhibitors", headers={"Accept-Language": "en"})
    assert "Lumber" in catalogue.get_data(as_text=True)
    change = db.session.scalars(
        select(RegistrationChange).where(RegistrationChange.action == "entry_written")
    ).one()
    assert change.actor_id == member.id
    assert change.changes["entry_ru"] == ["Старый текст", "Пиломатериалы и клеёный брус"]

    client.post(entry_url(registration), data={"entry_ru": "Пиломатериалы"})  # unticked
    db.session.refresh(registration)
    assert registration.listed is False
    catalogue = client.get("/fairs/own-entry/exhibitors", headers={"Accept-Language": "en"})
    assert "Lumber" not in catalogue.get_data(as_text=True)


def test_another_companys_application_is_not_found(client, member, factories, make_fair):
    other = factories.registration(make_fair(), factories.company())
    assert client.get(entry_url(other)).status_code == 404
    assert client.post(entry_url(other), data={"entry_ru": "Чужое"}).status_code == 404
    db.session.refresh(other)
    assert other.entry_ru is None


def test_a_withdrawn_application_or_an_ended_fair_keeps_its_entry(
    client, member, factories, make_fair
):
    withdrawn = factories.registration(
        make_fair(), member.company, status=RegistrationStatus.WITHDRAWN, entry_ru="Было"
    )
    response = client.post(entry_url(withdrawn), data={"listed": "y", "entry_ru": "Стало"})
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Запись в каталоге есть только у действующей заявки экспонента." in follow
    db.session.refresh(withdrawn)
    assert withdrawn.entry_ru == "Было"

    ended = factories.registration(
        make_fair(starts_on=minsk_today() - timedelta(days=10)), member.company, entry_ru="Было"
    )
    client.post(entry_url(ended), data={"listed": "y", "entry_ru": "Стало"})
    db.session.refresh(ended)
    assert ended.entry_ru == "Было"
    page = client.get(f"/my/registrations/{ended.id}").get_data(as_text=True)
    assert entry_url(ended) not in page


def test_a_too_long_entry_is_refused_and_nothing_is_saved(client, member, factories, make_fair):
    registration = factories.registration(make_fair(), member.company, entry_ru="Коротко")
    response = client.post(entry_url(registration), data={"listed": "y", "entry_ru": "я" * 5000})
    assert response.status_code == 422
    db.session.refresh(registration)
    assert registration.entry_ru == "Коротко"
