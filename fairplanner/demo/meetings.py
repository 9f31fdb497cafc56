"""Demo B2B programmes (meetings.json): for the first open edition of a demo fair, the
programme and its tables as the organizer's staff set them up, the participants' profiles as
the companies fill them in, and meetings requested, accepted and declined by them, all
through fairplanner.meetings.services. A programme that exists already is left as it is, so
running the seed again adds nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fairplanner.accounts.models import User
from fairplanner.accounts.services import find_user
from fairplanner.catalogue.models import Fair, Sector
from fairplanner.demo.catalogue import SeedReport
from fairplanner.demo.exhibitors import _open_editions, _staff
from fairplanner.extensions import db
from fairplanner.i18n import MINSK
from fairplanner.meetings import queries, services
from fairplanner.meetings.models import Participant

MEETINGS_FILE = Path(__file__).with_name("meetings.json")
REPORTS = ("meeting programmes", "meeting participants", "meetings")
DEMO_STAFF = "staff@belexpo.example"


def load_meetings_file(path: Path = MEETINGS_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def seed_meetings(data: dict[str, Any], *, today: Any) -> dict[str, SeedReport]:
    reports = {name: SeedReport() for name in REPORTS}
    for key, plan in data["programmes"].items():
        editions = _open_editions(key, today=today)
        if not editions:
            continue
        fair = editions[0]
        if db.session.scalar(queries.programme(fair.id)) is not None:
            reports["meeting programmes"].existing += 1
            continue
        staff = _staff(fair.organizer, DEMO_STAFF)
        days = [fair.starts_on + timedelta(days=n) for n in range(plan["days"])]
        services.save_programme(fair, _settings(fair, plan, days), actor=staff)
        services.save_tables(
            fair, [services.TableRow(name, hall) for name, hall in plan["tables"]], actor=staff
        )
        reports["meeting programmes"].created += 1
        participants = {}
        for spec in plan["participants"]:
            user = _user(spec["login"])
            participants[spec["login"]] = (
                services.join(fair, user.company, _profile(user, spec), actor=user),
                user,
            )
            reports["meeting participants"].created += 1
        for spec in plan["meetings"]:
            _meeting(spec, participants, days)
            reports["meetings"].created += 1
    return reports


def _settings(fair: Fair, plan: dict[str, Any], days: list[Any]) -> services.Settings:
    deadline = datetime.combine(days[0] - timedelta(days=1), time(18), MINSK).astimezone(UTC)
    return services.Settings(
        days=days,
        day_starts=time.fromisoformat(plan["day_starts"]),
        day_ends=time.fromisoformat(plan["day_ends"]),
        breaks=[(time.fromisoformat(a), time.fromisoformat(b)) for a, b in plan["breaks"]],
        slot_minutes=plan["slot_minutes"],
        request_deadline=deadline,
        max_meetings=plan["max_meetings"],
    )


def _user(login: str) -> User:
    user = find_user(login)
    if user is None or user.company is None:
        raise ValueError(f"no demo company login {login!r}")
    return user


def _profile(user: User, spec: dict[str, Any]) -> services.Profile:
    codes = set(spec["offer_sectors"]) | set(spec["seek_sectors"])
    ids = dict(
        db.session.execute(select(Sector.code, Sector.id).where(Sector.code.in_(codes))).all()
    )
    company = user.company
    return services.Profile(
        offers_ru=spec["offers_ru"],
        offers_en=spec.get("offers_en", ""),
        seeks_ru=spec["seeks_ru"],
        seeks_en=spec.get("seeks_en", ""),
        offer_sector_ids=[ids[code] for code in spec["offer_sectors"]],
        seek_sector_ids=[ids[code] for code in spec["seek_sectors"]],
        languages=spec["languages"],
        attendees=spec["attendees"],
        phone=company.phone,
        email=company.email,
    )


def _at(days: list[Any], value: list[Any]) -> datetime:
    day, clock = value
    return datetime.combine(days[day], time.fromisoformat(clock), MINSK).astimezone(UTC)


def _meeting(
    spec: dict[str, Any], participants: dict[str, tuple[Participant, User]], days: list[Any]
) -> None:
    requester, asker = participants[spec["from"]]
    recipient, answerer = participants[spec["to"]]
    slots = [_at(days, spec["at"])] if "at" in spec else [_at(days, v) for v in spec["slots"]]
    meeting = services.request_meeting(
        requester, recipient, message=spec.get("message"), slots=slots, actor=asker
    )
    if spec["state"] == "scheduled":
        services.accept(meeting, recipient, slot=slots[0], actor=answerer)
    elif spec["state"] == "declined":
        services.decline(meeting, recipient, reason=spec.get("reason"), actor=answerer)
