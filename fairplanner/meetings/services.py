"""The rules of B2B meetings: the programme, joining it, requests and their answers, booking a
slot and a table, the organizer's changes, and what ends a company's meetings.

Every change that books or frees a slot runs under the fair's row lock
(`registrations.services.lock_fair`), re-reads what it decides on, and flushes inside a
savepoint: should another request have booked the same company or table anyway, the database's
keys refuse it and the caller gets `SlotTaken`, with nothing half-booked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from fairplanner import events
from fairplanner.accounts.models import Company, User
from fairplanner.catalogue.models import Fair, FairStatus, Sector
from fairplanner.db import utcnow
from fairplanner.display import company_name
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.meetings import queries
from fairplanner.meetings.models import (
    AGREED_STATES,
    OPEN_STATES,
    Audience,
    Block,
    CancelCause,
    FollowUp,
    Meeting,
    MeetingState,
    MeetingTable,
    Outcome,
    Participant,
    Programme,
    Scheduling,
    Seat,
    participant_sectors,
)
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus
from fairplanner.registrations.services import lock_fair

log = logging.getLogger(__name__)

MAX_TEXT = 2000
MAX_PROPOSED = 10
ATTENDEES_MAX = 10


class MeetingError(DomainError):
    """A meeting rule refused the action (422)."""


class NotAllowed(DomainError):
    status_code = 403


class SlotTaken(DomainError):
    """The slot went to someone else meanwhile (409)."""

    status_code = 409


class TooMany(DomainError):
    status_code = 429


# --- the programme ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """An organizer's choices for a fair's B2B programme (the form's, or the API's)."""

    days: Sequence[date]
    day_starts: time
    day_ends: time
    slot_minutes: int
    request_deadline: datetime
    max_meetings: int
    breaks: Sequence[tuple[time, time]] = ()
    max_pending: int = 20
    requests_per_hour: int = 10
    audience: Audience = Audience.BOTH
    scheduling: Scheduling = Scheduling.PARTICIPANTS
    open: bool = True


SLOT_MINUTES = (10, 15, 20, 25, 30, 40, 45, 60, 90)


def _check_settings(fair: Fair, settings: Settings) -> None:
    if not settings.days:
        raise MeetingError(_("Choose at least one meeting day."))
    outside = [day for day in settings.days if not fair.starts_on <= day <= fair.ends_on]
    if outside:
        raise MeetingError(_("Meeting days must be days of the fair."))
    if settings.slot_minutes not in SLOT_MINUTES:
        raise MeetingError(_("Choose a slot length from the list."))
    if settings.day_starts >= settings.day_ends:
        raise MeetingError(_("The meeting day must end after it starts."))
    for start, end in settings.breaks:
        if start >= end:
            raise MeetingError(_("A break must end after it starts."))
        if start < settings.day_starts or end > settings.day_ends:
            raise MeetingError(_("A break must lie within the meeting day."))
    if not 1 <= settings.max_meetings <= 100:
        raise MeetingError(_("The meetings per company must be between 1 and 100."))
    if not 1 <= settings.max_pending <= 200:
        raise MeetingError(_("The open requests per company must be between 1 and 200."))
    if not 1 <= settings.requests_per_hour <= 200:
        raise MeetingError(_("The requests per hour must be between 1 and 200."))
    last = datetime.combine(max(settings.days), settings.day_ends, UTC) + timedelta(days=1)
    if settings.request_deadline.tzinfo is None or settings.request_deadline > last:
        raise MeetingError(_("The request deadline must be before the last meeting day ends."))


def save_programme(fair: Fair, settings: Settings, *, actor: User) -> Programme:
    """Create or change `fair`'s programme. A change that would drop the slot or the day of a
    scheduled meeting is refused: the organizer moves or cancels those meetings first."""
    if fair.status == FairStatus.CANCELLED:
        raise MeetingError(_("This fair has been cancelled."))
    _check_settings(fair, settings)
    lock_fair(fair.id)
    programme = db.session.scalar(queries.programme(fair.id))
    if programme is None:
        programme = Programme(fair_id=fair.id)
        db.session.add(programme)
    programme.days = sorted(day.isoformat() for day in set(settings.days))
    programme.day_starts = settings.day_starts
    programme.day_ends = settings.day_ends
    programme.breaks = [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in settings.breaks]
    programme.slot_minutes = settings.slot_minutes
    programme.request_deadline = settings.request_deadline
    programme.max_meetings = settings.max_meetings
    programme.max_pending = settings.max_pending
    programme.requests_per_hour = settings.requests_per_hour
    programme.audience = settings.audience
    programme.scheduling = settings.scheduling
    programme.open = settings.open
    slots = set(programme.slots())
    stranded = db.session.scalar(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.fair_id == fair.id, Meeting.state == MeetingState.SCHEDULED)
        .where(Meeting.starts_at.not_in(slots) if slots else db.true())
    )
    if stranded:
        raise MeetingError(
            _(
                "%(count)s scheduled meetings would lose their slot: move or cancel them first.",
                count=stranded,
            )
        )
    db.session.flush()
    log.info("meeting programme of fair %s saved by %s", fair.id, actor.id)
    return programme


@dataclass(frozen=True)
class TableRow:
    name: str
    hall: str | None = None


def save_tables(fair: Fair, rows: Sequence[TableRow], *, actor: User) -> list[MeetingTable]:
    """Make the fair's tables the `rows`, in their order. A table is known by its name: one
    left out is taken out of use, which is refused while it holds a scheduled meeting."""
    names = [" ".join(row.name.split()) for row in rows]
    if any(not name for name in names):
        raise MeetingError(_("Every table needs a name."))
    if len({name.casefold() for name in names}) != len(names):
        raise MeetingError(_("Two tables have the same name."))
    if any(
        len(name) > 60 or len(row.hall or "") > 60 for name, row in zip(names, rows, strict=True)
    ):
        raise MeetingError(_("A table's name and hall may be at most 60 characters."))
    lock_fair(fair.id)
    existing = {t.name: t for t in db.session.scalars(queries.tables(fair.id, active=None))}
    for position, (name, row) in enumerate(zip(names, rows, strict=True)):
        table = existing.pop(name, None) or MeetingTable(fair_id=fair.id, name=name)
        table.hall = " ".join((row.hall or "").split()) or None
        table.position = position
        table.active = True
        db.session.add(table)
    for table in existing.values():
        if db.session.scalar(queries.table_in_use(table.id)):
            raise MeetingError(
                _(
                    "The table %(name)s holds scheduled meetings: move them first.",
                    name=table.name,
                )
            )
        table.active = False
    db.session.flush()
    log.info("meeting tables of fair %s saved by %s", fair.id, actor.id)
    return list(db.session.scalars(queries.tables(fair.id)))


# --- participants ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What a company says of itself for one fair's meetings."""

    offers_ru: str = ""
    offers_en: str = ""
    seeks_ru: str = ""
    seeks_en: str = ""
    offer_sector_ids: Sequence[int] = ()
    seek_sector_ids: Sequence[int] = ()
    languages: Sequence[str] = ("ru",)
    attendees: Sequence[dict[str, str]] = ()
    phone: str | None = None
    email: str | None = None
    unavailable: Iterable[datetime] = field(default_factory=tuple)


