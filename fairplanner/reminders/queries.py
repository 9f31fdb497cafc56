"""Reads for the reminder job: what is due, who receives it, what goes into a digest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from fairplanner.accounts.models import Company, Role, User, company_sectors
from fairplanner.catalogue.models import (
    City,
    Fair,
    FairStatus,
    ProgrammeEvent,
    Venue,
    fair_sectors,
)
from fairplanner.extensions import db
from fairplanner.following.models import Follow
from fairplanner.organizers.models import FairChange
from fairplanner.registrations.models import ACTIVE, Registration, RegistrationStatus
from fairplanner.reminders.models import DEFAULTS, ReminderKind, ReminderSettings, SentReminder

# The fair's venue and city go into every mail: loaded with the fair, not one query per mail.
_FAIR_PLACE = joinedload(Fair.venue).joinedload(Venue.city)


def due_deadlines(day: date) -> list[tuple[Company, Fair]]:
    """Followed published fairs whose registration closes on `day`, for each following company
    that has no active application to them (it has applied: no need to remind it)."""
    applied = exists().where(
        Registration.company_id == Follow.company_id,
        Registration.fair_id == Follow.fair_id,
        Registration.status.in_(ACTIVE),
    )
    rows = db.session.execute(
        select(Company, Fair)
        .join(Follow, Follow.company_id == Company.id)
        .join(Fair, Fair.id == Follow.fair_id)
        .where(
            Fair.registration_deadline == day,
            Fair.status == FairStatus.PUBLISHED,
            Company.erased_at.is_(None),
            ~applied,
        )
        .options(_FAIR_PLACE)
        .order_by(Fair.id, Company.id)
    )
    return [(company, fair) for company, fair in rows.tuples()]


def due_openings(day: date) -> list[tuple[Company, Fair]]:
    """Published fairs opening on `day`, for each company approved to exhibit or visit."""
    rows = db.session.execute(
        select(Company, Fair)
        .join(Registration, Registration.company_id == Company.id)
        .join(Fair, Fair.id == Registration.fair_id)
        .where(
            Fair.starts_on == day,
            Fair.status == FairStatus.PUBLISHED,
            Registration.status == RegistrationStatus.APPROVED,
            Company.erased_at.is_(None),
        )
        .options(_FAIR_PLACE)
        .distinct()
        .order_by(Fair.id, Company.id)
    )
    return [(company, fair) for company, fair in rows.tuples()]


def approved_registrations(company_id: int, fair_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.company_id == company_id,
                Registration.fair_id == fair_id,
                Registration.status == RegistrationStatus.APPROVED,
            )
            .order_by(Registration.role)
        )
    )


def programme(fair_id: int) -> list[ProgrammeEvent]:
    return list(
        db.session.scalars(
            select(ProgrammeEvent)
            .where(ProgrammeEvent.fair_id == fair_id)
            .order_by(ProgrammeEvent.starts_at, ProgrammeEvent.id)
        )
    )


def _wants(kind: ReminderKind):
    column = getattr(ReminderSettings, kind.value)
    return func.coalesce(column, DEFAULTS[kind])


def recipients(company_ids: Iterable[int], kind: ReminderKind) -> dict[int, list[User]]:
    """The members of each company who receive `kind`: active, with a confirmed address (an
    unconfirmed one may be someone else's), and not unsubscribed from it."""
    ids = set(company_ids)
    if not ids:
        return {}
    users = db.session.scalars(
        select(User)
        .outerjoin(ReminderSettings, ReminderSettings.user_id == User.id)
        .where(
            User.company_id.in_(ids),
            User.role == Role.MEMBER,
            User.active.is_(True),
            User.email.is_not(None),
            User.erased_at.is_(None),
            User.email_verified_at.is_not(None),
            _wants(kind).is_(True),
        )
        .order_by(User.id)
    )
    found: dict[int, list[User]] = defaultdict(list)
    for user in users:
        found[user.company_id].append(user)  # type: ignore[index]
    return found


def is_sent(key: str) -> bool:
    return db.session.scalar(select(SentReminder.id).where(SentReminder.key == key)) is not None


def digest_companies() -> list[Company]:
    """Companies with at least one member who asked for the digest."""
    return list(
        db.session.scalars(
            select(Company)
            .where(
                Company.erased_at.is_(None),
                exists().where(
                    User.company_id == Company.id,
                    ReminderSettings.user_id == User.id,
                    ReminderSettings.digest.is_(True),
                ),
            )
            # The profile's sectors decide what is new for the company.
            .options(selectinload(Company.sectors))
            .order_by(Company.id)
        )
    )


def new_fairs(company: Company, *, since: datetime, today: date) -> list[Fair]:
    """Fairs published since `since` (by the change log; for fairs entered without one, when
    they were created) that have not ended, in the company's sectors and, for a company in
    Belarus, in its region."""
    published = exists().where(
        FairChange.fair_id == Fair.id, FairChange.action == "published", FairChange.at >= since
    )
    stmt = (
        select(Fair)
        .where(
            Fair.status == FairStatus.PUBLISHED,
            Fair.ends_on >= today,
            or_(published, Fair.created_at >= since),
        )
        .options(_FAIR_PLACE)
        .order_by(Fair.starts_on, Fair.id)
    )
    if company.sectors:
        stmt = stmt.where(
            exists().where(
                fair_sectors.c.fair_id == Fair.id,
                fair_sectors.c.sector_id.in_(
                    select(company_sectors.c.sector_id).where(
                        company_sectors.c.company_id == company.id
                    )
                ),
            )
        )
    if company.country is not None and company.country.value == "BY" and company.region:
        stmt = stmt.join(Venue, Venue.id == Fair.venue_id).join(City, City.id == Venue.city_id)
        stmt = stmt.where(City.oblast == company.region)
    return list(db.session.scalars(stmt))


def changed_followed(company_id: int, *, since: datetime, today: date) -> list[Fair]:
    """Fairs the company follows that the organizer changed (or cancelled) since `since`."""
    return list(
        db.session.scalars(
            select(Fair)
            .join(Follow, and_(Follow.fair_id == Fair.id, Follow.company_id == company_id))
            .where(
                Fair.status != FairStatus.DRAFT,
                Fair.ends_on >= today,
                Fair.updated_at >= since,
            )
            .options(_FAIR_PLACE)
            .order_by(Fair.starts_on, Fair.id)
        )
    )
