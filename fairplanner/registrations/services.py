"""Writes for registrations: submit, edit, withdraw, and the waiting list. Never commits.

Each change sends its domain event (fairplanner.events) once flushed; the mail to the company
is queued by the receivers in notifications, in this same transaction."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fairplanner import events
from fairplanner.accounts.models import Company, User
from fairplanner.catalogue.models import CapacityUnit, Fair, FairStatus, RegistrationState
from fairplanner.db import json_value
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.registrations import queries
from fairplanner.registrations.models import (
    HOLDING,
    TRANSITIONS,
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
    StandType,
)

log = logging.getLogger(__name__)


class RegistrationClosed(DomainError):
    status_code = 409


class AlreadyRegistered(DomainError):
    status_code = 409


class ProfileIncomplete(DomainError):
    status_code = 409


class CapacityExceeded(DomainError):
    status_code = 409


class NotAllowed(DomainError):
    status_code = 409


class StaleDecision(DomainError):
    status_code = 409


class InvalidRequest(DomainError):
    status_code = 422


@dataclass
class ExhibitorRequest:
    stand_type: StandType
    area: Decimal
    needs_power: bool = False
    needs_water: bool = False
    needs_internet: bool = False
    products: str | None = None
    note: str | None = None
    # The exhibitor catalogue: listed once approved (the default), the entry in ru and en.
    listed: bool = True
    entry_ru: str | None = None
    entry_en: str | None = None


@dataclass
class VisitRequest:
    delegates: list[dict[str, str]] = field(default_factory=list)
    aims: list[str] = field(default_factory=list)
    note: str | None = None


Request = ExhibitorRequest | VisitRequest


def lock_fair(fair_id: int) -> Fair:
    """Load the fair with a row lock, so capacity decisions for it happen one at a time.

    PostgreSQL takes the lock here (SELECT … FOR UPDATE); SQLite, which has no row locks, is
    serialised by the BEGIN IMMEDIATE that every write request starts with (fairplanner.db).
    """
    stmt = (
        select(Fair)
        .where(Fair.id == fair_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(stmt).one()


def lock_registration(registration: Registration) -> Fair:
    """Lock the registration's fair, then re-read the registration: another request may have
    changed it while this one waited for the lock."""
    fair = lock_fair(registration.fair_id)
    db.session.refresh(registration)
    return fair


def capacity_need(fair: Fair, request: ExhibitorRequest | Registration) -> Decimal:
    """How much of the fair's capacity one exhibitor request (or stored application) takes."""
    return Decimal(request.area) if fair.capacity_unit == CapacityUnit.SQM else Decimal(1)