def _roles(audience: Audience) -> tuple[RegistrationRole, ...]:
    if audience == Audience.EXHIBITORS:
        return (RegistrationRole.EXHIBITOR,)
    if audience == Audience.VISITORS:
        return (RegistrationRole.VISITOR,)
    return (RegistrationRole.EXHIBITOR, RegistrationRole.VISITOR)


def qualifying_registration(programme: Programme, company_id: int) -> Registration | None:
    """The company's approved application that lets it take part, exhibitor first."""
    return db.session.scalar(
        select(Registration)
        .where(
            Registration.fair_id == programme.fair_id,
            Registration.company_id == company_id,
            Registration.status == RegistrationStatus.APPROVED,
            Registration.role.in_(_roles(programme.audience)),
        )
        .order_by(Registration.role)
        .limit(1)
    )


def _check_open(programme: Programme, now: datetime) -> None:
    if programme.fair.status == FairStatus.CANCELLED:
        raise MeetingError(_("This fair has been cancelled."))
    if not programme.open:
        raise MeetingError(_("The organizer has closed the B2B programme."))
    if now > programme.request_deadline:
        raise MeetingError(_("The deadline for meeting requests has passed."))


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise MeetingError(_("A text may be at most %(max)s characters.", max=MAX_TEXT))
    return value or None


