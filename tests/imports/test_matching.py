"""Names in a season plan matched to the catalogue's sectors, cities and venues (pure: the
catalogue's objects are built here, not loaded)."""

from __future__ import annotations

from datetime import date

import pytest

from fairplanner.catalogue.models import City, Oblast, Sector, Venue
from fairplanner.imports import PlanRow
from fairplanner.imports.matching import match, norm

MINSK = City(id=1, slug="minsk", name_ru="Минск", name_en="Minsk", oblast=Oblast.MINSK_CITY)
MOGILEV = City(id=2, slug="mogilev", name_ru="Могилёв", name_en="Mogilev", oblast=Oblast.MOGILEV)


def _venue(number: int, name: str, city: City, name_en: str | None = None) -> Venue:
    venue = Venue(id=number, slug=f"v{number}", name_ru=name, name_en=name_en, city_id=city.id)
    venue.city = city
    return venue


VENUES = [
    _venue(1, "Футбольный манеж", MINSK, "Football Arena"),
    _venue(2, "Дворец спорта", MINSK),
    _venue(3, "Дворец спорта", MOGILEV),
    _venue(4, "Минскэкспо", MINSK),
]
SECTORS = [
    Sector(id=1, code="agro", name_ru="Сельское хозяйство", name_en="Agriculture"),
    Sector(id=2, code="food", name_ru="Пищевая промышленность", name_en="Food industry"),
]


def _match(**fields: object) -> tuple[object, list[str]]:
    row = PlanRow(line=2, name_ru="Белагро", starts_on=date(2027, 6, 1), **fields)
    (found,) = match([row], sectors=SECTORS, cities=[MINSK, MOGILEV], venues=VENUES)
    return found, [str(e) for e in row.errors]


def test_names_match_whatever_their_case_quotes_and_yo():
    assert norm("  «МИНСКЭКСПО» ") == norm("минскэкспо")
    assert norm("Могилёв") == norm("могилев")
    found, errors = _match(
        city="могилев",
        venue="дворец  СПОРТА",
        sectors=["AGRO", "Food industry", "сельское хозяйство"],
    )
    assert errors == []
    assert found.city is MOGILEV
    assert found.venue is VENUES[2]  # the one in Mogilev, not Minsk's
    assert found.sectors == SECTORS  # once each


def test_a_unique_venue_brings_its_city():
    found, errors = _match(venue="Football Arena")
    assert errors == []
    assert (found.city, found.venue) == (MINSK, VENUES[0])


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"city": "Пинск", "venue": "Дворец спорта"},
            ["The city “Пинск” is not in the catalogue."],
        ),
        ({"city": "Минск", "venue": "Арена"}, ["The venue “Арена” is not in the catalogue."]),
        # Two cities have one: without a city the name says too little.
        ({"venue": "Дворец спорта"}, ["The venue “Дворец спорта” is not in the catalogue."]),
        ({"city": "Минск"}, ["The venue is missing."]),
        (
            {"city": "Минск", "venue": "Минскэкспо", "sectors": ["Космос"]},
            ["The sector “Космос” is not in the catalogue."],
        ),
    ],
)
def test_unknown_names_are_errors_in_words(fields, expected):
    _, errors = _match(**fields)
    assert errors == expected
