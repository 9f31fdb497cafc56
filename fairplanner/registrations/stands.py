"""Writes for stands: an organizer gives an approved exhibitor its hall and stand number, one
at a time or many at once (a bulk upload). Never commits.

A stand is held by one approved exhibitor per fair. The rule is checked here for a clear
message, and kept by the database (the partial unique index `uq_registrations_stand`): when two
organizers give the same stand at once, the later one gets `StandTaken`, not a server error.
Every change is written to the application's history (action "stand") and sends
`events.stand_assigned`, whose receivers tell the company.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from fairplanner import events
from fairplanner.accounts.models import Company, User
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.registrations.models import (
    STAND_FIELD_LENGTH,
    Registration,
    RegistrationRole,
    RegistrationStatus,
)
from fairplanner.registrations.services import lock_fair, lock_registration, record


class StandTaken(DomainError):
    status_code = 409


class StandNotAllowed(DomainError):
    status_code = 409


class InvalidStand(DomainError):
    status_code = 422


def clean(value: str | None) -> str | None:
    """A hall or stand as stored: spaces collapsed, None when empty."""
    value = " ".join((value or "").split())
    return value or None


def check_values(hall: str | None, stand: str | None) -> tuple[str | None, str | None]:
    """Both or neither (neither takes the stand away), each short enough; else InvalidStand."""
    hall, stand = clean(hall), clean(stand)
    if (hall is None) != (stand is None):
        raise InvalidStand(_("Give both the hall and the stand number, or neither."))
    if len(hall or "") > STAND_FIELD_LENGTH or len(stand or "") > STAND_FIELD_LENGTH:
        raise InvalidStand(
            _("A hall or stand number is at most %(n)d characters.", n=STAND_FIELD_LENGTH)
        )
    return hall, stand


def assignable(registration: Registration) -> bool:
    """Only approved exhibitors get a stand."""
    return (
        registration.role == RegistrationRole.EXHIBITOR
        and registration.status == RegistrationStatus.APPROVED
    )


def holder(fair_id: int, hall: str, stand: str) -> Select[tuple[Registration]]:
    """The approved application that holds the stand, if any."""
    return select(Registration).where(
        Registration.fair_id == fair_id,
        Registration.hall == hall,
        Registration.stand == stand,
        Registration.status == RegistrationStatus.APPROVED,
    )


def _taken_message(hall: str, stand: str) -> str:
    return _(
        "Stand %(stand)s in %(hall)s is already given to another exhibitor.",
        stand=stand,
        hall=hall,
    )


def _flush(message: str) -> None:
    """Flush; the unique index refusing it (another organizer was quicker) is StandTaken."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        reported = str(exc.orig)
        if "uq_registrations_stand" not in reported and "registrations.stand" not in reported:
            raise
        raise StandTaken(message) from exc


def _change(registration: Registration, hall: str | None, stand: str | None, actor: User) -> bool:
    previous = (registration.hall, registration.stand)
    if previous == (hall, stand):
        return False
    # Not flushed before the caller means to: loading the history must not write the stand.
    with db.session.no_autoflush:
        registration.hall, registration.stand = hall, stand
        record(
            registration,
            "stand",
            actor=actor,
            status_from=registration.status,
            changes={
                name: [old, new]
                for name, old, new in (("hall", previous[0], hall), ("stand", previous[1], stand))
                if old != new
            },
        )
    return True


def _announce(
    registration: Registration, previous: tuple[str | None, str | None], actor: User
) -> None:
    events.stand_assigned.send(
        registration, actor=actor, previous=previous if previous[1] is not None else None
    )


def assign_stand(
    registration: Registration,
    *,
    hall: str | None,
    stand: str | None,
    actor: User,
    seen_version: int | None = None,
) -> bool:
    """Give the application its hall and stand (both None: take the stand away). True when
    something changed."""
    hall, stand = check_values(hall, stand)
    lock_registration(registration)
    if seen_version is not None and seen_version != registration.version:
        raise StandNotAllowed(
            _("This application was changed after your page was loaded. Look at it again.")
        )
    if not assignable(registration):
        raise StandNotAllowed(_("Only approved exhibitors get a stand."))
    if hall is not None and stand is not None:
        other = db.session.scalars(holder(registration.fair_id, hall, stand)).first()
        if other is not None and other.id != registration.id:
            raise StandTaken(_taken_message(hall, stand))
    previous = (registration.hall, registration.stand)
    if not _change(registration, hall, stand, actor):
        return False
    _flush(_taken_message(hall or "", stand or ""))
    _announce(registration, previous, actor)
    return True


@dataclass(frozen=True)
class Assignment:
    """One row of a bulk upload, checked: the application and its new hall and stand."""

    registration: Registration
    hall: str
    stand: str