def _apply_profile(participant: Participant, programme: Programme, profile: Profile) -> None:
    participant.offers_ru = _clean(profile.offers_ru)
    participant.offers_en = _clean(profile.offers_en)
    participant.seeks_ru = _clean(profile.seeks_ru)
    participant.seeks_en = _clean(profile.seeks_en)
    if not (participant.offers_ru or participant.offers_en) and not (
        participant.seeks_ru or participant.seeks_en
    ):
        raise MeetingError(_("Say what your company offers or what it seeks."))
    attendees = [
        {
            "name": " ".join(a.get("name", "").split()),
            "position": " ".join(a.get("position", "").split()),
        }
        for a in profile.attendees
        if a.get("name", "").strip()
    ]
    if len(attendees) > ATTENDEES_MAX:
        raise MeetingError(_("Name at most %(max)s people.", max=ATTENDEES_MAX))
    participant.attendees = attendees
    participant.languages = sorted(set(profile.languages)) or ["ru"]
    participant.phone = profile.phone or None
    participant.email = profile.email or None
    slots = set(programme.slots())
    unavailable = sorted(set(profile.unavailable))
    if any(slot not in slots for slot in unavailable):
        raise MeetingError(_("An unavailable time is not a slot of this programme."))
    if participant.id is not None:
        booked = set(db.session.scalars(queries.seats_of(participant.id)))
        if booked & set(unavailable):
            raise MeetingError(
                _("You have a scheduled meeting at a time you marked as unavailable.")
            )
    participant.unavailable = [slot.isoformat() for slot in unavailable]
    db.session.flush()
    db.session.execute(
        delete(participant_sectors).where(participant_sectors.c.participant_id == participant.id)
    )
    known = set(db.session.scalars(select(Sector.id)))
    rows = [
        {"participant_id": participant.id, "sector_id": sector_id, "kind": kind}
        for kind, ids in (("offer", profile.offer_sector_ids), ("seek", profile.seek_sector_ids))
        for sector_id in sorted(set(ids))
        if sector_id in known
    ]
    if rows:
        db.session.execute(insert(participant_sectors), rows)
    db.session.expire(participant, ["offer_sectors", "seek_sectors"])


def join(
    fair: Fair, company: Company, profile: Profile, *, actor: User, now: datetime | None = None
) -> Participant:
    """Enter `company` in the fair's B2B programme (again, if it had left)."""
    now = now or utcnow()
    lock_fair(fair.id)
    programme = db.session.scalar(queries.programme(fair.id))
    if programme is None:
        raise MeetingError(_("This fair has no B2B meeting programme."))
    _check_open(programme, now)
    registration = qualifying_registration(programme, company.id)
    if registration is None:
        raise NotAllowed(
            _("Only companies with an approved application may take part in the B2B meetings.")
        )
    participant = db.session.scalar(queries.participant_of(fair.id, company.id))
    if participant is None:
        participant = Participant(fair_id=fair.id, company_id=company.id)
        db.session.add(participant)
    participant.registration_id = registration.id
    participant.active = True
    _apply_profile(participant, programme, profile)
    log.info("company %s joined the meetings of fair %s", company.id, fair.id)
    return participant


def update_profile(participant: Participant, profile: Profile, *, actor: User) -> Participant:
    lock_fair(participant.fair_id)
    db.session.refresh(participant)
    if not participant.active:
        raise MeetingError(_("Your company no longer takes part in these meetings."))
    programme = db.session.scalars(queries.programme(participant.fair_id)).one()
    _apply_profile(participant, programme, profile)
    return participant


def leave(participant: Participant, *, actor: User) -> None:
    """The company leaves the programme: its open requests and meetings are cancelled."""
    lock_fair(participant.fair_id)
    _end(participant, actor=actor, cause=CancelCause.LEFT)


