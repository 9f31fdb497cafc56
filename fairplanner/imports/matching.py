"""Names as written in a season plan → the catalogue's sectors, cities and venues.

Pure: the caller loads the catalogue's rows (a few dozen of each) and passes them in; a name
matches in Russian or English, by code or slug, whatever its case, spacing, quotes or ё.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from fairplanner.catalogue.models import City, Sector, Venue
from fairplanner.imports.rows import PlanRow

QUOTES = re.compile(r"[«»\"'“”„]")


def norm(name: str) -> str:
    """ "  «Минскэкспо» " and "минскэкспо" alike; "Могилёв" and "Могилев" alike."""
    return " ".join(QUOTES.sub("", name).casefold().replace("ё", "е").split())


class Names:
    """Catalogue objects by every name they go by."""

    def __init__(self, objects: Iterable[Any], *fields: str) -> None:
        self.by_name: dict[str, Any] = {}
        for obj in objects:
            for name in fields:
                value = getattr(obj, name, None)
                if value:
                    self.by_name.setdefault(norm(value), obj)

    def find(self, written: str) -> Any | None:
        return self.by_name.get(norm(written))


@dataclass
class Matched:
    """A row with the catalogue's objects its names stand for (None/empty when unknown)."""

    row: PlanRow
    city: City | None = None
    venue: Venue | None = None
    sectors: list[Sector] = field(default_factory=list)


def match(
    rows: Iterable[PlanRow],
    *,
    sectors: Iterable[Sector],
    cities: Iterable[City],
    venues: Iterable[Venue],
) -> list[Matched]:
    """Each row matched; a name that matches nothing adds an error in words to its row.

    A venue is looked up in its row's city (two cities may each have a "Дворец спорта"); a
    row without a city takes its venue's, when the venue's name is unique."""
    sector_names = Names(sectors, "name_ru", "name_en", "code")
    city_names = Names(cities, "name_ru", "name_en", "slug")
    venue_list = list(venues)
    counts = Counter(norm(v.name_ru) for v in venue_list)
    unique = [v for v in venue_list if counts[norm(v.name_ru)] == 1]
    everywhere = Names(unique, "name_ru", "name_en", "slug")
    in_city: dict[int, Names] = {}
    matched = []
    for row in rows:
        found = Matched(row)
        if row.city:
            found.city = city_names.find(row.city)
            if found.city is None:
                row.errors.append(
                    _l("The city “%(value)s” is not in the catalogue.", value=row.city)
                )
        if row.venue:
            if found.city is not None:
                names = in_city.get(found.city.id)
                if names is None:
                    mine = [v for v in venue_list if v.city_id == found.city.id]
                    names = in_city[found.city.id] = Names(mine, "name_ru", "name_en", "slug")
                found.venue = names.find(row.venue)
            elif not row.city:
                found.venue = everywhere.find(row.venue)
                found.city = found.venue.city if found.venue is not None else None
            if found.venue is None and (found.city is not None or not row.city):
                row.errors.append(
                    _l("The venue “%(value)s” is not in the catalogue.", value=row.venue)
                )
        else:
            row.errors.append(_l("The venue is missing."))
        for name in row.sectors:
            sector = sector_names.find(name)
            if sector is None:
                row.errors.append(_l("The sector “%(value)s” is not in the catalogue.", value=name))
            elif sector not in found.sectors:
                found.sectors.append(sector)
        matched.append(found)
    return matched
