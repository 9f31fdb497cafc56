"""Tax identifiers and phone numbers, checked per country."""

from __future__ import annotations

import pytest

from fairplanner.accounts.identifiers import (
    InvalidIdentifier,
    check_ogrn,
    check_phone,
    check_tax_id,
    regions,
)
from fairplanner.accounts.models import Country


@pytest.mark.parametrize(
    ("country", "value", "expected"),
    [
        (Country.BELARUS, "100219673", "100219673"),  # OAO BPS-Sberbank
        (Country.BELARUS, "190806803", "190806803"),
        (Country.BELARUS, " 191767445 ", "191767445"),
        (Country.BELARUS, "MA1953684", "MA1953684"),  # an individual, Latin letters
        (Country.BELARUS, "МА1953684", "MA1953684"),  # the same with Cyrillic look-alikes
        (Country.RUSSIA, "7707083893", "7707083893"),  # Sberbank
        (Country.RUSSIA, "4345497285", "4345497285"),  # a Kirov-region company
        (Country.RUSSIA, "500100732259", "500100732259"),  # a sole proprietor (12 digits)
        (Country.OTHER, "de123456789", "DE123456789"),
    ],
)
def test_valid_tax_ids(country, value, expected):
    assert check_tax_id(country, value) == expected


@pytest.mark.parametrize(
    ("country", "value", "message"),
    [
        (Country.BELARUS, "100219674", "check digit"),
        (Country.BELARUS, "10021967", "9 characters"),
        (Country.BELARUS, "1002196730", "9 characters"),
        (Country.BELARUS, "ZZ1953684", "check digit"),
        (Country.RUSSIA, "7707083894", "check digit"),
        (Country.RUSSIA, "77070838", "10 digits"),
        (Country.RUSSIA, "77070838931", "10 digits"),
        (Country.RUSSIA, "77O7083893", "digits only"),
        (Country.RUSSIA, "500100732258", "check digit"),
        (Country.OTHER, "x", "2–40"),
        (Country.OTHER, "=cmd|' /C calc'!A0", "2–40"),
    ],
)
def test_invalid_tax_ids(app, country, value, message):
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(InvalidIdentifier) as info,
    ):
        check_tax_id(country, value)
    assert message in str(info.value.message)


def test_a_kirov_kpp_passes_the_unp_checksum_so_the_country_matters():
    """Shape alone cannot tell the identifiers apart: the form asks for the country first."""
    assert check_tax_id(Country.BELARUS, "434501001") == "434501001"
    with pytest.raises(InvalidIdentifier):
        check_tax_id(Country.RUSSIA, "434501001")


@pytest.mark.parametrize(
    ("value", "inn", "ok"),
    [
        ("1027700132195", "7707083893", True),  # OGRN of Sberbank
        ("1194350012867", "4345497285", True),  # a Kirov-region OOO
        ("304500116000191", "500100732259", True),  # ОГРНИП, remainder 11: stdnum rejects it
        ("304500116000192", "500100732259", False),
        ("1027700132196", "7707083893", False),
        ("1027700132195", "500100732259", False),  # ОГРН with a sole proprietor's ИНН
        ("304500116000191", "7707083893", False),  # ОГРНИП with an organisation's ИНН
        ("10277001321", "7707083893", False),
        ("10277OO132195", "7707083893", False),
    ],
)
def test_ogrn_and_ogrnip(value, inn, ok):
    if ok:
        assert check_ogrn(value, tax_id=inn) == value
    else:
        with pytest.raises(InvalidIdentifier):
            check_ogrn(value, tax_id=inn)


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("+375 17 123-45-67", Country.BELARUS, "+375171234567"),
        ("8 017 123 45 67", Country.BELARUS, "+375171234567"),
        ("+7 (8332) 64-12-34", Country.RUSSIA, "+78332641234"),
        ("8 8332 64 12 34", Country.RUSSIA, "+78332641234"),
        ("+49 30 901820", Country.OTHER, "+4930901820"),
    ],
)
def test_phones_are_stored_in_e164(value, country, expected):
    assert check_phone(value, country=country) == expected


@pytest.mark.parametrize("value", ["12", "+375 17", "call me", "+7 999", "8 8332 64 12 34 99"])
def test_bad_phones(value):
    with pytest.raises(InvalidIdentifier):
        check_phone(value, country=Country.RUSSIA)


def test_region_lists():
    lists = regions()
    assert [r.code for r in lists[Country.BELARUS]][:2] == ["minsk-city", "brest"]
    russian = {r.code: r.name_ru for r in lists[Country.RUSSIA]}
    assert russian["43"] == "Кировская область"
    assert len(russian) == 83
