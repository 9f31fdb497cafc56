"""The rules of tickets: who gets one, the badge quota, revocation, and the answer at the door.

Every write path calls these: the company's people page, the organizer's desk and console, the
check-in endpoints, the event handlers (approved, withdrawn, rejected, cancelled fair) and the
demo seed. They flush; the caller commits.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from fairplanner import events
from fairplanner.accounts.models import User
from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.db import utcnow
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, minsk_today
from fairplanner.registrations.forms import MAX_DELEGATES
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus
from fairplanner.registrations.services import lock_fair, record
from fairplanner.tickets.models import (
    CheckIn,
    QuotaMode,
    RevokeReason,
    ScanResult,
    Ticket,
    TicketRole,
    TicketSettings,
)

# --- Codes --------------------------------------------------------------------------------------

CODE_BYTES = 16  # 128 random bits
CODE_LENGTH = 28  # base32 of the 16 bytes and one check byte, without padding
_CODE_CHARS = re.compile(r"[A-Z2-7]{28}")
# Characters people mistype when they read a code out or type it from a badge.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def _check_byte(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()[:1]


def new_code() -> str:
    """A fresh ticket code: 128 random bits and a check byte, in base32 (A–Z, 2–7)."""
    raw = secrets.token_bytes(CODE_BYTES)
    return base64.b32encode(raw + _check_byte(raw)).decode().rstrip("=")


def normalize(text: str) -> str:
    """What was scanned or typed, as a code: upper case, without spaces or dashes, with the
    digits people type for look-alike letters mended; an e-ticket link gives its last part."""
    text = (text or "").strip()[:200]
    if "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[\s\-]", "", text).upper().translate(_LOOKALIKES)[:64]


def well_formed(code: str) -> bool:
    """A code of the right shape whose check byte matches (a typo almost never does)."""
    if not _CODE_CHARS.fullmatch(code):
        return False
    raw = base64.b32decode(code + "====")
    return _check_byte(raw[:CODE_BYTES]) == raw[CODE_BYTES:]


# --- Refusals -----------------------------------------------------------------------------------


class PeopleClosed(DomainError):
    status_code = 409


class QuotaReached(DomainError):
    status_code = 409


class DeskClosed(DomainError):
    status_code = 409


class ScanRefused(DomainError):
    status_code = 409


# --- Settings and quota -------------------------------------------------------------------------


def settings_of(fair_id: int) -> TicketSettings:
    """The fair's ticket settings (the defaults, unsaved, for a fair that has none yet)."""
    settings = db.session.get(TicketSettings, fair_id)
    return settings or TicketSettings(
        fair_id=fair_id, quota_mode=QuotaMode.PER_STAND, quota_count=4, quota_area=9
    )


def save_settings(
    fair: Fair, *, quota_mode: QuotaMode, quota_count: int, quota_area: float | None
) -> TicketSettings:
    settings = db.session.get(TicketSettings, fair.id) or TicketSettings(fair_id=fair.id)
    settings.quota_mode = quota_mode
    settings.quota_count = quota_count
    if quota_area:
        settings.quota_area = quota_area
    db.session.add(settings)
    db.session.flush()
    return settings


def quota(registration: Registration, settings: TicketSettings | None = None) -> int:
    """How many people the application may name: an exhibitor's stand staff by the fair's
    badge quota, a visitor delegation up to the application form's limit."""
    if registration.role == RegistrationRole.VISITOR:
        return MAX_DELEGATES
    settings = settings or settings_of(registration.fair_id)
    if settings.quota_mode == QuotaMode.PER_AREA and registration.area and settings.quota_area:
        blocks = math.ceil(float(registration.area) / float(settings.quota_area))
        return max(1, blocks) * settings.quota_count
    return settings.quota_count


def _role_of(registration: Registration) -> TicketRole:
    if registration.role == RegistrationRole.EXHIBITOR:
        return TicketRole.EXHIBITOR
    return TicketRole.VISITOR


def fair_over(fair: Fair, today: date | None = None) -> bool:
    return (today or minsk_today()) > fair.ends_on


def people_open(registration: Registration, today: date | None = None) -> bool:
    """The company edits its people from approval until the fair's last day."""
    return (
        registration.status == RegistrationStatus.APPROVED
        and registration.fair.status != FairStatus.CANCELLED
        and not fair_over(registration.fair, today)
    )


def active_people(registration_id: int) -> list[Ticket]:
    stmt = (
        select(Ticket)
        .where(Ticket.registration_id == registration_id, Ticket.revoked_at.is_(None))
        .order_by(Ticket.id)
    )
    return list(db.session.scalars(stmt))


# --- People -------------------------------------------------------------------------------------


