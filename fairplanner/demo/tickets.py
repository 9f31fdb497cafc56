"""Demo fair-day tickets (tickets.json): each demo fair's badge quota as the organizer sets it,
the stand staff each approved exhibitor names, the tickets of the approved visitor delegations,
and a few people the organizer's desk registers, all through fairplanner.tickets.services.
An application that names people already, and a desk ticket whose name exists, are left as
they are, so running the seed again adds nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from fairplanner.accounts.models import Country, User
from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.db import utcnow
from fairplanner.demo.catalogue import SeedReport
from fairplanner.demo.exhibitors import _open_editions, _staff
from fairplanner.extensions import db
from fairplanner.registrations.models import (
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)
from fairplanner.tickets import services
from fairplanner.tickets.models import QuotaMode, Ticket, TicketRole

TICKETS_FILE = Path(__file__).with_name("tickets.json")
REPORTS = ("badge quotas", "tickets")
DEMO_STAFF = "staff@belexpo.example"


def load_tickets_file(path: Path = TICKETS_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _fairs(today: date) -> list[Fair]:
    """The upcoming published demo fairs that have approved applications."""
    approved = select(Registration.fair_id).where(
        Registration.status == RegistrationStatus.APPROVED
    )
    stmt = (
        select(Fair)
        .where(Fair.id.in_(approved), Fair.status == FairStatus.PUBLISHED, Fair.ends_on >= today)
        .order_by(Fair.starts_on, Fair.id)
    )
    return list(db.session.scalars(stmt))


def _member(registration: Registration) -> User | None:
    members = registration.company.members
    return members[0] if members else None


def _add_addresses(
    registration: Registration, mail: dict[str, Any], member: User | None, today: date
) -> None:
    """The demo login gives its delegates addresses (to try the e-ticket mail with)."""
    for ticket in services.active_people(registration.id):
        login = mail.get("people", {}).get(ticket.name)
        if login and ticket.email is None:
            services.change_person(
                ticket,
                name=ticket.name,
                position=ticket.position,
                email=f"{login}@{mail['domain']}",
                actor=member,
                today=today,
            )


def _after_the_history(fair: Fair, last_change: int) -> None:
    """The people were named after everything else the demo's applications went through (the
    seed spreads that over the past weeks, fairplanner.demo.timeline): their history entries
    get moments evenly between the fair's latest entry and now, in the order they were made,
    and each application's last change is its last entry's."""
    new = db.session.scalars(
        select(RegistrationChange)
        .join(RegistrationChange.registration)
        .where(Registration.fair_id == fair.id, RegistrationChange.id > last_change)
        .order_by(RegistrationChange.id)
    ).all()
    if not new:
        return
    now = utcnow()
    latest = db.session.scalar(
        select(func.max(RegistrationChange.at))
        .join(RegistrationChange.registration)
        .where(Registration.fair_id == fair.id, RegistrationChange.id <= last_change)
    )
    start = min(latest or now - timedelta(days=1), now - timedelta(minutes=1))
    step = (now - start) / (len(new) + 1)
    for n, change in enumerate(new, 1):
        change.at = start + step * n
        change.registration.updated_at = change.at
    db.session.flush()


def seed_tickets(data: dict[str, Any], *, today: date) -> dict[str, SeedReport]:
    reports = {name: SeedReport() for name in REPORTS}
    quota = data["quota"]
    for fair in _fairs(today):
        turn = 0  # each fair draws its names from the start of the pools
        last_change = db.session.scalar(select(func.max(RegistrationChange.id))) or 0
        if db.session.get(services.TicketSettings, fair.id) is None:
            services.save_settings(
                fair,
                quota_mode=QuotaMode(quota["mode"]),
                quota_count=quota["count"],
                quota_area=quota["area"],
            )
            reports["badge quotas"].created += 1
        else:
            reports["badge quotas"].existing += 1
        applications = db.session.scalars(
            select(Registration)
            .where(
                Registration.fair_id == fair.id,
                Registration.status == RegistrationStatus.APPROVED,
            )
            .order_by(Registration.id)
        )
        for registration in applications:
            member = _member(registration)
            mail = data["emails"].get(member.email, {}) if member is not None else {}
            if registration.role == RegistrationRole.VISITOR:
                # The approval issued the delegation's tickets (fairplanner.tickets.handlers).
                reports["tickets"].created += len(services.ensure_issued(registration))
                _add_addresses(registration, mail, member, today)
                continue
            named = db.session.scalar(
                select(func.count())
                .select_from(Ticket)
                .where(Ticket.registration_id == registration.id)
            )
            if named:
                reports["tickets"].existing += named
                continue
            domain = mail.get("domain")
            country = "BY" if registration.company.country == Country.BELARUS else "RU"
            pool = data["names"][country]
            for _ in range(min(data["staff_per_stand"], services.quota(registration))):
                name, position, login = pool[turn % len(pool)]
                turn += 1
                services.add_person(
                    registration,
                    name=name,
                    position=position,
                    # The demo login's people have addresses (to try the e-ticket mail).
                    email=f"{login}@{domain}" if domain else None,
                    actor=member,
                    today=today,
                )
                reports["tickets"].created += 1
        _after_the_history(fair, last_change)
    for key, people in data["desk"].items():
        editions = _open_editions(key, today=today)
        if not editions:
            continue
        fair = editions[0]
        staff = _staff(fair.organizer, DEMO_STAFF)
        for person in people:
            exists = db.session.scalar(
                select(Ticket.id).where(Ticket.fair_id == fair.id, Ticket.name == person["name"])
            )
            if exists is not None:
                reports["tickets"].existing += 1
                continue
            services.register_at_desk(
                fair,
                name=person["name"],
                company_label=person["company"],
                role=TicketRole(person["role"]),
                actor=staff,
                today=today,
            )
            reports["tickets"].created += 1
    return reports