# --- requests --------------------------------------------------------------------------------


def _programme_of(meeting_or_participant: Meeting | Participant) -> Programme:
    return db.session.scalars(queries.programme(meeting_or_participant.fair_id)).one()


def _slots(programme: Programme, values: Iterable[datetime]) -> list[datetime]:
    known = set(programme.slots())
    slots = sorted(set(values))
    if any(slot not in known for slot in slots):
        raise MeetingError(_("A proposed time is not a slot of this programme."))
    if len(slots) > MAX_PROPOSED:
        raise MeetingError(_("Propose at most %(max)s times.", max=MAX_PROPOSED))
    return slots


def free_slots(programme: Programme, *participants: Participant) -> list[datetime]:
    """The programme's slots at which all `participants` are free (not unavailable, no
    meeting), and at which a table is free."""
    busy: set[datetime] = set()
    for participant in participants:
        busy |= participant.unavailable_slots
        busy |= set(db.session.scalars(queries.seats_of(participant.id)))
    full = set(db.session.scalars(queries.full_slots(programme.fair_id)))
    return [slot for slot in programme.slots() if slot not in busy and slot not in full]


def _agreed_count(participant_id: int, *, besides: int | None = None) -> int:
    return db.session.scalar(queries.agreed_count(participant_id, besides=besides)) or 0


