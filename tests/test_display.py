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
