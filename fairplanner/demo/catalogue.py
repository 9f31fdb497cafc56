"""The demo catalogue: real venues, organizers and recurring fairs of Belarus, around today.

Fairs and demo logins go through the domains' services, as an organizer and a company would
make them: `create_fair`, `add_event` for each programme item, `publish_fair`/`cancel_fair` for
the status (acted by the organizer's demo staff login where the data has one, else by nobody:
the change log then says "FairPlanner"), and `sign_up`/`update_company`/`create_user` for the
logins. The services never look at today, so past editions take the same route.

Sectors, cities, venues and organizers have no service: they are reference data, loaded
directly like a migration's rows.

Every step is keyed by a code, slug or email and skipped when it exists, so a second run
changes nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fairplanner.accounts.models import Country, Role, User
from fairplanner.accounts.services import (
    CompanyProfile,
    create_user,
    find_user,
    sign_up,
    update_company,
)
from fairplanner.catalogue.models import (
    CapacityUnit,
    City,
    EventKind,
    Fair,
    FairKind,
    FairStatus,
    Oblast,
    Organizer,
    Sector,
    Venue,
)
from fairplanner.db import utcnow
from fairplanner.demo import timeline
from fairplanner.extensions import db
from fairplanner.i18n import MINSK
from fairplanner.organizers import services as organizer_services
from fairplanner.organizers.models import FairChange

DEMO_FILE = Path(__file__).with_name("demo_data.json")
log = logging.getLogger(__name__)


@dataclass
class SeedReport:
    created: int = 0
    existing: int = 0


def load_demo_file(path: Path = DEMO_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def edition_start(month: int, day: int, *, today: date, occurrence: int, past: bool) -> date:
    """The start of the edition held on month/day: the next one after today, or the last one."""

    def on(year: int) -> date:
        return date(year, month, min(day, 28) if month == 2 else day)

    start = on(today.year)
    if past:
        return start if start < today else on(today.year - 1)
    if start <= today:
        start = on(today.year + 1)
    return on(start.year + occurrence - 1)


def _get_or_add(model: type, key: str, value: str, fields: dict[str, Any], report: SeedReport):
    row = db.session.scalar(select(model).where(getattr(model, key) == value))
    if row is None:
        row = model(**{key: value}, **fields)
        db.session.add(row)
        report.created += 1
    else:
        report.existing += 1
    return row


def _programme(start: date, items: list[dict[str, Any]]) -> list[organizer_services.EventData]:
    """The programme items as the programme form would hand them to `add_event`."""

    def at(day: int, hhmm: str) -> datetime:
        local = datetime.combine(start + timedelta(days=day), time.fromisoformat(hhmm), MINSK)
        return local.astimezone(UTC)

    texts = ("title_ru", "title_en", "description_ru", "description_en", "hall_ru", "hall_en")
    return [
        organizer_services.EventData(
            **{k: item.get(k) for k in texts},
            kind=EventKind(item["kind"]),
            starts_at=at(item["day"], item["start"]),
            ends_at=at(item["day"], item["end"]),
        )
        for item in items
    ]


def seed_demo(data: dict[str, Any], *, today: date) -> dict[str, SeedReport]:
    """Add what is missing from `data`, keyed by code, slug or email; what exists stays as is.

    The logins come before the fairs: the organizer's staff login creates its fairs."""
    reports = {
        name: SeedReport()
        for name in ("sectors", "cities", "organizers", "venues", "fairs", "accounts")
    }
    for s in data["sectors"]:
        _get_or_add(
            Sector,
            "code",
            s["code"],
            {"name_ru": s["name_ru"], "name_en": s["name_en"]},
            reports["sectors"],
        )
    cities = {
        c["slug"]: _get_or_add(
            City,
            "slug",
            c["slug"],
            {"name_ru": c["name_ru"], "name_en": c["name_en"], "oblast": Oblast(c["oblast"])},
            reports["cities"],
        )
        for c in data["cities"]
    }
    organizers = {
        o["slug"]: _get_or_add(
            Organizer,
            "slug",
            o["slug"],
            {
                k: o.get(k)
                for k in ("name_ru", "name_en", "short_name_ru", "short_name_en", "website")
            },
            reports["organizers"],
        )
        for o in data["organizers"]
    }
    venues = {}
    for v in data["venues"]:
        fields = {
            k: v.get(k)
            for k in ("name_ru", "name_en", "address_ru", "address_en", "latitude", "longitude")
        }
        venues[v["slug"]] = _get_or_add(
            Venue, "slug", v["slug"], {**fields, "city": cities[v["city"]]}, reports["venues"]
        )
    db.session.flush()
    reports["accounts"] = _seed_accounts(data.get("accounts", []), organizers)
    staff = _staff_logins(data.get("accounts", []))
    for f in data["fairs"]:
        organizer = organizers[f["organizer"]]
        # "occurrence": N publishes the next N editions, as organizers announce next year early.
        for occurrence in range(1, f.get("occurrence", 1) + 1):
            start = edition_start(
                f["month"], f["day"], today=today, occurrence=occurrence, past=f.get("past", False)
            )
            fair = _add_edition(
                f,
                start,
                organizer=organizer,
                venue=venues[f["venue"]],
                actor=staff.get(organizer.slug),
            )
            if fair is None:
                reports["fairs"].existing += 1
            else:
                _backdate(fair, today=today)
                reports["fairs"].created += 1
    db.session.flush()
    return reports