def request_meeting(
    requester: Participant,
    recipient: Participant,
    *,
    message: str | None,
    slots: Iterable[datetime] = (),
    actor: User,
    now: datetime | None = None,
) -> Meeting:
    """Ask `recipient` for a meeting, proposing `slots` free for both (needed where the
    participants agree on the time; ignored where the organizer schedules)."""
    now = now or utcnow()
    lock_fair(requester.fair_id)
    db.session.refresh(requester)
    db.session.refresh(recipient)
    programme = _programme_of(requester)
    _check_open(programme, now)
    if requester.fair_id != recipient.fair_id or requester.id == recipient.id:
        raise MeetingError(_("Choose another participant of this fair."))
    if not requester.active:
        raise MeetingError(_("Your company no longer takes part in these meetings."))
    if not recipient.active:
        raise MeetingError(_("This company no longer takes part in these meetings."))
    if db.session.get(Block, (recipient.id, requester.company_id)) is not None:
        raise NotAllowed(_("This company does not take requests from yours."))
    if db.session.scalar(queries.open_between(requester.id, recipient.id)) is not None:
        raise MeetingError(_("There is already a request or a meeting between your companies."))
    if (db.session.scalar(queries.pending_sent(requester.id)) or 0) >= programme.max_pending:
        raise TooMany(
            _(
                "Your company has %(count)s requests waiting for an answer: wait for answers "
                "before sending more.",
                count=programme.max_pending,
            )
        )
    since = now - timedelta(hours=1)
    if (db.session.scalar(queries.sent_since(requester.id, since)) or 0) >= (
        programme.requests_per_hour
    ):
        raise TooMany(_("Too many requests in the last hour. Please try again later."))
    for side in (requester, recipient):
        if _agreed_count(side.id) >= programme.max_meetings:
            raise MeetingError(
                _("Your agenda is full.")
                if side is requester
                else _("This company's agenda is full.")
            )
    proposed: list[datetime] = []
    if programme.scheduling == Scheduling.PARTICIPANTS:
        proposed = _slots(programme, slots)
        if not proposed:
            raise MeetingError(_("Propose at least one time."))
        free = set(free_slots(programme, requester, recipient))
        if any(slot not in free for slot in proposed):
            raise SlotTaken(_("One of the proposed times is no longer free for both of you."))
    meeting = Meeting(
        fair_id=requester.fair_id,
        requester=requester,
        recipient=recipient,
        message=_clean(message),
        proposed=[slot.isoformat() for slot in proposed],
        proposed_by=requester,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(meeting)
    db.session.flush()
    events.meeting_requested.send(meeting, actor=actor)
    log.info("meeting %s requested: %s -> %s", meeting.id, requester.id, recipient.id)
    return meeting


def _lock(meeting: Meeting) -> Programme:
    lock_fair(meeting.fair_id)
    db.session.refresh(meeting)
    return _programme_of(meeting)


def _answering(meeting: Meeting, participant: Participant) -> None:
    """Only the side the request waits for may answer it."""
    if not meeting.involves(participant.id):
        raise NotAllowed(_("This request is not addressed to your company."))
    if meeting.state != MeetingState.REQUESTED:
        raise MeetingError(_("This request has already been answered."))
    if meeting.proposed_by_id == participant.id:
        raise MeetingError(_("The other company has not answered yet."))


def accept(
    meeting: Meeting,
    participant: Participant,
    *,
    slot: datetime | None,
    actor: User,
    now: datetime | None = None,
) -> Meeting:
    """Accept a request: at one of the proposed slots where the participants agree on the time,
    without one where the organizer schedules."""
    programme = _lock(meeting)
    _answering(meeting, participant)
    if not meeting.requester.active or not meeting.recipient.active:
        raise MeetingError(_("This company no longer takes part in these meetings."))
    for side in (meeting.requester, meeting.recipient):
        if _agreed_count(side.id) >= programme.max_meetings:
            raise MeetingError(
                _("Your agenda is full.")
                if side.id == participant.id
                else _("The other company's agenda is full.")
            )
    if programme.scheduling == Scheduling.ORGANIZER:
        meeting.state = MeetingState.ACCEPTED
        meeting.proposed = []
        db.session.flush()
        events.meeting_answered.send(meeting, actor=actor, answer="accepted")
        return meeting
    if slot is None or slot not in meeting.proposed_slots:
        raise MeetingError(_("Choose one of the proposed times."))
    _book(meeting, programme, slot, table=None)
    meeting.proposed = []
    db.session.flush()
    events.meeting_answered.send(meeting, actor=actor, answer="accepted")
    events.meeting_scheduled.send(meeting, actor=actor, previous=None)
    log.info("meeting %s accepted for %s", meeting.id, slot.isoformat())
    return meeting


def decline(
    meeting: Meeting, participant: Participant, *, reason: str | None, actor: User
) -> Meeting:
    _lock(meeting)
    _answering(meeting, participant)
    meeting.state = MeetingState.DECLINED
    meeting.decline_reason = _clean(reason)
    db.session.flush()
    events.meeting_answered.send(meeting, actor=actor, answer="declined")
    return meeting


def propose(
    meeting: Meeting, participant: Participant, *, slots: Iterable[datetime], actor: User
) -> Meeting:
    """Answer a request with other times; the other side then accepts one or proposes again."""
    programme = _lock(meeting)
    _answering(meeting, participant)
    if programme.scheduling == Scheduling.ORGANIZER:
        raise MeetingError(_("The organizer sets the times of the meetings at this fair."))
    proposed = _slots(programme, slots)
    if not proposed:
        raise MeetingError(_("Propose at least one time."))
    free = set(free_slots(programme, meeting.requester, meeting.recipient))
    if any(slot not in free for slot in proposed):
        raise SlotTaken(_("One of the proposed times is no longer free for both of you."))
    meeting.proposed = [slot.isoformat() for slot in proposed]
    meeting.proposed_by = participant
    db.session.flush()
    events.meeting_answered.send(meeting, actor=actor, answer="proposed")
    return meeting


# --- booking ---------------------------------------------------------------------------------


def _book(
    meeting: Meeting, programme: Programme, slot: datetime, *, table: MeetingTable | None
) -> None:
    """Give `meeting` the slot and a table (the first free one unless `table`), under the lock
    the caller holds. Its earlier seats are released first."""
    if slot not in set(programme.slots()):
        raise MeetingError(_("This time is not a slot of this programme."))
    for side in (meeting.requester, meeting.recipient):
        if slot in side.unavailable_slots:
            raise SlotTaken(
                _("%(company)s is not available at this time.", company=company_name(side.company))
            )
        holder = db.session.get(Seat, (side.id, slot))
        if holder is not None and holder.meeting_id != meeting.id:
            raise SlotTaken(
                _(
                    "%(company)s already has a meeting at this time.",
                    company=company_name(side.company),
                )
            )
    if table is None:
        table = db.session.scalar(queries.free_table(programme.fair_id, slot, besides=meeting.id))
        if table is None:
            raise SlotTaken(_("No table is free at this time."))
    elif not table.active or table.fair_id != meeting.fair_id:
        raise MeetingError(_("Choose a table of this fair."))
    elif db.session.scalar(queries.table_taken(table.id, slot, besides=meeting.id)):
        raise SlotTaken(_("This table is taken at this time."))
    try:
        with db.session.begin_nested():
            db.session.execute(delete(Seat).where(Seat.meeting_id == meeting.id))
            meeting.state = MeetingState.SCHEDULED
            meeting.starts_at = slot
            meeting.ends_at = slot + programme.length
            meeting.table = table
            meeting.sequence += 1
            db.session.flush()
            db.session.add_all(
                [
                    Seat(participant_id=side_id, starts_at=slot, meeting_id=meeting.id)
                    for side_id in (meeting.requester_id, meeting.recipient_id)
                ]
            )
            db.session.flush()
    except IntegrityError as exc:
        raise SlotTaken(
            _("This time was booked by someone else just now. Choose another.")
        ) from exc


def place(
    meeting: Meeting,
    *,
    starts_at: datetime,
    table: MeetingTable | None = None,
    actor: User,
    locked: bool = False,
) -> Meeting:
    """The organizer gives an agreed meeting a time and table, or moves it (both sides hear,
    and their calendars show the new time with a higher SEQUENCE)."""
    programme = _programme_of(meeting) if locked else _lock(meeting)
    if meeting.state not in AGREED_STATES:
        raise MeetingError(_("Only accepted meetings can be scheduled."))
    previous = (meeting.starts_at, meeting.table_id) if meeting.starts_at else None
    if table is not None and previous == (starts_at, table.id):
        return meeting  # nothing moves
    _book(meeting, programme, starts_at, table=table)
    db.session.flush()
    events.meeting_scheduled.send(meeting, actor=actor, previous=previous)
    log.info("meeting %s placed at %s by %s", meeting.id, starts_at.isoformat(), actor.id)
    return meeting


def create_meeting(
    fair: Fair,
    a: Participant,
    b: Participant,
    *,
    starts_at: datetime | None,
    table: MeetingTable | None = None,
    actor: User,
) -> Meeting:
    """The organizer books a meeting between two participants (with or without a time)."""
    lock_fair(fair.id)
    programme = db.session.scalar(queries.programme(fair.id))
    if programme is None:
        raise MeetingError(_("This fair has no B2B meeting programme."))
    if a.fair_id != fair.id or b.fair_id != fair.id or a.id == b.id:
        raise MeetingError(_("Choose two different participants of this fair."))
    if not (a.active and b.active):
        raise MeetingError(_("This company no longer takes part in these meetings."))
    if db.session.scalar(queries.open_between(a.id, b.id)) is not None:
        raise MeetingError(_("There is already a request or a meeting between these companies."))
    for side in (a, b):
        if _agreed_count(side.id) >= programme.max_meetings:
            raise MeetingError(
                _("The agenda of %(company)s is full.", company=company_name(side.company))
            )
    meeting = Meeting(
        fair_id=fair.id,
        requester=a,
        recipient=b,
        state=MeetingState.ACCEPTED,
        created_by_id=actor.id,
    )
    db.session.add(meeting)
    db.session.flush()
    if starts_at is not None:
        _book(meeting, programme, starts_at, table=table)
        db.session.flush()
        events.meeting_scheduled.send(meeting, actor=actor, previous=None)
    else:
        events.meeting_answered.send(meeting, actor=actor, answer="accepted")
    log.info("meeting %s created by organizer %s", meeting.id, actor.id)
    return meeting


def cancel(
    meeting: Meeting,
    *,
    actor: User | None,
    reason: str | None = None,
    by: Participant | None = None,
    cause: CancelCause | None = None,
    locked: bool = False,
) -> Meeting:
    """Cancel a request or a meeting: by one of its sides (`by`), by the organizer, or as the
    consequence `cause` of another change."""
    if not locked:
        _lock(meeting)
    if by is not None and not meeting.involves(by.id):
        raise NotAllowed(_("This meeting is not your company's."))
    if meeting.state not in OPEN_STATES:
        raise MeetingError(_("This meeting is no longer open."))
    previous = meeting.state
    db.session.execute(delete(Seat).where(Seat.meeting_id == meeting.id))
    meeting.state = MeetingState.CANCELLED
    meeting.cancel_reason = _clean(reason)
    meeting.cancel_cause = cause or (CancelCause.PARTICIPANT if by else CancelCause.ORGANIZER)
    meeting.cancelled_by_id = actor.id if actor else None
    meeting.sequence += 1
    db.session.flush()
    events.meeting_cancelled.send(
        meeting, actor=actor, previous=previous, reason=meeting.cancel_reason
    )
    log.info("meeting %s cancelled (was %s)", meeting.id, previous)
    return meeting


def mark_outcome(meeting: Meeting, outcome: Outcome | None, *, actor: User) -> Meeting:
    """The organizer's staff note on the day whether a scheduled meeting was held."""
    if meeting.state != MeetingState.SCHEDULED:
        raise MeetingError(_("Only scheduled meetings can be marked."))
    meeting.outcome = outcome
    db.session.flush()
    return meeting


def report_follow_up(
    meeting: Meeting,
    participant: Participant,
    follow_up: FollowUp,
    *,
    actor: User,
    now: datetime | None = None,
) -> Meeting:
    """A side says, once the meeting's time has come, whether it took place and what came of it."""
    now = now or utcnow()
    if not meeting.involves(participant.id):
        raise NotAllowed(_("This meeting is not your company's."))
    if meeting.state != MeetingState.SCHEDULED or meeting.starts_at is None:
        raise MeetingError(_("Only scheduled meetings can be reported on."))
    if now < meeting.starts_at:
        raise MeetingError(_("You can report on a meeting once it has begun."))
    if participant.id == meeting.requester_id:
        meeting.requester_follow_up = follow_up
    else:
        meeting.recipient_follow_up = follow_up
    db.session.flush()
    return meeting


def block(participant: Participant, company_id: int, *, actor: User) -> None:
    """Take no more requests from `company_id`; its waiting requests are declined."""
    if company_id == participant.company_id:
        raise MeetingError(_("Choose another participant of this fair."))
    lock_fair(participant.fair_id)
    if db.session.get(Block, (participant.id, company_id)) is None:
        db.session.add(Block(participant_id=participant.id, company_id=company_id))
    for meeting in db.session.scalars(queries.waiting_from(participant.id, company_id)):
        meeting.state = MeetingState.DECLINED
        db.session.flush()
        events.meeting_answered.send(meeting, actor=actor, answer="declined")
    db.session.flush()


def unblock(participant: Participant, company_id: int, *, actor: User) -> None:
    db.session.execute(
        delete(Block).where(Block.participant_id == participant.id, Block.company_id == company_id)
    )


# --- what ends a company's meetings ------------------------------------------------------------


def _end(participant: Participant, *, actor: User | None, cause: CancelCause) -> None:
    """Cancel the participant's open requests and meetings (the caller holds the fair's lock)."""
    for meeting in db.session.scalars(queries.open_of(participant.id)):
        cancel(meeting, actor=actor, cause=cause, locked=True)
    participant.active = False
    db.session.flush()


def end_company(fair_id: int, company_id: int) -> None:
    """The company's application ended: if no other approved one lets it take part, it leaves
    the programme and its partners are told."""
    participant = db.session.scalar(queries.participant_of(fair_id, company_id))
    if participant is None or not participant.active:
        return
    programme = db.session.scalars(queries.programme(fair_id)).one()
    if qualifying_registration(programme, company_id) is not None:
        return
    _end(participant, actor=None, cause=CancelCause.APPLICATION)


def end_fair(fair_id: int) -> None:
    """The fair was cancelled: every open request and meeting of it is cancelled."""
    for participant in db.session.scalars(queries.participants(fair_id)):
        _end(participant, actor=None, cause=CancelCause.FAIR)
