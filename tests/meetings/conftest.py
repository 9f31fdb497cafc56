"""A fair with a B2B programme (two days, 10:00–12:00 Minsk in 30-minute slots with a break
at 11:00–11:30, two tables) and helpers to enter approved companies in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from fairplanner.accounts.models import Company, Country, Role, User
from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db
from fairplanner.meetings import services
from fairplanner.meetings.models import Participant, Programme, Scheduling
from fairplanner.registrations.models import RegistrationRole
from tests.factories import Factories


@dataclass
class B2B:
    factories: Factories
    fair: Fair
    programme: Programme
    staff: User
    tables: list[Any] = field(default_factory=list)

    @property
    def slots(self) -> list[datetime]:
        return self.programme.slots()

    def company(self, *, country: Country = Country.RUSSIA, **kw: Any) -> tuple[Company, User]:
        """An approved exhibitor of the fair with a member (not yet a participant)."""
        company = self.factories.company(country=country, **kw)
        user = self.factories.user(company=company)
        self.factories.registration(self.fair, company)
        return company, user

    def join(
        self, company: Company | None = None, *, user: User | None = None, **kw: Any
    ) -> Participant:
        if company is None:
            company, user = self.company()
        assert user is not None
        kw.setdefault("offers_ru", "Пиломатериалы хвойных пород")
        kw.setdefault("seeks_en", "Buyers of sawn timber")
        participant = services.join(self.fair, company, services.Profile(**kw), actor=user)
        db.session.commit()
        return participant

    def member(self, participant: Participant) -> User:
        return participant.company.members[0]


def make_b2b(
    factories: Factories,
    *,
    scheduling: Scheduling = Scheduling.PARTICIPANTS,
    tables: int = 2,
    **kw: Any,
) -> B2B:
    fair = factories.fair(days=2)
    staff = factories.user(role=Role.STAFF, organizer_id=fair.organizer_id)
    settings = services.Settings(
        days=[fair.starts_on, fair.ends_on],
        day_starts=time(10),
        day_ends=time(12),
        breaks=[(time(11), time(11, 30))],
        slot_minutes=30,
        request_deadline=datetime.combine(fair.ends_on, time(9), UTC),
        max_meetings=kw.pop("max_meetings", 5),
        scheduling=scheduling,
        **kw,
    )
    programme = services.save_programme(fair, settings, actor=staff)
    made = services.save_tables(
        fair,
        [services.TableRow(f"Стол {n}", "Павильон 1") for n in range(1, tables + 1)],
        actor=staff,
    )
    db.session.commit()
    return B2B(factories, fair, programme, staff, made)


@pytest.fixture
def b2b(factories: Factories) -> B2B:
    return make_b2b(factories)


HOUR = timedelta(hours=1)
__all__ = ["B2B", "HOUR", "RegistrationRole", "make_b2b"]
