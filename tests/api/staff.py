"""Fixtures of the organizer endpoints' tests: two organizers, each with a staff member and a
fair, the staff's tokens, and a company member's token. Each test module takes it as
`org_fixture = pytest.fixture(name="org")(build_org)`."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from fairplanner.accounts.models import ApiToken, Role
from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db as _db
from fairplanner.i18n import minsk_today

API = "/api/v1/organizer"


def fair_body(**changes: Any) -> dict[str, Any]:
    """A new fair as the console's form would take it, in the API's shape."""
    start = minsk_today() + timedelta(days=60)
    body: dict[str, Any] = {
        "slug": "belagro-new",
        "name": {"ru": "Белагро", "en": "Belagro"},
        "description": {"ru": "Сельское хозяйство."},
        "kind": "exhibition",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=3)).isoformat(),
        "venue": "manege",
        "sectors": ["food"],
        "registration_opens_on": (minsk_today() - timedelta(days=10)).isoformat(),
        "registration_deadline": (start - timedelta(days=5)).isoformat(),
        "capacity": 120,
        "capacity_unit": "stands",
        "stand_area_min": 6,
        "stand_area_max": 300,
    }
    body.update(changes)
    return body


def event_body(day: Any, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": {"ru": "Открытие", "en": "Opening"},
        "kind": "opening",
        "day": day.isoformat(),
        "start": "10:00",
        "end": "11:00",
        "hall": {"ru": "Зал 1"},
    }
    body.update(changes)
    return body


def token_id(user: Any) -> int:
    return _db.session.scalar(
        select(ApiToken.id).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    )


def fair_count() -> int:
    return _db.session.scalar(select(func.count(Fair.id)))


def build_org(factories: Any, make_user: Any, make_token: Any) -> SimpleNamespace:
    """BelExpo's staff member (write and read tokens) with a published fair `belagro` (one
    programme item); GomelExpo's staff member with `gomel-fair`; a company member."""
    belexpo = factories.organizer("belexpo")
    gomelexpo = factories.organizer("gomelexpo")
    factories.sector("food")
    factories.sector("forestry")
    minsk = factories.city("minsk", name_ru="Минск", name_en="Minsk")
    venue = factories.venue("manege", city=minsk, name_ru="Манеж", name_en="Manege")
    staff = make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=belexpo.id)
    rival = make_user("staff@gomelexpo.by", role=Role.STAFF, organizer_id=gomelexpo.id)
    member = make_user("member@vyatka.example")
    admin = make_user("admin@fairplanner.by", role=Role.ADMIN)
    fair = factories.fair(slug="belagro", organizer=belexpo, venue=venue, programme=1, capacity=100)
    rival_fair = factories.fair(slug="gomel-fair", organizer=gomelexpo, programme=1)
    write = make_token(staff)
    write_id = token_id(staff)
    return SimpleNamespace(
        organizer=belexpo,
        staff=staff,
        rival=rival,
        admin=admin,
        fair=fair,
        rival_fair=rival_fair,
        venue=venue,
        write=write,
        write_id=write_id,
        read=make_token(staff, write=False),
        rival_token=make_token(rival),
        member_token=make_token(member),
        admin_token=make_token(admin),
    )