def _search_key(name: str, company: str | None) -> str:
    return " ".join(p for p in (name, company or "") if p).casefold()


def _issue(
    fair_id: int,
    role: TicketRole,
    *,
    name: str,
    position: str | None = None,
    email: str | None = None,
    registration: Registration | None = None,
    company_label: str | None = None,
    actor: User | None = None,
) -> Ticket:
    company = registration.company if registration is not None else None
    ticket = Ticket(
        fair_id=fair_id,
        registration_id=registration.id if registration is not None else None,
        company_id=company.id if company is not None else None,
        role=role,
        code=new_code(),
        name=name.strip(),
        position=(position or "").strip() or None,
        email=(email or "").strip() or None,
        company_label=(company_label or "").strip() or None,
        created_by_id=actor.id if actor is not None else None,
    )
    ticket.search_key = _search_key(
        ticket.name, company.display_name if company is not None else ticket.company_label
    )
    db.session.add(ticket)
    return ticket


def _sync_delegation(registration: Registration) -> None:
    """A visitor application's delegation is its people: the attendee lists and exports read
    `delegates`, so they follow every change made here."""
    if registration.role != RegistrationRole.VISITOR:
        return
    registration.delegates = [
        {"name": t.name, "position": t.position or ""} for t in active_people(registration.id)
    ]


def ensure_issued(registration: Registration) -> list[Ticket]:
    """Tickets for an approved visitor delegation named on the application, once: on approval
    (by the handlers), or on first look for applications approved before tickets existed."""
    if registration.status != RegistrationStatus.APPROVED:
        return []
    if registration.role != RegistrationRole.VISITOR:
        return []
    issued = db.session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.registration_id == registration.id)
    )
    if issued:
        return []
    tickets = [
        _issue(
            registration.fair_id,
            TicketRole.VISITOR,
            name=delegate.get("name", ""),
            position=delegate.get("position"),
            registration=registration,
        )
        for delegate in registration.delegates or []
        if (delegate.get("name") or "").strip()
    ]
    db.session.flush()
    return tickets


def _check_open(registration: Registration, today: date | None = None) -> None:
    if not people_open(registration, today):
        raise PeopleClosed(
            _("The list of people can be changed from approval until the fair's last day.")
        )


def add_person(
    registration: Registration,
    *,
    name: str,
    position: str | None = None,
    email: str | None = None,
    actor: User | None,
    today: date | None = None,
) -> Ticket:
    """Name one more person of the application, within its quota, and give them a ticket."""
    lock_fair(registration.fair_id)  # the quota holds when two people add at once
    _check_open(registration, today)
    ensure_issued(registration)
    limit = quota(registration)
    if len(active_people(registration.id)) >= limit:
        raise QuotaReached(_("The application may name at most %(count)d people.", count=limit))
    ticket = _issue(
        registration.fair_id,
        _role_of(registration),
        name=name,
        position=position,
        email=email,
        registration=registration,
        actor=actor,
    )
    db.session.flush()
    record(registration, "person added", actor=actor, changes={"person": [None, ticket.name]})
    _sync_delegation(registration)
    db.session.flush()
    return ticket


def change_person(
    ticket: Ticket,
    *,
    name: str,
    position: str | None,
    email: str | None,
    actor: User | None,
    today: date | None = None,
) -> Ticket:
    """Correct a person's name, position or address; the code (and a printed badge's QR) stays."""
    registration = ticket.registration
    if registration is None or not ticket.active:
        raise PeopleClosed(_("This ticket can no longer be changed."))
    _check_open(registration, today)
    before = {"name": ticket.name, "position": ticket.position, "email": ticket.email}
    ticket.name = name.strip()
    ticket.position = (position or "").strip() or None
    ticket.email = (email or "").strip() or None
    ticket.search_key = _search_key(ticket.name, ticket.company_title)
    after = {"name": ticket.name, "position": ticket.position, "email": ticket.email}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        record(registration, "person changed", actor=actor, changes=changes)
        _sync_delegation(registration)
    db.session.flush()
    return ticket


def _revoke(tickets: Iterable[Ticket], reason: RevokeReason) -> int:
    now = utcnow()
    count = 0
    for ticket in tickets:
        if ticket.revoked_at is None:
            ticket.revoked_at = now
            ticket.revoke_reason = reason
            count += 1
    return count


def remove_person(ticket: Ticket, *, actor: User | None) -> None:
    """Take a person off the list: their ticket is revoked (the door says so)."""
    registration = ticket.registration
    if registration is None:
        raise PeopleClosed(_("This ticket can no longer be changed."))
    _check_open(registration)
    if not ticket.active:
        return
    _revoke([ticket], RevokeReason.REMOVED)
    db.session.flush()
    record(registration, "person removed", actor=actor, changes={"person": [ticket.name, None]})
    _sync_delegation(registration)
    db.session.flush()