def assign_many(fair_id: int, assignments: Sequence[Assignment], *, actor: User) -> int:
    """Apply checked rows all together or not at all: stands may move between the listed
    applications (a swap works). Returns how many applications changed."""
    lock_fair(fair_id)
    changing = [
        a for a in assignments if (a.registration.hall, a.registration.stand) != (a.hall, a.stand)
    ]
    previous = {a.registration.id: (a.registration.hall, a.registration.stand) for a in changing}
    # Free the stands being moved first, so that the index never sees two holders mid-way.
    for a in changing:
        a.registration.hall = a.registration.stand = None
    db.session.flush()
    for a in changing:
        registration = a.registration
        registration.hall, registration.stand = previous[registration.id]
        _change(registration, a.hall, a.stand, actor)
        registration.hall, registration.stand = a.hall, a.stand
    if changing:
        _flush(_("Another organizer has just given some of these stands. Upload the file again."))
    for a in changing:
        _announce(a.registration, previous[a.registration.id], actor)
    return len(changing)


# --- bulk upload: checking the rows ------------------------------------------------------------


@dataclass
class Row:
    """A row of an upload as the preview shows it: its line, what it says, and either the
    application it assigns or the reason it cannot."""

    line: int
    tax_id: str
    hall: str
    stand: str
    company: str = ""
    registration: Registration | None = None
    error: str | None = None
    unchanged: bool = False


HOSTILE_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _digits(value: str) -> str:
    return "".join(value.split())


def check_rows(fair_id: int, cells: Sequence[tuple[int, str, str, str]]) -> list[Row]:
    """Each (line, tax id, hall, stand) checked against the fair's applications and the other
    rows: an unknown tax id, a company that is not an approved exhibitor, an empty or
    formula-like value, a stand given twice (in the file, or held by an exhibitor the file
    does not move) each make that row's error. Two queries, whatever the number of rows."""
    rows = [
        Row(line, _digits(tax_id), clean(hall) or "", clean(stand) or "")
        for line, tax_id, hall, stand in cells
    ]
    wanted = {row.tax_id for row in rows if row.tax_id}
    applications: dict[str, list[Registration]] = {}
    if wanted:
        stmt = (
            select(Registration)
            .join(Registration.company)
            .where(Registration.fair_id == fair_id, Company.tax_id.in_(wanted))
            .options(contains_eager(Registration.company))
            .order_by(Registration.id)
        )
        for registration in db.session.scalars(stmt):
            applications.setdefault(registration.company.tax_id or "", []).append(registration)
    listed_ids: set[int] = set()
    for row in rows:
        found = applications.get(row.tax_id, [])
        approved = [r for r in found if assignable(r)]
        if found:
            row.company = found[0].company.display_name
        if not row.tax_id or not row.hall or not row.stand:
            row.error = _("The tax number, hall and stand must all be filled in.")
        elif any(v.lstrip(" \u00a0")[:1] in HOSTILE_START for v in (row.hall, row.stand)):
            row.error = _("A hall or stand may not start with =, +, - or @.")
        elif max(len(row.hall), len(row.stand)) > STAND_FIELD_LENGTH:
            row.error = _(
                "A hall or stand number is at most %(n)d characters.", n=STAND_FIELD_LENGTH
            )
        elif not found:
            row.error = _("No company with this tax number has applied to this fair.")
        elif not approved:
            row.error = _("This company is not an approved exhibitor of this fair.")
        else:
            row.registration = approved[0]
            row.unchanged = (row.registration.hall, row.registration.stand) == (row.hall, row.stand)
            listed_ids.add(row.registration.id)
    # The same company twice, the same stand twice.
    seen_company: dict[int, int] = {}
    seen_stand: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.registration is None:
            continue
        key = (row.hall, row.stand)
        if row.registration.id in seen_company:
            row.error = _(
                "This company is already in line %(line)d.", line=seen_company[row.registration.id]
            )
        elif key in seen_stand:
            row.error = _("This stand is already given in line %(line)d.", line=seen_stand[key])
        seen_company.setdefault(row.registration.id, row.line)
        seen_stand.setdefault(key, row.line)
    # Stands held by exhibitors the file leaves where they are.
    keys = {(row.hall, row.stand) for row in rows if row.error is None and row.registration}
    if keys:
        held = db.session.scalars(
            select(Registration)
            .where(
                Registration.fair_id == fair_id,
                Registration.status == RegistrationStatus.APPROVED,
                Registration.hall.in_({hall for hall, _s in keys}),
                Registration.stand.in_({stand for _h, stand in keys}),
                Registration.id.not_in(listed_ids),
            )
            .options(joinedload(Registration.company))
        )
        holders = {(r.hall, r.stand): r for r in held}
        for row in rows:
            other = holders.get((row.hall, row.stand))
            if row.error is None and other is not None:
                row.error = _(
                    "This stand is held by %(company)s, which the file does not move.",
                    company=other.company.display_name,
                )
    for row in rows:
        if row.error is not None:
            row.registration = None
    return rows
