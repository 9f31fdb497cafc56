"""Company identifiers and regions: Belarusian УНП, Russian ИНН / ОГРН / ОГРНИП, phones."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import phonenumbers
from flask_babel import lazy_gettext as _l
from stdnum.by import unp
from stdnum.exceptions import ValidationError
from stdnum.ru import inn, ogrn

from fairplanner import display
from fairplanner.accounts.models import Country
from fairplanner.i18n import localized

REGIONS_FILE = Path(__file__).with_name("regions.json")
OTHER_TAX_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9 /.-]{1,38}")


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier; `message` says why, in the user's language."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Region:
    code: str
    name_ru: str
    name_en: str


@cache
def regions() -> dict[Country, list[Region]]:
    """The regions a company may pick: Belarusian oblasts and Russian federal subjects."""
    data = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
    return {Country(country): [Region(**r) for r in items] for country, items in data.items()}


def country_name(code: Country | str) -> str:
    """A country by its code ("BY" → Беларусь); an unknown code as it is."""
    return display.label(code, Country)


def region_name(country: Country | str | None, code: str) -> str | None:
    """A region of `country` by its code ("43" → Кировская область); None when unknown."""
    try:
        items = regions().get(Country(country), []) if country else []
    except ValueError:
        return None
    for region in items:
        if region.code == code:
            return localized(region, "name")
    return None


# The names display shows for these codes in templates, exports and mail (display knows no
# domain: accounts registers them when it is imported, and the app factory imports it).
display.register("country", country_name)
display.register("region", region_name)


def check_tax_id(country: Country, value: str) -> str:
    """The tax identifier in its compact form, or InvalidIdentifier."""
    value = value.strip()
    try:
        if country == Country.BELARUS:
            if len(unp.compact(value)) != 9:
                raise InvalidIdentifier(_l("A УНП has 9 characters."))
            return unp.validate(value)
        if country == Country.RUSSIA:
            compact = inn.compact(value)
            if not (compact.isascii() and compact.isdigit()):
                raise InvalidIdentifier(_l("An ИНН contains digits only."))
            if len(compact) not in (10, 12):
                raise InvalidIdentifier(
                    _l("An ИНН has 10 digits (organisations) or 12 (sole proprietors).")
                )
            return inn.validate(value)
    except ValidationError as exc:
        raise InvalidIdentifier(
            _l("The check digit does not match: the number has a typo.")
        ) from exc
    if not OTHER_TAX_ID.fullmatch(value):
        raise InvalidIdentifier(_l("Enter the tax number as it is registered (2–40 characters)."))
    return value.upper()


def check_ogrn(value: str, *, tax_id: str) -> str:
    """An ОГРН (13 digits) or ОГРНИП (15 digits) that fits the ИНН, or InvalidIdentifier.

    python-stdnum rejects valid ОГРНИП whose remainder mod 13 is 11 or 12 (it treats them like
    the 13-digit rule's remainder 10); the 15-digit check is therefore done here.
    """
    number = ogrn.compact(value)
    if not (number.isascii() and number.isdigit()):  # "²".isdigit() is True
        raise InvalidIdentifier(_l("An ОГРН contains digits only."))
    if len(number) == 13:
        valid = ogrn.is_valid(number)
    elif len(number) == 15:
        valid = int(number[:14]) % 13 % 10 == int(number[14])
    else:
        raise InvalidIdentifier(_l("An ОГРН has 13 digits, an ОГРНИП 15."))
    if not valid:
        raise InvalidIdentifier(_l("The check digit does not match: the number has a typo."))
    if (len(number) == 13) != (len(tax_id) == 10):
        raise InvalidIdentifier(
            _l(
                "An organisation (10-digit ИНН) has a 13-digit ОГРН; a sole proprietor "
                "(12-digit ИНН) has a 15-digit ОГРНИП."
            )
        )
    return number


def check_phone(value: str, *, country: Country | None) -> str:
    """The phone number in E.164 (+375…), or InvalidIdentifier."""
    region = country.value if country in (Country.BELARUS, Country.RUSSIA) else None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier(
            _l("Enter a phone number with its country code, e.g. +375 17 123-45-67.")
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier(_l("This is not a valid phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