def revoke_application(registration: Registration, reason: RevokeReason) -> int:
    """Every ticket of an application that ended (withdrawn or rejected)."""
    stmt = select(Ticket).where(
        Ticket.registration_id == registration.id, Ticket.revoked_at.is_(None)
    )
    count = _revoke(db.session.scalars(stmt), reason)
    db.session.flush()
    return count


def revoke_fair(fair_id: int) -> int:
    """Every ticket of a cancelled fair, the desk's own included."""
    stmt = select(Ticket).where(Ticket.fair_id == fair_id, Ticket.revoked_at.is_(None))
    count = _revoke(db.session.scalars(stmt), RevokeReason.FAIR_CANCELLED)
    db.session.flush()
    return count


def revoke_at_desk(ticket: Ticket, *, actor: User | None) -> None:
    """The organizer takes back a ticket (a walk-in's, or any, e.g. a lost badge)."""
    _revoke([ticket], RevokeReason.REMOVED)
    db.session.flush()
    if ticket.registration is not None:
        record(
            ticket.registration,
            "person removed",
            actor=actor,
            changes={"person": [ticket.name, None]},
        )
        _sync_delegation(ticket.registration)
        db.session.flush()


DESK_ROLES = (TicketRole.VISITOR, TicketRole.PRESS, TicketRole.ORGANIZER)


def register_at_desk(
    fair: Fair,
    *,
    name: str,
    role: TicketRole,
    company_label: str | None = None,
    position: str | None = None,
    email: str | None = None,
    actor: User | None,
    today: date | None = None,
) -> Ticket:
    """A walk-in visitor, a journalist or the organizer's own staff, registered at the desk."""
    if fair.status == FairStatus.CANCELLED or fair_over(fair, today):
        raise DeskClosed(_("The fair is over or cancelled: no new tickets."))
    if role not in DESK_ROLES:
        raise DeskClosed(_("Exhibitors' badges come from their applications."))
    ticket = _issue(
        fair.id,
        role,
        name=name,
        position=position,
        email=email,
        company_label=company_label,
        actor=actor,
    )
    db.session.flush()
    return ticket


def mail_tickets(tickets: Sequence[Ticket], *, actor: User | None) -> int:
    """Send each active ticket with an address its e-ticket (the notifications domain writes
    the mail, in the company's language, on `events.ticket_mailed`)."""
    sent = 0
    for ticket in tickets:
        if not ticket.active or not ticket.email:
            continue
        events.ticket_mailed.send(ticket, actor=actor)
        ticket.emailed_at = utcnow()
        sent += 1
    db.session.flush()
    return sent


# --- The door -----------------------------------------------------------------------------------

# How far back a device's clock is believed for an offline scan (older claims count as now-3d).
OFFLINE_HORIZON = timedelta(days=3)


@dataclass(frozen=True)
class Scan:
    """One scan as a device sends it."""

    scan_id: str
    code: str
    gate: str | None = None
    scanned_at: datetime | None = None
    offline: bool = False


_SCAN_ID = re.compile(r"[0-9A-Za-z\-]{8,36}")


