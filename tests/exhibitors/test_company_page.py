"""The public company page: only for a listed exhibitor, never its private contacts unless
the company opts in."""

from __future__ import annotations

from datetime import timedelta

from fairplanner.accounts.models import Company
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.registrations.models import RegistrationStatus


def get(client, url, lang="en"):
    return client.get(url, headers={"Accept-Language": lang})


def test_companies_get_unique_transliterated_slugs(factories):
    first = factories.company(legal_name="ООО «Вятка-Агро»", tax_id=None)
    second = factories.company(legal_name="ООО «Вятка-Агро»", tax_id=None)
    named = factories.company(legal_name="Длинное имя", short_name="Ёлка Плюс", tax_id=None)
    assert first.slug == "ooo-viatka-agro"
    assert second.slug == "ooo-viatka-agro-2"
    assert named.slug == "elka-plius"
    named.legal_name = "Другое имя"
    db.session.commit()
    assert named.slug == "elka-plius"  # the address stays when the name changes


def test_a_company_without_a_public_listing_has_no_page(client, factories, make_fair):
    fair = make_fair()
    company = factories.company(legal_name="Тихая компания")
    assert get(client, f"/companies/{company.slug}").status_code == 404
    factories.registration(fair, company, status=RegistrationStatus.SUBMITTED)
    assert get(client, f"/companies/{company.slug}").status_code == 404
    factories.registration(make_fair(), company, listed=False)
    assert get(client, f"/companies/{company.slug}").status_code == 404
    assert get(client, "/companies/nobody").status_code == 404


def test_the_page_shows_the_profile_and_fairs_but_no_private_contact(client, factories, make_fair):
    company = factories.company(
        legal_name="ООО «Вятка-Экспорт»",
        short_name="Вятка-Экспорт",
        website="https://vyatka.example",
        products="Сельхозтехника",
        tax_id="4345000000",
    )
    company.sectors = [factories.sector("agro")]
    db.session.commit()
    soon = make_fair(name_en="Belagro 2027", slug="belagro")
    past = make_fair(name_en="Old Fair", slug="old", starts_on=minsk_today() - timedelta(days=400))
    factories.registration(soon, company, entry_en="Tractors")
    factories.registration(past, company, entry_ru="Комбайны")
    html = get(client, f"/companies/{company.slug}").get_data(as_text=True)
    assert "Вятка-Экспорт" in html
    assert "https://vyatka.example" in html
    assert "Сельхозтехника" in html
    assert "Belagro 2027" in html
    assert "Tractors" in html
    assert html.index("Belagro 2027") < html.index("Exhibited at") < html.index("Old Fair")
    for private in ("4345000000", "Иванова Мария", "8332", "@vyatka.example"):
        assert private not in html


def test_an_opted_in_contact_is_shown(client, factories, make_fair):
    company = factories.company(legal_name="Открытая компания", public_contact=True)
    factories.registration(make_fair(), company)
    html = get(client, f"/companies/{company.slug}").get_data(as_text=True)
    assert "Иванова Мария" in html
    assert "+7 833 264-12-34" in html
    assert company.email in html


def test_the_profile_form_sets_the_public_contact(client, member, factories):
    company = db.session.get(Company, member.company_id)
    page = client.get("/company")
    assert page.status_code == 200
    assert 'name="public_contact"' in page.get_data(as_text=True)
    assert company.public_contact is False


def test_the_company_sees_its_listing_on_its_application(client, member, factories, make_fair):
    fair = make_fair()
    registration = factories.registration(
        fair, db.session.get(Company, member.company_id), entry_ru="Наши сеялки"
    )
    html = get(client, f"/my/registrations/{registration.id}").get_data(as_text=True)
    assert "Listed in the fair's public exhibitor catalogue" in html
    assert "Наши сеялки" in html
    registration.listed = False
    db.session.commit()
    html = get(client, f"/my/registrations/{registration.id}").get_data(as_text=True)
    assert "Not listed: your choice on the application" in html
