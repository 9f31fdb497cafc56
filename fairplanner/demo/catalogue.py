"""The demo catalogue: real venues, organizers and recurring fairs of Belarus, around today."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fairplanner.accounts.models import Company, Country, Role
from fairplanner.accounts.services import create_user, find_user
from fairplanner.catalogue.models import (
    CapacityUnit,
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
from fairplanner.db import utcnow
from fairplanner.extensions import db
from fairplanner.i18n import MINSK

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


def _programme(start: date, items: list[dict[str, Any]]) -> list[ProgrammeEvent]:
    def at(day: int, hhmm: str) -> datetime:
        local = datetime.combine(start + timedelta(days=day), time.fromisoformat(hhmm), MINSK)
        return local.astimezone(UTC)

    return [
        ProgrammeEvent(
            starts_at=at(item["day"], item["start"]),
            ends_at=at(item["day"], item["end"]),
            kind=EventKind(item["kind"]),
            **{
                k: item.get(k)
                for k in (
                    "title_ru",
                    "title_en",
                    "description_ru",
                    "description_en",
                    "hall_ru",
                    "hall_en",
                )
            },
        )
        for item in items
    ]


def seed_demo(data: dict[str, Any], *, today: date) -> dict[str, SeedReport]:
    """Add what is missing from `data`, keyed by code or slug; existing rows stay untouched."""
    reports = {
        name: SeedReport() for name in ("sectors", "cities", "organizers", "venues", "fairs")
    }
    sectors = {
        s["code"]: _get_or_add(
            Sector,
            "code",
            s["code"],
            {"name_ru": s["name_ru"], "name_en": s["name_en"]},
            reports["sectors"],
        )
        for s in data["sectors"]
    }
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
    for f in data["fairs"]:
        # "occurrence": N publishes the next N editions, as organizers announce next year early.
        for occurrence in range(1, f.get("occurrence", 1) + 1):
            start = edition_start(
                f["month"], f["day"], today=today, occurrence=occurrence, past=f.get("past", False)
            )
            if _add_edition(f, start, sectors=sectors, organizers=organizers, venues=venues):
                reports["fairs"].created += 1
            else:
                reports["fairs"].existing += 1
    db.session.flush()
    reports["accounts"] = _seed_accounts(data.get("accounts", []), sectors)
    return reports


def _seed_accounts(accounts: list[dict[str, Any]], sectors: dict[str, Sector]) -> SeedReport:
    """Demo logins (a company, organizer staff), to try everything without signing up."""
    report = SeedReport()
    for account in accounts:
        if find_user(account["email"]) is not None:
            report.existing += 1
            continue
        company = organizer = None
        if "company" in account:
            details = dict(account["company"])
            codes = details.pop("sectors", [])
            company = Company(
                **{**details, "country": Country(details["country"])},
                sectors=[sectors[c] for c in codes],
            )
            db.session.add(company)
        if "organizer" in account:
            organizer = db.session.scalar(
                select(Organizer).where(Organizer.slug == account["organizer"])
            )
        user = create_user(
            account["email"],
            account["password"],
            role=Role(account["role"]),
            company=company,
            organizer=organizer,
        )
        user.email_verified_at = utcnow()  # demo logins need no confirmation
        report.created += 1
    if accounts:
        db.session.flush()
    return report


def _add_edition(
    f: dict[str, Any],
    start: date,
    *,
    sectors: dict[str, Sector],
    organizers: dict[str, Organizer],
    venues: dict[str, Venue],
) -> bool:
    """Add the edition of fair `f` that starts on `start`, unless its slug exists already."""
    slug = f"{f['key']}-{start.year}"
    if db.session.scalar(select(Fair.id).where(Fair.slug == slug)) is not None:
        return False
    fair = Fair(
        slug=slug,
        kind=FairKind(f["kind"]),
        status=FairStatus(f["status"]),
        starts_on=start,
        ends_on=start + timedelta(days=f["duration_days"] - 1),
        venue=venues[f["venue"]],
        organizer=organizers[f["organizer"]],
        sectors=[sectors[code] for code in f["sectors"]],
        registration_opens_on=start - timedelta(days=f["registration_opens_days_before"]),
        registration_deadline=start - timedelta(days=f["registration_closes_days_before"]),
        capacity=f.get("capacity"),
        capacity_unit=CapacityUnit(f.get("capacity_unit", "stands")),
        programme=_programme(start, f.get("programme", [])),
        **{
            k: f.get(k)
            for k in (
                "name_ru",
                "name_en",
                "description_ru",
                "description_en",
                "cancel_reason_ru",
                "cancel_reason_en",
                "website",
            )
        },
    )
    if fair.status == FairStatus.CANCELLED:
        fair.cancelled_at = utcnow()
    db.session.add(fair)
    return True