def minsk_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC moments a Minsk calendar day begins and ends."""
    start = datetime.combine(day, time(0), MINSK).astimezone(UTC)
    return start, start + timedelta(days=1)


def _first_entry(ticket_id: int, moment: datetime) -> CheckIn | None:
    """The ticket's first admitted entry on `moment`'s Minsk day. Any admitted entry that day
    counts, even one stamped later than `moment` (a gate whose clock read earlier while it
    waited for the ticket's lock): a ticket is admitted once a day."""
    start, end = minsk_bounds(moment.astimezone(MINSK).date())
    stmt = (
        select(CheckIn)
        .where(
            CheckIn.ticket_id == ticket_id,
            CheckIn.result == ScanResult.VALID,
            CheckIn.scanned_at >= start,
            CheckIn.scanned_at < end,
        )
        .order_by(CheckIn.scanned_at, CheckIn.id)
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def _answer(
    fair: Fair, ticket: Ticket | None, moment: datetime
) -> tuple[ScanResult, CheckIn | None]:
    if ticket is None:
        return ScanResult.UNKNOWN, None
    if ticket.fair_id != fair.id:
        return ScanResult.WRONG_FAIR, None
    if not ticket.active:
        return ScanResult.REVOKED, None
    day = moment.astimezone(MINSK).date()
    if fair.status == FairStatus.CANCELLED or not (fair.starts_on <= day <= fair.ends_on):
        return ScanResult.WRONG_DAY, None
    earlier = _first_entry(ticket.id, moment)
    if earlier is not None:
        return ScanResult.ALREADY_ENTERED, earlier
    return ScanResult.VALID, None


def check_in(fair: Fair, scan: Scan, *, staff: User | None, now: datetime | None = None) -> CheckIn:
    """Answer one scan at the fair's entrance and store it.

    The same `scan_id` sent again (a retry, an offline device catching up) returns the stored
    answer and stores nothing. Scans of one ticket are answered one at a time (its row is
    locked), so two gates never both see a "first entry". An offline scan is judged at the
    device's time (no earlier than OFFLINE_HORIZON ago, no later than now).
    """
    if not _SCAN_ID.fullmatch(scan.scan_id or ""):
        raise ScanRefused(_("The scan has no valid id."))
    stored = _stored(scan.scan_id)
    if stored is not None:
        if stored.fair_id != fair.id:
            raise ScanRefused(_("This scan id belongs to another fair."))
        return stored
    now = now or utcnow()
    moment = scan.scanned_at or now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = min(max(moment, now - OFFLINE_HORIZON), now)
    code = normalize(scan.code)
    ticket = None
    if well_formed(code):
        ticket = db.session.scalars(
            select(Ticket).where(Ticket.code == code).with_for_update()
        ).first()
    result, earlier = _answer(fair, ticket, moment)
    entry = CheckIn(
        scan_id=scan.scan_id,
        fair_id=fair.id,
        ticket_id=ticket.id if ticket is not None else None,
        ticket=ticket,
        code=code or "-",
        result=result,
        gate=(scan.gate or "").strip()[:40] or None,
        staff_id=staff.id if staff is not None else None,
        scanned_at=moment,
        received_at=now,
        offline=scan.offline,
        earlier=earlier,
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        # The same scan arrived twice at once (a retry racing its original): one row.
        stored = _stored(scan.scan_id)
        if stored is None or stored.fair_id != fair.id:
            raise ScanRefused(_("This scan id belongs to another fair.")) from None
        return stored
    return entry


def _stored(scan_id: str) -> CheckIn | None:
    return db.session.scalars(select(CheckIn).where(CheckIn.scan_id == scan_id)).first()


MAX_BATCH = 500


def check_in_many(
    fair: Fair, scans: Sequence[Scan], *, staff: User | None, now: datetime | None = None
) -> dict[str, CheckIn | ScanRefused]:
    """An offline device's queue, answered in the order the scans were made (the first scan of
    a ticket that day is its entry), by scan id. A scan refused (a bad id, another fair's id)
    is answered with its refusal; the rest of the queue goes on."""
    ordered = sorted(scans, key=lambda s: s.scanned_at or datetime.max.replace(tzinfo=UTC))
    answers: dict[str, CheckIn | ScanRefused] = {}
    for scan in ordered:
        if scan.scan_id in answers:
            continue
        try:
            answers[scan.scan_id] = check_in(fair, scan, staff=staff, now=now)
        except ScanRefused as refused:
            answers[scan.scan_id] = refused
    return answers


# --- Applications approved before tickets existed -----------------------------------------------


def ensure_fair_issued(fair: Fair) -> list[Ticket]:
    """Tickets for the fair's approved visitor delegations that have none yet (applications
    approved before tickets existed), once: one statement when there is nothing to issue."""
    issued_any = select(Ticket.id).where(Ticket.registration_id == Registration.id).exists()
    stmt = (
        select(Registration)
        .where(
            Registration.fair_id == fair.id,
            Registration.status == RegistrationStatus.APPROVED,
            Registration.role == RegistrationRole.VISITOR,
            ~issued_any,
        )
        .order_by(Registration.id)
    )
    # A delegation that names nobody has nothing to issue: it is looked at again next time,
    # in the same one statement, and costs nothing more.
    named = [
        registration
        for registration in db.session.scalars(stmt)
        if any((d.get("name") or "").strip() for d in registration.delegates or [])
    ]
    if not named:
        return []
    lock_fair(fair.id)  # two desks opening the page at once issue each delegation once
    return [ticket for registration in named for ticket in ensure_issued(registration)]


def anonymise_people(registration_id: int, placeholder: str) -> None:
    """A deleted company's people: their tickets stay (the fair's numbers count their entries)
    without names, positions or addresses, and none admits anyone any more."""
    tickets = db.session.scalars(select(Ticket).where(Ticket.registration_id == registration_id))
    for ticket in tickets:
        ticket.name, ticket.position, ticket.email = placeholder, None, None
        ticket.search_key = ""
        _revoke([ticket], RevokeReason.REMOVED)
    db.session.flush()
