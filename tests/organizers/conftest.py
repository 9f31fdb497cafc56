"""Fixtures of the console tests: a fair built through the console, with applications."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import Country, Role
from fairplanner.catalogue.models import Fair
from fairplanner.i18n import minsk_today
from fairplanner.registrations import services as registration_services
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus, StandType
from fairplanner.registrations.services import ExhibitorRequest, VisitRequest

SECTORS = {
    "food": ("Пищевая промышленность", "Food industry"),
    "forestry": ("Лесная промышленность", "Forestry"),
    "light-industry": ("Лёгкая промышленность", "Light industry"),
}
SLUG = "belagro-test"


def fair_form(venue_id: int, **changes) -> dict:
    start = minsk_today() + timedelta(days=60)
    data = {
        "slug": SLUG,
        "name_ru": "Белагро",
        "name_en": "Belagro",
        "kind": "exhibition",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=3)).isoformat(),
        "venue": str(venue_id),
        "sectors": ["food"],
        "registration_opens_on": (minsk_today() - timedelta(days=10)).isoformat(),
        "registration_deadline": (start - timedelta(days=5)).isoformat(),
        "capacity": "120",
        "capacity_unit": "stands",
        "stand_area_min": "6",
        "stand_area_max": "300",
        "description_ru": "Сельское хозяйство.",
    }
    data.update(changes)
    return data


def event_form(first_day, **changes) -> dict:
    data = {
        "title_ru": "Открытие",
        "title_en": "Opening",
        "kind": "opening",
        "day": first_day.isoformat(),
        "start": "10:00",
        "end": "11:00",
        "hall_ru": "Зал 1",
    }
    data.update(changes)
    return data


@pytest.fixture
def console(client, db, factories, make_user, login_as):
    """A fair built through the console (edits, programme, publication) with an exhibitor from
    Minsk and a delegation from the Kirov region, as the demo data has them."""
    for code, (ru, en) in SECTORS.items():
        factories.sector(code, name_ru=ru, name_en=en)
    organizer = factories.organizer("belexpo", name_ru="Белэкспо", name_en="BelExpo")
    staff = login_as(make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=organizer.id))
    city = factories.city("minsk", name_ru="Минск", name_en="Minsk")
    manege = factories.venue("manege", city=city, name_ru="Футбольный манеж", name_en="Manege")
    miec = factories.venue("miec", city=city, name_ru="МВЦ", name_en="MIEC")
    assert client.post("/organizer/fairs/new", data=fair_form(manege.id)).status_code == 302
    fair = db.session.scalar(select(Fair).where(Fair.slug == SLUG))
    deadline = fair.registration_deadline - timedelta(days=2)
    edit = fair_form(
        miec.id,
        revision=str(fair.revision),
        sectors=["food", "light-industry"],
        description_ru="Сельское хозяйство и пищевая промышленность.",
        registration_deadline=deadline.isoformat(),
        stand_area_min="6.5",
        kind="forum",
    )
    assert client.post(f"/organizer/fairs/{SLUG}/edit", data=edit).status_code == 302
    programme = f"/organizer/fairs/{SLUG}/programme"
    client.post(programme, data=event_form(fair.starts_on))
    db.session.refresh(fair)
    event = fair.programme[0]
    client.post(
        f"{programme}/{event.id}",
        data=event_form(fair.starts_on, hall_ru="Зал 2", revision=str(event.revision)),
    )
    client.post(f"{programme}/{event.id}/delete", data={"confirmed": "1"})
    client.post(programme, data=event_form(fair.starts_on, title_ru="Пленарное заседание"))
    client.post(f"/organizer/fairs/{SLUG}/publish")
    db.session.refresh(fair)

    minsk = factories.company(
        legal_name="ОАО «Минскдрев»",
        country=Country.BELARUS,
        region="minsk-city",
        tax_id="100219673",
        phone="+375171234567",
        contact_person="Ковалёв Андрей",
    )
    minsk.sectors = [factories.sector("forestry"), factories.sector("food")]
    kirov = factories.company(legal_name="ООО «Вятка»", country=Country.RUSSIA, region="43")
    today = minsk_today()
    exhibitor = registration_services.submit_registration(
        minsk,
        fair,
        role=RegistrationRole.EXHIBITOR,
        request=ExhibitorRequest(
            stand_type=StandType.COLLECTIVE,
            area=Decimal("9.0"),
            needs_power=True,
            products="Мебель из массива",
            note="Нужен угловой стенд",
        ),
        actor=make_user(company=minsk),
        today=today,
    )
    registration_services.update_registration(
        exhibitor,
        request=ExhibitorRequest(
            stand_type=StandType.INDOOR,
            area=Decimal("12.5"),
            needs_power=True,
            needs_water=True,
            products="Мебель из массива",
            note="Нужен угловой стенд",
        ),
        actor=make_user(company=minsk),
        today=today,
    )
    visitor = registration_services.submit_registration(
        kirov,
        fair,
        role=RegistrationRole.VISITOR,
        request=VisitRequest(
            delegates=[{"name": "Петров Иван", "position": "директор"}, {"name": "Сидорова Анна"}],
            aims=["sales", "partners"],
        ),
        actor=make_user(company=kirov),
        today=today,
    )
    db.session.commit()
    client.post(
        f"/organizer/registrations/{exhibitor.id}/decide",
        data={"action": "approve", "version": exhibitor.version},
    )
    db.session.refresh(exhibitor)
    assert exhibitor.status == RegistrationStatus.APPROVED
    return {
        "fair": fair,
        "staff": staff,
        "exhibitor": exhibitor,
        "visitor": visitor,
        "deadline": deadline,
    }
