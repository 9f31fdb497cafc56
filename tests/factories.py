"""Plain factory functions for test data; every argument can be overridden."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from fairplanner.accounts.models import Company, Country, Role, User
from fairplanner.catalogue.models import (
    City,
    EventKind,
    Fair,
    FairKind,
    FairStatus,
    Oblast,
    Organizer,
    ProgrammeEvent,
    Sector,
    Venue,
)
from fairplanner.i18n import minsk_today
from fairplanner.registrations.models import (
    Registration,
    RegistrationRole,
    RegistrationStatus,
    StandType,
)

_seq = itertools.count(1)
PASSWORD = "correct horse battery"
# A fast hash for test users; the application itself uses scrypt.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def valid_inn(serial: int) -> str:
    """A 10-digit ИНН of a Kirov-region organisation with a correct check digit."""
    digits = [int(d) for d in f"4345{serial:05d}"]
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11 % 10
    return "".join(map(str, digits)) + str(check)


class Factories:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _save(self, obj: Any) -> Any:
        """Add and commit: inside the test's outer transaction a commit only releases a
        savepoint, and a view's rollback then cannot take the test's data with it."""
        self.session.add(obj)
        self.session.commit()
        return obj

    def sector(self, code: str = "food", **kw: Any) -> Sector:
        existing = self.session.scalar(select(Sector).where(Sector.code == code))
        if existing:
            return existing
        kw.setdefault("name_ru", f"Отрасль {code}")
        kw.setdefault("name_en", f"Sector {code}")
        return self._save(Sector(code=code, **kw))

    def city(self, slug: str = "minsk", **kw: Any) -> City:
        existing = self.session.scalar(select(City).where(City.slug == slug))
        if existing:
            return existing
        kw.setdefault("name_ru", slug.capitalize())
        kw.setdefault("name_en", slug.capitalize())
        kw.setdefault("oblast", Oblast.MINSK_CITY)
        return self._save(City(slug=slug, **kw))

    def organizer(self, slug: str = "belexpo", **kw: Any) -> Organizer:
        existing = self.session.scalar(select(Organizer).where(Organizer.slug == slug))
        if existing:
            return existing
        kw.setdefault("name_ru", f"Организатор {slug}")
        kw.setdefault("name_en", f"Organizer {slug}")
        return self._save(Organizer(slug=slug, **kw))

    def venue(self, slug: str | None = None, *, city: City | None = None, **kw: Any) -> Venue:
        slug = slug or f"venue-{next(_seq)}"
        kw.setdefault("name_ru", f"Площадка {slug}")
        kw.setdefault("name_en", f"Venue {slug}")
        return self._save(Venue(slug=slug, city=city or self.city(), **kw))

    def fair(
        self,
        *,
        starts_on: date | None = None,
        days: int = 3,
        sectors: list[str] | tuple[str, ...] = ("food",),
        city: City | str | None = None,
        venue: Venue | None = None,
        organizer: Organizer | str | None = None,
        programme: int = 0,
        **kw: Any,
    ) -> Fair:
        n = next(_seq)
        starts_on = starts_on or minsk_today() + timedelta(days=30 + n)
        if isinstance(city, str):
            city = self.city(city)
        if isinstance(organizer, str) or organizer is None:
            organizer = self.organizer(organizer or "belexpo")
        kw.setdefault("slug", f"fair-{n}")
        kw.setdefault("name_ru", f"Выставка {n}")
        kw.setdefault("name_en", f"Exhibition {n}")
        kw.setdefault("kind", FairKind.EXHIBITION)
        kw.setdefault("status", FairStatus.PUBLISHED)
        # Open today whatever the start (the start moves with the sequence number).
        kw.setdefault(
            "registration_opens_on",
            min(starts_on - timedelta(days=120), minsk_today() - timedelta(days=1)),
        )
        kw.setdefault("registration_deadline", starts_on - timedelta(days=7))
        kw.setdefault("capacity", 100)
        fair = Fair(
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=days - 1),
            venue=venue or self.venue(city=city),
            organizer=organizer,
            sectors=[self.sector(code) for code in sectors],
            **kw,
        )
        start = datetime(starts_on.year, starts_on.month, starts_on.day, 7, tzinfo=UTC)
        fair.programme = [
            ProgrammeEvent(
                title_ru=f"Событие {i}",
                title_en=f"Event {i}",
                kind=EventKind.SEMINAR,
                starts_at=start + timedelta(days=i % days, hours=i),
                ends_at=start + timedelta(days=i % days, hours=i + 1),
            )
            for i in range(programme)
        ]
        return self._save(fair)

    def registration(self, fair: Fair, company: Company | None = None, **kw: Any) -> Registration:
        """An application (by default an approved exhibitor, indoor stand of 12 m²)."""
        kw.setdefault("role", RegistrationRole.EXHIBITOR)
        kw.setdefault("status", RegistrationStatus.APPROVED)
        kw.setdefault("stand_type", StandType.INDOOR)
        kw.setdefault("area", 12)
        if company is not None:
            kw["company"] = company
        return self._save(Registration(fair=fair, **kw))

    def company(self, **kw: Any) -> Company:
        """A company with a complete profile (a Kirov-region exporter)."""
        n = next(_seq)
        kw.setdefault("legal_name", f"ООО «Вятка-Экспорт {n}»")
        kw.setdefault("country", Country.RUSSIA)
        kw.setdefault("region", "43")
        kw.setdefault("tax_id", valid_inn(n))
        kw.setdefault("contact_person", "Иванова Мария")
        kw.setdefault("phone", "+78332641234")
        kw.setdefault("email", f"export{n}@vyatka.example")
        return self._save(Company(**kw))

    def user(
        self,
        email: str | None = None,
        *,
        company: Company | None = None,
        role: Role = Role.MEMBER,
        **kw: Any,
    ) -> User:
        n = next(_seq)
        if role == Role.MEMBER and company is None:
            company = self.company()
        kw.setdefault("email_verified_at", datetime.now(UTC))
        return self._save(
            User(
                email=email or f"user{n}@example.com",
                role=role,
                company=company,
                password_hash=_PASSWORD_HASH,
                **kw,
            )
        )