def record(
    registration: Registration,
    action: str,
    *,
    actor: User | None,
    status_from: RegistrationStatus | None = None,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    registration.history.append(
        RegistrationChange(
            action=action,
            actor_id=actor.id if actor else None,
            status_from=status_from.value if status_from else None,
            status_to=registration.status.value,
            changes=changes or {},
            reason=reason,
        )
    )


def _check_window(fair: Fair, today: date) -> None:
    if fair.status != FairStatus.PUBLISHED:
        raise RegistrationClosed(
            _("This fair has been cancelled.")
            if fair.status == FairStatus.CANCELLED
            else _("This fair is not open for registration.")
        )
    state = fair.registration_state(today)
    if state == RegistrationState.NOT_OPEN:
        raise RegistrationClosed(_("Registration for this fair has not opened yet."))
    if state == RegistrationState.CLOSED:
        raise RegistrationClosed(_("The registration deadline for this fair has passed."))


def _check_request(fair: Fair, role: RegistrationRole, request: Request) -> None:
    """Rules the form also checks, enforced again here for every caller."""
    if role == RegistrationRole.EXHIBITOR:
        if not isinstance(request, ExhibitorRequest):
            raise InvalidRequest(_("This is not an exhibitor application."))
        if not (fair.stand_area_min <= request.area <= fair.stand_area_max):
            raise InvalidRequest(
                _(
                    "The stand area must be between %(min)s and %(max)s m².",
                    min=json_value(fair.stand_area_min),
                    max=json_value(fair.stand_area_max),
                )
            )
    else:
        if not isinstance(request, VisitRequest):
            raise InvalidRequest(_("This is not a visitor application."))
        if not request.delegates or not request.aims:
            raise InvalidRequest(_("Name at least one delegate and one aim of the visit."))


def submit_registration(
    company: Company,
    fair: Fair,
    *,
    role: RegistrationRole,
    request: Request,
    actor: User,
    today: date,
) -> Registration:
    """Apply for `fair`; an exhibitor beyond the capacity goes on the waiting list."""
    if not company.profile_complete:
        raise ProfileIncomplete(_("Complete your company profile before registering."))
    fair = lock_fair(fair.id)
    _check_window(fair, today)
    _check_request(fair, role, request)
    if db.session.scalar(queries.active_registration(company.id, fair.id, role)) is not None:
        raise AlreadyRegistered(
            _("Your company already has an application for this fair in this role.")
        )
    registration = Registration(
        fair=fair, company=company, role=role, created_by_id=actor.id, **asdict(request)
    )
    # Nobody overtakes the waiting list, even with a request small enough to fit.
    if role == RegistrationRole.EXHIBITOR and (
        db.session.scalar(queries.waitlist(fair.id).limit(1)) is not None
        or not _fits(fair, capacity_need(fair, request))
    ):
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlist_number = db.session.scalar(queries.next_waitlist_number(fair.id))
    else:
        registration.status = RegistrationStatus.SUBMITTED
    db.session.add(registration)
    record(registration, "submitted", actor=actor)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise AlreadyRegistered(
            _("Your company already has an application for this fair in this role.")
        ) from exc
    events.application_submitted.send(registration, actor=actor)
    log.info(
        "registration %s: %s %s for fair %s (%s)",
        registration.id,
        company.id,
        role,
        fair.id,
        registration.status,
    )
    return registration


def _fits(
    fair: Fair,
    need: Decimal,
    *,
    ignoring: Registration | None = None,
    counting: tuple[RegistrationStatus, ...] = HOLDING,
) -> bool:
    if fair.capacity is None:
        return True
    taken = (
        db.session.scalar(queries.capacity_taken(fair, ignoring=ignoring, counting=counting)) or 0
    )
    return Decimal(taken) + need <= fair.capacity


def update_registration(
    registration: Registration, *, request: Request, actor: User, today: date
) -> Registration:
    """Change an application the organizer has not decided on yet; the history keeps the diff."""
    fair = lock_registration(registration)
    if not registration.editable:
        raise NotAllowed(_("This application can no longer be changed."))
    _check_window(fair, today)
    _check_request(fair, registration.role, request)
    if (
        registration.role == RegistrationRole.EXHIBITOR
        and registration.status in HOLDING
        and not _fits(fair, capacity_need(fair, request), ignoring=registration)
    ):
        raise CapacityExceeded(_("There is not enough free space at this fair for that request."))
    changes = {}
    for name, value in asdict(request).items():
        old = getattr(registration, name)
        if json_value(old) != json_value(value):
            changes[name] = [json_value(old), json_value(value)]
            setattr(registration, name, value)
    if changes:
        record(
            registration, "edited", actor=actor, status_from=registration.status, changes=changes
        )
        db.session.flush()
        events.application_changed.send(registration, actor=actor, changes=changes)
        if registration.role == RegistrationRole.EXHIBITOR and registration.status in HOLDING:
            promote_waitlist(fair)  # a smaller stand may free room for the next in line
    return registration


def decide_registration(
    registration: Registration,
    *,
    status: RegistrationStatus,
    actor: User,
    reason: str | None = None,
    seen_version: int | None = None,
    promote: bool = True,
) -> Registration:
    """An organizer's decision: approve, reject (with a reason) or put on the waiting list.

    `seen_version` is the version the deciding page showed: a decision taken on a page that is
    out of date is refused rather than laid over someone else's change. `promote=False` leaves
    the waiting list alone, for a caller deciding on several applications at once (it promotes
    once, after the batch).
    """
    fair = lock_registration(registration)
    if seen_version is not None and seen_version != registration.version:
        raise StaleDecision(
            _("This application was changed after your page was loaded. Look at it again.")
        )
    before = registration.status
    if status not in TRANSITIONS[before] or status == RegistrationStatus.WITHDRAWN:
        raise NotAllowed(_("This decision is not possible for the application as it stands."))
    if status == RegistrationStatus.REJECTED and not (reason and reason.strip()):
        raise InvalidRequest(_("Give the company a reason for the rejection."))
    exhibitor = registration.role == RegistrationRole.EXHIBITOR
    if exhibitor and status == RegistrationStatus.APPROVED:
        # From the waiting list: it must fit beside everything held. A submitted request holds
        # its space already, but the capacity may have been lowered since: approvals alone must
        # never exceed it.
        held = HOLDING if before not in HOLDING else (RegistrationStatus.APPROVED,)
        need = capacity_need(fair, registration)
        if not _fits(fair, need, ignoring=registration, counting=held):
            raise CapacityExceeded(_("Approving this application would exceed the capacity."))
    registration.status = status
    if status == RegistrationStatus.WAITLISTED and registration.waitlist_number is None:
        registration.waitlist_number = db.session.scalar(queries.next_waitlist_number(fair.id))
    if status == RegistrationStatus.REJECTED:
        registration.reject_reason = reason.strip()
    record(registration, status.value, actor=actor, status_from=before, reason=reason)
    db.session.flush()
    events.application_decided.send(registration, actor=actor, previous=before, reason=reason)
    # Space may have freed up (a held request let go) or the head of the list may have left.
    if promote and exhibitor and status not in HOLDING:
        promote_waitlist(fair, skip={registration.id})
    return registration


def withdraw_registration(registration: Registration, *, actor: User) -> Registration:
    """Withdraw an application at any stage; freed space goes to the waiting list."""
    fair = lock_registration(registration)
    if registration.fair_cancelled:
        raise NotAllowed(_("The organizer has cancelled this fair: there is nothing to withdraw."))
    if not registration.withdrawable:
        raise NotAllowed(_("This application can no longer be withdrawn."))
    before = registration.status
    registration.status = RegistrationStatus.WITHDRAWN
    record(registration, "withdrawn", actor=actor, status_from=before)
    db.session.flush()
    events.application_withdrawn.send(registration, actor=actor, previous=before)
    if registration.role == RegistrationRole.EXHIBITOR and before in HOLDING:
        promote_waitlist(fair)
    return registration


def promote_waitlist(
    fair: Fair, *, skip: set[int] | frozenset[int] = frozenset()
) -> list[Registration]:
    """Approve waiting exhibitors in their order while they fit (the caller holds the lock).

    `skip` holds applications the organizer has just put on the waiting list on purpose.
    """
    promoted: list[Registration] = []
    if fair.status != FairStatus.PUBLISHED:
        return promoted  # a cancelled fair approves nobody
    for waiting in db.session.scalars(queries.waitlist(fair.id)):
        if waiting.id in skip:
            continue
        if not _fits(fair, capacity_need(fair, waiting)):
            break  # first come, first served: nobody jumps the queue
        waiting.status = RegistrationStatus.APPROVED
        record(waiting, "promoted", actor=None, status_from=RegistrationStatus.WAITLISTED)
        db.session.flush()
        events.application_promoted.send(waiting)
        promoted.append(waiting)
    return promoted


@dataclass
class Batch:
    """What one decision on several applications did: the applications decided, those a rule
    refused (with the rule's message), and the ids that are no application of the fair."""

    done: list[Registration] = field(default_factory=list)
    refused: list[tuple[Registration, str]] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)


