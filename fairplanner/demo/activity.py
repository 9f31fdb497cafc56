"""Demo activity: companies of Belarus and Russia apply for BelExpo's open fairs, the demo
organizer decides and edits the fairs. Everything goes through the domain services, so the
applications, their history and the fairs' change log read exactly as the app writes them.

Each step is skipped when its result exists already, so running the seed again adds nothing.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import fields, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from fairplanner.accounts.models import Company, Country, User
from fairplanner.accounts.services import CompanyProfile, find_user, sign_up, update_company
from fairplanner.catalogue.models import EventKind, Fair, FairStatus, RegistrationState
from fairplanner.db import utcnow
from fairplanner.demo import timeline
from fairplanner.demo.catalogue import SeedReport
from fairplanner.extensions import db
from fairplanner.following import queries as following_queries
from fairplanner.following import services as following_services
from fairplanner.i18n import MINSK
from fairplanner.organizers import services as organizer_services
from fairplanner.organizers.models import FairChange
from fairplanner.registrations import services as registration_services
from fairplanner.registrations.models import (
    Registration,
    RegistrationRole,
    RegistrationStatus,
    StandType,
)

ACTIVITY_FILE = Path(__file__).with_name("activity.json")
log = logging.getLogger(__name__)


def load_activity_file(path: Path = ACTIVITY_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def seed_activity(data: dict[str, Any], *, today: date) -> dict[str, SeedReport]:
    """Companies, then for each of the organizer's fairs open today its edits and applications."""
    reports = {
        name: SeedReport() for name in ("companies", "applications", "fair edits", "follows")
    }
    staff = find_user(data["staff"])
    if staff is None or staff.organizer_id is None:
        raise ValueError(f"no demo organizer staff {data['staff']!r}")
    members = {spec["key"]: _member(spec, reports["companies"]) for spec in data["companies"]}
    for key, plan in data["fairs"].items():
        for fair in open_editions(key, organizer_id=staff.organizer_id, today=today):
            last_change = db.session.scalar(select(func.max(FairChange.id))) or 0
            _edit_fair(fair, plan, staff=staff, report=reports["fair edits"])
            created = _apply(
                fair,
                plan["applications"],
                members,
                staff=staff,
                today=today,
                report=reports["applications"],
            )
            timeline.spread(fair, created, after_fair_change=last_change, today=today)
    for key, fair_keys in data.get("follows", {}).items():
        _follow(members[key], fair_keys, today=today, report=reports["follows"])
    return reports


def _follow(member: User, fair_keys: list[str], *, today: date, report: SeedReport) -> None:
    """The company follows the next edition of each fair (its watch list in "My fairs")."""
    if member.company is None:
        raise ValueError(f"{member.email} acts for no company")
    for key in fair_keys:
        fair = db.session.scalar(
            select(Fair)
            .where(
                Fair.slug.in_([f"{key}-{year}" for year in range(today.year, today.year + 3)]),
                Fair.status == FairStatus.PUBLISHED,
                Fair.starts_on > today,
            )
            .order_by(Fair.starts_on)
            .limit(1)
        )
        if fair is None:
            continue
        if following_queries.is_following(member.company.id, fair.id):
            report.existing += 1
        else:
            following_services.follow(member.company, fair, by=member)
            report.created += 1


def open_editions(key: str, *, organizer_id: int, today: date) -> list[Fair]:
    """The organizer's upcoming editions of the fair `key` whose registration is open today."""
    slugs = [f"{key}-{year}" for year in range(today.year, today.year + 3)]
    fairs = db.session.scalars(
        select(Fair)
        .where(
            Fair.slug.in_(slugs),
            Fair.organizer_id == organizer_id,
            Fair.status == FairStatus.PUBLISHED,
            Fair.starts_on > today,
        )
        .order_by(Fair.starts_on)
    )
    return [f for f in fairs if f.registration_state(today) == RegistrationState.OPEN]


def _member(spec: dict[str, Any], report: SeedReport) -> User:
    """The company's member login: signed up and given its profile, as a company would."""
    user = find_user(spec["login"])
    if "profile" not in spec:  # a demo login of the catalogue seed
        if user is None or user.company is None:
            raise ValueError(f"no demo company login {spec['login']!r}")
        return user
    if user is not None:
        report.existing += 1
        return user
    profile = dict(spec["profile"])
    # Nobody logs in as these companies: their password is random and never shown.
    user = sign_up(spec["login"], secrets.token_urlsafe(24), company_name=profile["legal_name"])
    user.email_verified_at = utcnow()
    sectors = profile.pop("sectors")
    update_company(
        user.company,
        CompanyProfile(**{**profile, "country": Country(profile["country"])}, sector_codes=sectors),
    )
    report.created += 1
    return user


def _fair_data(fair: Fair) -> organizer_services.FairData:
    """The fair as the edit form would hand it to the service."""
    names = [f.name for f in fields(organizer_services.FairData) if f.name != "sector_codes"]
    return organizer_services.FairData(
        **{name: getattr(fair, name) for name in names},
        sector_codes=[s.code for s in fair.sectors],
    )


