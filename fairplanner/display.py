"""Names, never codes: one lookup for every coded value a person reads.

Templates, exports, charts, the change log and emails all show coded values through here:
`{{ registration.status|label }}`, `{{ company.country|country }}`,
`{{ place(company.country, company.region) }}`, `{{ company.phone|phone }}`, `{{ r.area|area }}`.
It is a core module and knows no domain: an enum names itself (`fairplanner.titles.TitledEnum`,
as Indico's `RichEnum.__titles__`); a coded reference that is not an enum (a country given as
a plain string, a region, a sector, a city) is named by the lookup its domain registers here
(`register`, `register_many`) when it is imported: the app factory imports every domain.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any

import phonenumbers
from flask import Flask
from flask_babel import format_decimal
from flask_babel import gettext as _

from fairplanner.i18n import localized
from fairplanner.text import fold
from fairplanner.titles import TitledEnum

SEPARATOR = " · "

# name -> the domain's function from a code to its name in the current language ("" or None
# when it does not know the code). Filled by the domains: "country" (accounts: a country by
# its code), "region" (accounts: a region by the country and its code).
LOOKUPS: dict[str, Callable[..., str | None]] = {}
# name -> the domain's function from many codes to their names (one query for records kept
# in the database): "sectors" (catalogue: by code), "cities" (catalogue: by slug).
MANY: dict[str, Callable[[Collection[Any]], Mapping[Any, str]]] = {}


def register(name: str, lookup: Callable[..., str | None]) -> None:
    """Let `lookup` name the codes called `name` (a domain calls it when it is imported)."""
    LOOKUPS[name] = lookup


def register_many(name: str, lookup: Callable[[Collection[Any]], Mapping[Any, str]]) -> None:
    """Let `lookup` name many codes called `name` at once (code -> name, unknown ones absent)."""
    MANY[name] = lookup


def lookup(name: str, *code: Any) -> str | None:
    """The name of a coded reference by its registered lookup; None when nobody knows it."""
    found = LOOKUPS.get(name)
    return found(*code) if found is not None else None


def names(name: str, codes: Iterable[Any]) -> dict[Any, str]:
    """The names of many codes of one kind ({} for none); a code nobody knows is absent."""
    wanted = set(codes)
    found = MANY.get(name)
    if not wanted or found is None:
        return {}
    return dict(found(wanted))


def label(member: enum.Enum | str | None, kind: type[enum.Enum] | None = None) -> str:
    """The name of a coded value in the current language; `kind` converts a plain string.

    Enums sharing a value ("cancelled", "approved") keep their own names: the title is the
    member's own, never looked up by its value.
    """
    if member is None or member == "":
        return ""
    if kind is not None and not isinstance(member, kind):
        try:
            member = kind(member)
        except ValueError:
            return str(member)
    if isinstance(member, TitledEnum):
        return str(member.title)
    return str(getattr(member, "value", member))


def country_name(country: enum.Enum | str | None) -> str:
    if country is None or country == "":
        return ""
    return lookup("country", country) or label(country)


def region_name(country: enum.Enum | str | None, code: str | None) -> str:
    """A Belarusian oblast or Russian federal subject by its code ("43" → Кировская область)."""
    if not code:
        return ""
    return lookup("region", country, code) or code


def place(country: enum.Enum | str | None, region: str | None) -> str:
    """ "Беларусь · г. Минск", "Россия · Кировская область", or just the country."""
    parts = [country_name(country), region_name(country, region)]
    return SEPARATOR.join(p for p in parts if p)


def phone(value: str | None) -> str:
    """An E.164 number as people write it: +375 17 123-45-67."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def number(value: Decimal | float | int | None) -> str:
    """A number in the current locale, with no trailing zeros: 36,5 · 9 · 1 250."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = value.normalize()
    return format_decimal(value)


def area(value: Decimal | float | int | None) -> str:
    """An area in square metres: "36,5 м²" in Russian, "36.5 m²" in English."""
    if value is None:
        return ""
    return _("%(area)s m²", area=number(value))


def by_name(items: Iterable[Any], field: str = "name") -> list[Any]:
    """Bilingual records (sectors, cities) in the reader's alphabetical order."""
    return sorted(items, key=lambda item: fold(localized(item, field)))


def deleted_company(company_id: int) -> str:
    return _("Deleted company #%(id)s", id=company_id)


def company_name(company: Any, *, legal: bool = False) -> str:
    """The company as organizers and members read it; a deleted one by its number only."""
    if company is None:
        return ""
    if getattr(company, "erased_at", None) is not None:
        return deleted_company(company.id)
    return company.legal_name if legal else company.display_name


def user_name(user: Any) -> str:
    """Who did something, in a history: the address, or "Deleted user" once erased."""
    if user is None:
        return ""
    if getattr(user, "erased_at", None) is not None or not user.email:
        return _("Deleted user")
    return user.email


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        label=label, country=country_name, phone=phone, number=number, area=area, by_name=by_name
    )
    app.jinja_env.globals.update(place=place, region_name=region_name)
    app.jinja_env.filters.update(company_name=company_name, user_name=user_name)
