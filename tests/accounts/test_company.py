"""The company profile and inviting colleagues."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import Company, Country, Invitation, User
from fairplanner.db import utcnow
from fairplanner.notifications.models import OutboxMessage
from tests.factories import valid_inn

RUSSIAN = {
    "country": "RU",
    "region": "43",
    "legal_name": "ООО «Вятка-Лес»",
    "short_name": "Вятка-Лес",
    "tax_id": "4345497285",
    "ogrn": "1194350012867",
    "sectors": ["forestry", "food"],
    "products": "Пиломатериалы, фанера",
    "website": "https://vyatka-les.example",
    "contact_person": "Петров Иван",
    "phone": "+7 (8332) 64-12-34",
    "email": "Sales@Vyatka-Les.example",
}
BELARUSIAN = {
    **RUSSIAN,
    "country": "BY",
    "region": "gomel",
    "tax_id": "190806803",
    "ogrn": "",
    "phone": "8 0232 12 34 56",
}


@pytest.fixture
def fresh_member(make_user, login_as, factories):
    factories.sector("forestry")
    factories.sector("food")
    company = Company(legal_name="Новая компания")
    return login_as(make_user(company=factories._save(company)))


def test_incomplete_profile_is_flagged(client, fresh_member):
    html = client.get("/company", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Organizers need these details" in html
    assert not fresh_member.company.profile_complete


@pytest.mark.parametrize("data", [RUSSIAN, BELARUSIAN], ids=["russia", "belarus"])
def test_profile_is_saved_normalised(client, db, fresh_member, data):
    response = client.post("/company", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    company = db.session.get(Company, fresh_member.company_id)
    assert company.profile_complete
    assert company.country == Country(data["country"])
    assert company.tax_id == data["tax_id"]
    assert company.phone.startswith("+")
    assert company.phone[1:].isdigit()
    assert company.email == "sales@vyatka-les.example"
    assert [s.code for s in company.sectors] == ["food", "forestry"]


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"tax_id": "4345497286"}, "The check digit does not match"),
        ({"tax_id": "434549728"}, "10 digits"),
        ({"tax_id": "43454972A5"}, "digits only"),
        ({"country": "BY", "region": "gomel", "tax_id": "4345497285", "ogrn": ""}, "9 characters"),
        ({"region": "gomel"}, "Choose the region."),  # a Belarusian oblast for a Russian company
        ({"region": "99"}, "Choose the region."),
        ({"country": "XX"}, "Not a valid choice"),
        ({"country": ""}, "Choose the country."),
        ({"ogrn": "1194350012868"}, "The check digit does not match"),
        ({"ogrn": "304500116000191"}, "sole proprietor"),  # ОГРНИП with an organisation's ИНН
        ({"country": "BY", "region": "gomel", "tax_id": "190806803"}, "only for companies"),
        ({"phone": "12345"}, "phone"),
        ({"website": "javascript:alert(1)"}, "Enter a website address"),
        ({"legal_name": "Ж" * 301}, "longer than 300"),
        ({"products": "x" * 4001}, "longer than 4000"),
        ({"email": "nope"}, "Enter a valid email address."),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_changes(
    client, db, fresh_member, change, field_message
):
    response = client.post(
        "/company", data={**RUSSIAN, **change}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    db.session.expire_all()
    company = db.session.get(Company, fresh_member.company_id)
    assert company.tax_id is None
    assert company.legal_name == "Новая компания"


def test_tax_id_is_unique_among_companies(client, db, factories, fresh_member):
    factories.company(tax_id="4345497285")
    response = client.post("/company", data=RUSSIAN)
    assert response.status_code == 422
    assert "Компания с таким налоговым номером уже зарегистрирована." in response.get_data(
        as_text=True
    )
    assert db.session.get(Company, fresh_member.company_id).tax_id is None


def test_ogrnip_with_remainder_11_is_accepted(client, db, fresh_member):
    data = {**RUSSIAN, "tax_id": "500100732259", "ogrn": "304500116000191"}
    assert client.post("/company", data=data).status_code == 302
    assert db.session.get(Company, fresh_member.company_id).ogrn == "304500116000191"


def test_invitation_flow(app, client, db, member):
    response = client.post("/company/members", data={"email": "Colleague@Vyatka.example"})
    assert response.status_code == 302
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "invitation"))
    assert mail.to_email == "colleague@vyatka.example"
    token = re.search(r"/invite/(\S+)", mail.body_text).group(1)
    stored = db.session.scalar(select(Invitation.token_hash))
    assert token not in stored  # only a hash is kept

    guest = app.test_client()
    page = guest.get(f"/invite/{token}", headers={"Accept-Language": "en"})
    assert "colleague@vyatka.example" in page.get_data(as_text=True)
    response = guest.post(
        f"/invite/{token}",
        data={
            "password": "colleague password",
            "confirm": "colleague password",
            "consent": "y",
        },
    )
    assert response.status_code == 302
    colleague = db.session.scalar(select(User).where(User.email == "colleague@vyatka.example"))
    assert colleague.company_id == member.company_id
    assert guest.get("/my/fairs").status_code == 200
    # The link works once.
    assert app.test_client().get(f"/invite/{token}").status_code == 404


def test_expired_and_unknown_invitations_are_404(app, client, db, member):
    client.post("/company/members", data={"email": "late@example.com"}, follow_redirects=True)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert app.test_client().get("/invite/whatever").status_code == 404
    html = client.get("/company/members").get_data(as_text=True)
    token = "x" * 43
    assert app.test_client().get(f"/invite/{token}").status_code == 404
    assert "late@example.com" not in html  # no longer listed as open


def test_factory_inn_is_valid():
    from fairplanner.accounts.identifiers import check_tax_id

    assert check_tax_id(Country.RUSSIA, valid_inn(7)) == valid_inn(7)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("beldrevprom.by", "https://beldrevprom.by"),
        ("  www.beldrevprom.by/ru/  ", "https://www.beldrevprom.by/ru/"),
        ("beldrevprom.by:8080/catalog", "https://beldrevprom.by:8080/catalog"),
        ("//beldrevprom.by", "https://beldrevprom.by"),
        ("http://beldrevprom.by", "http://beldrevprom.by"),
        ("HTTPS://Beldrevprom.by/Каталог", "HTTPS://Beldrevprom.by/Каталог"),
        ("белдревпром.бел", "https://белдревпром.бел"),
        ("", None),
    ],
)
def test_a_bare_domain_is_accepted_and_stored_with_https(client, db, fresh_member, typed, stored):
    response = client.post("/company", data={**RUSSIAN, "website": typed})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(fresh_member.company)
    assert fresh_member.company.website == stored


@pytest.mark.parametrize(
    "url",
    [
        "javascript://example.com/%0Aalert(1)",
        "javascript:alert(1)",
        "ftp://example.com/x",
        "mailto:info@beldrevprom.by",
        "beldrevprom",
        "beldrev prom.by",
        "https://",
        "https://" + "a" * 290 + ".by",
    ],
)
@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Enter a website address, such as beldrevprom.by."),
        ("ru", "Введите адрес сайта, например beldrevprom.by."),
    ],
)
def test_a_bad_website_is_refused_with_one_message(client, db, fresh_member, url, lang, message):
    response = client.post(
        "/company", data={**RUSSIAN, "website": url}, headers={"Accept-Language": lang}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = re.search(r'<ul class="field-errors" id="website-errors">(.*?)</ul>', html, re.S)
    assert errors is not None
    assert len(re.findall(r"<li>", errors.group(1))) == 1
    db.session.refresh(fresh_member.company)
    assert fresh_member.company.website is None


def test_superscript_digits_are_not_digits(client, db, fresh_member):
    response = client.post("/company", data={**RUSSIAN, "tax_id": "7707083893", "ogrn": "²" * 13})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("lang", "legend", "belarus", "russia", "kirov"),
    [
        ("ru", "Реквизиты", "Беларусь", "Россия", "Кировская область"),
        ("en", "Legal details", "Belarus", "Russia", "Kirov"),
    ],
)
def test_profile_lists_region_names_grouped_by_country(
    client, fresh_member, lang, legend, belarus, russia, kirov
):
    html = client.get("/company", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert f"<legend>{legend}</legend>" in html
    select = re.search(r'<select[^>]*id="region".*?</select>', html, re.S).group(0)
    assert f'<optgroup label="{belarus}">' in select
    assert f'<optgroup label="{russia}">' in select
    # Each option names its region and says which country it belongs to (for regions.js).
    assert re.search(rf'data-country="RU" value="43">{kirov}', select) or re.search(
        rf'value="43"[^>]*data-country="RU"[^>]*>{kirov}', select
    )
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert len(labels) == 1 + 7 + 83
    assert not [label for label in labels if re.fullmatch(r"[\d-]+|[a-z-]+", label)]
    # The script that narrows the list is a file of this site, not inline.
    assert '<script src="/static/js/regions.js" defer></script>' in html
    assert "<script>" not in html


def test_russian_regions_are_sorted_by_name(client, fresh_member):
    html = client.get("/company").get_data(as_text=True)
    group = re.search(r'<optgroup label="Россия">(.*?)</optgroup>', html, re.S).group(1)
    names = re.findall(r">([^<]+)</option>", group)
    assert names == sorted(names, key=lambda n: n.casefold().replace("ё", "е"))
    assert names[0].startswith("Алтайский")


def test_a_region_of_another_country_is_refused(client, db, fresh_member):
    response = client.post("/company", data={**BELARUSIAN, "region": "43"})
    assert response.status_code == 422
    db.session.refresh(fresh_member.company)
    assert fresh_member.company.region is None


def test_the_profile_shows_the_phone_as_people_write_it(client, member):
    html = client.get("/company").get_data(as_text=True)
    assert 'value="+7 833 264-12-34"' in html
    assert "+78332641234" not in html