def _seed_accounts(accounts: list[dict[str, Any]], organizers: dict[str, Organizer]) -> SeedReport:
    """Demo logins (a company, organizer staff), to try everything without signing up: a
    company's login signs up and fills in its profile, as a company would."""
    report = SeedReport()
    for account in accounts:
        if find_user(account["email"]) is not None:
            report.existing += 1
            continue
        role = Role(account["role"])
        if "company" in account:
            if role != Role.MEMBER:
                raise ValueError(f"a company login is a member, not {role}: {account['email']}")
            details = dict(account["company"])
            user = sign_up(
                account["email"], account["password"], company_name=details["legal_name"]
            )
            codes = details.pop("sectors", [])
            profile = CompanyProfile(
                **{**details, "country": Country(details["country"])}, sector_codes=codes
            )
            update_company(user.company, profile)
        else:
            organizer = organizers[account["organizer"]] if "organizer" in account else None
            user = create_user(
                account["email"], account["password"], role=role, organizer=organizer
            )
        user.email_verified_at = utcnow()  # demo logins need no confirmation
        report.created += 1
    if accounts:
        db.session.flush()
    return report


def _staff_logins(accounts: list[dict[str, Any]]) -> dict[str, User]:
    """The organizer staff login of each organizer that has one in the data, by its slug."""
    staff = {}
    for account in accounts:
        if "organizer" in account and account["organizer"] not in staff:
            user = find_user(account["email"])
            if user is None:
                raise ValueError(f"no demo login {account['email']!r}")
            staff[account["organizer"]] = user
    return staff


def _add_edition(
    f: dict[str, Any],
    start: date,
    *,
    organizer: Organizer,
    venue: Venue,
    actor: User | None,
) -> Fair | None:
    """Create, fill and publish (or cancel) the edition of fair `f` that starts on `start`,
    through the organizer's services; None when its slug exists already."""
    slug = f"{f['key']}-{start.year}"
    if db.session.scalar(select(Fair.id).where(Fair.slug == slug)) is not None:
        return None
    data = organizer_services.FairData(
        slug=slug,
        kind=FairKind(f["kind"]),
        starts_on=start,
        ends_on=start + timedelta(days=f["duration_days"] - 1),
        venue_id=venue.id,
        sector_codes=list(f["sectors"]),
        registration_opens_on=start - timedelta(days=f["registration_opens_days_before"]),
        registration_deadline=start - timedelta(days=f["registration_closes_days_before"]),
        capacity=f.get("capacity"),
        capacity_unit=CapacityUnit(f.get("capacity_unit", "stands")),
        stand_area_min=_default("stand_area_min"),
        stand_area_max=_default("stand_area_max"),
        **{
            k: f.get(k)
            for k in ("name_ru", "name_en", "description_ru", "description_en", "website")
        },
    )
    unknown = set(f["sectors"]) - set(
        db.session.scalars(select(Sector.code).where(Sector.code.in_(f["sectors"])))
    )
    if unknown:
        raise ValueError(f"{slug}: no such sectors {sorted(unknown)}")
    # The services' actor is a staff user; where the data has none, the log names nobody.
    fair = organizer_services.create_fair(data, organizer_id=organizer.id, actor=actor)
    for event in _programme(start, f.get("programme", [])):
        organizer_services.add_event(fair, event, actor=actor)
    status = FairStatus(f["status"])
    if status != FairStatus.DRAFT:
        organizer_services.publish_fair(fair, actor=actor)
    if status == FairStatus.CANCELLED:
        organizer_services.cancel_fair(
            fair,
            actor=actor,
            reason_ru=f["cancel_reason_ru"],
            reason_en=f.get("cancel_reason_en"),
        )
    return fair


def _default(column: str) -> Decimal:
    """A fair's column default (the stand sizes the form proposes)."""
    return Fair.__table__.c[column].default.arg


PREPARATION_DAYS = 21  # how long before its registration opens an organizer prepares a fair


def _backdate(fair: Fair, *, today: date) -> None:
    """Give the new fair's preparation in the change log (created, programme, published)
    moments in the weeks before its registration opened, and never later than yesterday: the
    applications and edits of the demo activity come after them. A cancellation keeps its
    moment, the fair's `cancelled_at` (which the calendar feeds go by)."""
    entries = db.session.scalars(
        select(FairChange)
        .where(FairChange.fair_id == fair.id, FairChange.action != "cancelled")
        .order_by(FairChange.id)
    ).all()
    last_day = min(fair.registration_opens_on, today) - timedelta(days=1)
    first_day = last_day - timedelta(days=PREPARATION_DAYS)
    for entry, moment in zip(
        entries,
        timeline.moments(len(entries), first_day=first_day, last_day=last_day, now=utcnow()),
        strict=True,
    ):
        entry.at = moment