def _edit_fair(fair: Fair, plan: dict[str, Any], *, staff: User, report: SeedReport) -> None:
    """A programme item added and the deadline moved, once per fair."""
    item = plan.get("programme_item")
    if item is not None:
        if any(e.title_ru == item["title_ru"] for e in fair.programme):
            report.existing += 1
        else:
            organizer_services.add_event(fair, _event_data(fair, item), actor=staff)
            report.created += 1
    days = plan.get("extend_deadline_days")
    if days:
        moved = db.session.scalars(
            select(FairChange).where(FairChange.fair_id == fair.id, FairChange.action == "edited")
        )
        if any("registration_deadline" in change.changes for change in moved):
            report.existing += 1
        else:
            deadline = min(fair.registration_deadline + timedelta(days=days), fair.ends_on)
            data = replace(_fair_data(fair), registration_deadline=deadline)
            organizer_services.update_fair(fair, data, actor=staff, seen_revision=fair.revision)
            report.created += 1


def _event_data(fair: Fair, item: dict[str, Any]) -> organizer_services.EventData:
    def at(hhmm: str) -> datetime:
        day = fair.starts_on + timedelta(days=item["day"])
        return datetime.combine(day, time.fromisoformat(hhmm), MINSK).astimezone(UTC)

    texts = ("title_ru", "title_en", "description_ru", "description_en", "hall_ru", "hall_en")
    return organizer_services.EventData(
        **{k: item.get(k) for k in texts},
        kind=EventKind(item["kind"]),
        starts_at=at(item["start"]),
        ends_at=at(item["end"]),
    )


def _request(entry: dict[str, Any]) -> registration_services.Request:
    if entry["role"] == RegistrationRole.EXHIBITOR:
        return registration_services.ExhibitorRequest(
            stand_type=StandType(entry["stand_type"]),
            area=Decimal(str(entry["area"])),
            needs_power=entry.get("needs_power", False),
            needs_water=entry.get("needs_water", False),
            needs_internet=entry.get("needs_internet", False),
            products=entry.get("products"),
            note=entry.get("note"),
        )
    return registration_services.VisitRequest(
        delegates=entry["delegates"], aims=entry["aims"], note=entry.get("note")
    )


def _apply(
    fair: Fair,
    entries: list[dict[str, Any]],
    members: dict[str, User],
    *,
    staff: User,
    today: date,
    report: SeedReport,
) -> list[Registration]:
    """Submit each application of the plan that the fair lacks, then take its steps; returns
    the new applications.

    The marker is the number of applications a company has in a role: the n-th entry for a
    company and role exists once the company has n of them (one rejected, then applied anew).
    Waiting-list decisions come last: a rejection or withdrawal later on would promote them.
    """
    seen: dict[tuple[str, str], int] = {}
    waiting: list[tuple[Registration, dict[str, Any]]] = []
    created: list[Registration] = []
    for entry in entries:
        member = members[entry["company"]]
        role = RegistrationRole(entry["role"])
        nth = seen[entry["company"], role] = seen.get((entry["company"], role), 0) + 1
        if _count(member.company, fair, role) >= nth:
            report.existing += 1
            continue
        request = _request(entry)
        registration = registration_services.submit_registration(
            member.company, fair, role=role, request=request, actor=member, today=today
        )
        if "edit" in entry:  # the company corrected its application before the decision
            registration_services.update_registration(
                registration,
                request=replace(request, **_typed(entry["edit"])),
                actor=member,
                today=today,
            )
        for step in entry.get("steps", []):
            if step == RegistrationStatus.WAITLISTED:
                waiting.append((registration, entry))
            else:
                _step(registration, step, entry, member=member, staff=staff)
        created.append(registration)
        report.created += 1
    for registration, entry in waiting:
        _step(
            registration,
            RegistrationStatus.WAITLISTED,
            entry,
            member=members[entry["company"]],
            staff=staff,
        )
    return created


def _typed(edit: dict[str, Any]) -> dict[str, Any]:
    return {k: Decimal(str(v)) if k == "area" else v for k, v in edit.items()}


def _step(
    registration: Registration, step: str, entry: dict[str, Any], *, member: User, staff: User
) -> None:
    status = RegistrationStatus(step)
    if status == RegistrationStatus.WITHDRAWN:
        registration_services.withdraw_registration(registration, actor=member)
    else:
        explained = status in (RegistrationStatus.REJECTED, RegistrationStatus.WAITLISTED)
        registration_services.decide_registration(
            registration,
            status=status,
            actor=staff,
            reason=entry.get("reason") if explained else None,
        )


def _count(company: Company, fair: Fair, role: RegistrationRole) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.company_id == company.id,
            Registration.fair_id == fair.id,
            Registration.role == role,
        )
    )