def decide_many(
    fair_id: int,
    ids: Sequence[int],
    *,
    status: RegistrationStatus,
    actor: User,
    reason: str | None,
    seen_versions: Mapping[int, int],
) -> Batch:
    """The same decision on several applications of a fair, each checked against the version
    its page showed (none given: stale) and each in a savepoint of its own, so that one
    refused leaves the others decided. The waiting list moves once, after the batch, leaving
    alone what was just put on it on purpose."""
    if status == RegistrationStatus.REJECTED and not (reason and reason.strip()):
        raise InvalidRequest(_("Give the companies a reason for the rejection."))
    batch = Batch()
    wanted = set(ids)
    found = db.session.scalars(
        select(Registration)
        .where(Registration.fair_id == fair_id, Registration.id.in_(wanted))
        .order_by(Registration.id)
    ).all()
    for registration in found:
        try:
            with db.session.begin_nested():
                decide_registration(
                    registration,
                    status=status,
                    actor=actor,
                    reason=reason,
                    seen_version=seen_versions.get(registration.id, -1),
                    promote=False,
                )
            batch.done.append(registration)
        except DomainError as exc:
            batch.refused.append((registration, exc.message))
    batch.unknown = sorted(wanted - {r.id for r in found})
    promote_waitlist(lock_fair(fair_id), skip=frozenset(wanted))
    return batch
