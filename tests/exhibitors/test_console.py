"""The organizer's side of the exhibitor catalogue: entries, edits with audit, exports."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from fairplanner.accounts.models import Role
from fairplanner.extensions import db
from fairplanner.registrations.models import RegistrationChange, RegistrationStatus


@pytest.fixture
def fair(make_fair, factories):
    return make_fair(slug="belagro", organizer="belexpo", sectors=("agro",))


@pytest.fixture
def staff(factories, make_user, login_as, fair):
    organizer = factories.organizer("belexpo")
    return login_as(make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=organizer.id))


def exhibit(factories, fair, name, **kw):
    company = factories.company(legal_name=name)
    company.sectors = [factories.sector("agro")]
    db.session.commit()
    return factories.registration(fair, company, **kw)


def get(client, url):
    return client.get(url, headers={"Accept-Language": "en"})


def test_the_console_lists_every_approved_exhibitor_with_its_state(client, factories, fair, staff):
    exhibit(factories, fair, "Listed Co", entry_ru="Тракторы")
    exhibit(factories, fair, "Unlisted Co", listed=False)
    exhibit(factories, fair, "Pending Co", status=RegistrationStatus.SUBMITTED)
    html = get(client, "/organizer/fairs/belagro/exhibitors").get_data(as_text=True)
    assert "Listed Co" in html
    assert "Тракторы" in html
    assert "the company chose not to be listed" in html
    assert "Pending Co" not in html


def test_another_organizers_staff_gets_a_404(client, factories, make_fair, make_user, login_as):
    other = make_fair(slug="other", organizer="minskexpo")
    theirs = factories.organizer("belexpo")
    login_as(make_user("x@belexpo.by", role=Role.STAFF, organizer_id=theirs.id))
    assert get(client, "/organizer/fairs/other/exhibitors").status_code == 404
    assert other.slug == "other"


def test_editing_and_hiding_an_entry_is_audited(client, factories, fair, staff):
    registration = exhibit(factories, fair, "Edit Co", entry_ru="Старый текст")
    url = f"/organizer/fairs/belagro/exhibitors/{registration.id}"
    assert get(client, url).status_code == 200
    response = client.post(url, data={"entry_ru": "Новый текст", "entry_en": "", "hidden": "y"})
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.entry_ru == "Новый текст"
    assert registration.entry_hidden is True
    change = db.session.scalars(
        db.select(RegistrationChange).where(RegistrationChange.action == "entry_edited")
    ).one()
    assert change.actor_id == staff.id
    assert change.changes["entry_ru"] == ["Старый текст", "Новый текст"]
    assert "Edit Co" not in get(client, "/fairs/belagro/exhibitors").get_data(as_text=True)
    log = get(client, "/organizer/fairs/belagro/log").get_data(as_text=True)
    assert "Catalogue entry changed by the organizer" in log


def test_a_too_long_entry_is_refused_and_nothing_saved(client, factories, fair, staff):
    registration = exhibit(factories, fair, "Long Co", entry_ru="Коротко")
    url = f"/organizer/fairs/belagro/exhibitors/{registration.id}"
    response = client.post(url, data={"entry_ru": "я" * 601})
    assert response.status_code == 422
    db.session.refresh(registration)
    assert registration.entry_ru == "Коротко"


def test_an_application_not_approved_has_no_entry_page(client, factories, fair, staff):
    registration = exhibit(factories, fair, "Wait Co", status=RegistrationStatus.SUBMITTED)
    assert get(client, f"/organizer/fairs/belagro/exhibitors/{registration.id}").status_code == 404


def test_the_xlsx_export_holds_the_public_catalogue(client, factories, fair, staff):
    exhibit(factories, fair, "Бета", entry_ru="Сеялки", entry_en="Seeders")
    exhibit(factories, fair, "Альфа")
    exhibit(factories, fair, "Скрытая", entry_hidden=True)
    response = get(client, "/organizer/fairs/belagro/exhibitors.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Company"
    assert [r[0] for r in rows[1:]] == ["Альфа", "Бета"]
    assert rows[2][4:6] == ("Сеялки", "Seeders")


def test_the_print_view_groups_in_two_columns(client, factories, fair, staff):
    exhibit(factories, fair, "Печать Co")
    for by in ("sector", "hall", "junk"):
        response = get(client, f"/organizer/fairs/belagro/exhibitors/print?by={by}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Печать Co" in html
        assert "catalogue-print.css" in html
    assert "Hall not assigned yet" in get(
        client, "/organizer/fairs/belagro/exhibitors/print?by=hall"
    ).get_data(as_text=True)


def test_the_print_view_marks_an_entry_in_the_other_language(client, factories, fair, staff):
    exhibit(factories, fair, "Only Russian Co", entry_ru="Тракторы")
    html = get(client, "/organizer/fairs/belagro/exhibitors/print?by=sector").get_data(as_text=True)
    assert 'lang="ru">Тракторы <span class="lang-marker" lang="en">(in Russian)</span>' in html
