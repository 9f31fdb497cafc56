"""Names, never codes: one lookup for every coded value a person reads.

Templates, exports, charts, the change log and emails all show coded values through here:
`{{ registration.status|label }}`, `{{ company.country|country }}`,
`{{ place(company.country, company.region) }}`, `{{ company.phone|phone }}`, `{{ r.area|area }}`.
It sits above the domains (it reads their label tables) and below the views that use it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import phonenumbers
from flask import Flask
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fairplanner.accounts.forms import COUNTRY_LABELS
from fairplanner.accounts.identifiers import regions
from fairplanner.accounts.models import Country
from fairplanner.catalogue.forms import KIND_LABELS, OBLAST_LABELS
from fairplanner.catalogue.models import CapacityUnit, FairStatus
from fairplanner.i18n import localized
from fairplanner.organizers.forms import EVENT_LABELS, ROLE_LABELS, STATUS_LABELS
from fairplanner.registrations.forms import AIM_LABELS, STAND_LABELS
from fairplanner.text import fold

SEPARATOR = " · "


FAIR_STATUS_LABELS = {
    FairStatus.DRAFT: _l("draft"),
    FairStatus.PUBLISHED: _l("published"),
    FairStatus.CANCELLED: _l("cancelled"),
}
UNIT_LABELS = {CapacityUnit.STANDS: _l("stands"), CapacityUnit.SQM: _l("m²")}


# Keyed by enum class: StrEnum members compare equal to their strings, and different enums
# share values ("cancelled", "approved"), so a flat dict would mix them up.
TITLES: dict[type[enum.Enum], dict[enum.Enum, Any]] = {}
for table in (
    STATUS_LABELS,
    ROLE_LABELS,
    EVENT_LABELS,
    STAND_LABELS,
    AIM_LABELS,
    KIND_LABELS,
    OBLAST_LABELS,
    COUNTRY_LABELS,
    FAIR_STATUS_LABELS,
    UNIT_LABELS,
):
    for member, title in table.items():
        TITLES.setdefault(type(member), {})[member] = title


def label(member: enum.Enum | None, kind: type[enum.Enum] | None = None) -> str:
    """The name of a coded value in the current language; `kind` converts a plain string."""
    if member is None or member == "":
        return ""
    if kind is not None and not isinstance(member, kind):
        try:
            member = kind(member)
        except ValueError:
            return str(member)
    titles = TITLES.get(type(member), {})
    return str(titles[member]) if member in titles else str(getattr(member, "value", member))


def country_name(country: Country | str | None) -> str:
    return label(country, Country)


def region_name(country: Country | str | None, code: str | None) -> str:
    """A Belarusian oblast or Russian federal subject by its code ("43" → Кировская область)."""
    if not code:
        return ""
    try:
        items = regions().get(Country(country), []) if country else []
    except ValueError:
        items = []
    for region in items:
        if region.code == code:
            return localized(region, "name")
    return code


def place(country: Country | str | None, region: str | None) -> str:
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
