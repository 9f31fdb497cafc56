"""Coded values read as names in both languages (fairplanner.display)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fairplanner import display
from fairplanner.accounts.models import Country
from fairplanner.catalogue.models import FairStatus
from fairplanner.registrations.models import RegistrationStatus, StandType


@pytest.fixture
def in_language(app):
    def enter(lang: str):
        return app.test_request_context(headers={"Accept-Language": lang})

    return enter


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ru", "Беларусь · г. Минск"),
        ("en", "Belarus · Minsk (city)"),
    ],
)
def test_place_names_country_and_region(in_language, lang, expected):
    with in_language(lang):
        assert display.place(Country.BELARUS, "minsk-city") == expected


def test_russian_region_by_its_number(in_language):
    with in_language("ru"):
        assert display.place("RU", "43") == "Россия · Кировская область"
        assert display.place(Country.OTHER, None) == "Другая страна"


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        ("ru", Decimal("36.5"), "36,5 м²"),
        ("en", Decimal("36.5"), "36.5 m²"),
        ("ru", Decimal("9.0"), "9 м²"),
    ],
)
def test_area_is_formatted_for_the_language(in_language, lang, value, expected):
    with in_language(lang):
        assert display.area(value) == expected


def test_enums_sharing_a_value_keep_their_own_names(in_language):
    with in_language("ru"):
        assert display.label(FairStatus.CANCELLED) == "отменена"
        assert display.label(RegistrationStatus.APPROVED) == "Одобрена"
        assert display.label("collective", StandType) == "Место на коллективном региональном стенде"
        assert display.label("nonsense", StandType) == "nonsense"


def test_phone_reads_in_international_format():
    assert display.phone("+375171234567") == "+375 17 123-45-67"
    assert display.phone("+78332123456") == "+7 833 212-34-56"
    assert display.phone("") == ""


def test_sectors_on_the_public_fair_page_are_in_alphabetical_order(client, factories):
    factories.sector("a-last", name_ru="Ягоды", name_en="Berries")
    factories.sector("z-first", name_ru="Автомобили", name_en="Cars")
    fair = factories.fair(sectors=["a-last", "z-first"], status="published")
    html = client.get(f"/fairs/{fair.slug}", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    assert html.index("Автомобили") < html.index("Ягоды")


def test_an_enum_names_itself_in_the_current_language(in_language):
    with in_language("en"):
        assert str(StandType.OUTDOOR.title) == "Outdoor area"
        assert display.label(Country.OTHER) == "Another country"
    with in_language("ru"):
        assert str(StandType.OUTDOOR.title) == "Открытая площадка"
        assert display.country_name("RU") == "Россия"
        assert display.country_name("XX") == "XX"


@pytest.mark.parametrize(
    ("lang", "sector", "city"), [("en", "Cars", "Grodno"), ("ru", "Автомобили", "Гродно")]
)
def test_sectors_and_cities_are_named_by_the_lookup_the_catalogue_registers(
    in_language, factories, lang, sector, city
):
    factories.sector("auto", name_ru="Автомобили", name_en="Cars")
    factories.city("grodno", name_ru="Гродно", name_en="Grodno")
    with in_language(lang):
        assert display.names("sectors", ["auto", "unknown"]) == {"auto": sector}
        assert display.names("cities", {"grodno"}) == {"grodno": city}
        assert display.names("sectors", []) == {}
