"""The B2B programme of a fair, its tables, participants and meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.accounts.models import Company, User
from fairplanner.cache import cover
from fairplanner.catalogue.models import Fair, Sector
from fairplanner.db import UTCDateTime, db_enum, utcnow
from fairplanner.extensions import db
from fairplanner.i18n import MINSK
from fairplanner.registrations.models import Registration
from fairplanner.titles import TitledEnum


class Audience(TitledEnum):
    """Whose approved applications may join the programme."""

    BOTH = "both"
    EXHIBITORS = "exhibitors"
    VISITORS = "visitors"
    __titles__ = MappingProxyType(
        {
            BOTH: _l("Exhibitors and visitors"),
            EXHIBITORS: _l("Exhibitors only"),
            VISITORS: _l("Visitors and delegations only"),
        }
    )


class Scheduling(TitledEnum):
    """Who gives an accepted meeting its time."""

    PARTICIPANTS = "participants"
    ORGANIZER = "organizer"
    __titles__ = MappingProxyType(
        {
            PARTICIPANTS: _l("Participants agree on a time when they accept"),
            ORGANIZER: _l("Participants accept; the organizer schedules the meetings"),
        }
    )


class MeetingState(TitledEnum):
    REQUESTED = "requested"  # waiting for the other side (or for the requester's answer)
    ACCEPTED = "accepted"  # agreed, waiting for the organizer's scheduler to give a time
    SCHEDULED = "scheduled"  # has a slot and a table
    DECLINED = "declined"
    CANCELLED = "cancelled"
    __titles__ = MappingProxyType(
        {
            REQUESTED: _l("Requested"),
            ACCEPTED: _l("Accepted, time to be set"),
            SCHEDULED: _l("Scheduled"),
            DECLINED: _l("Declined"),
            CANCELLED: _l("Cancelled"),
        }
    )


OPEN_STATES = (MeetingState.REQUESTED, MeetingState.ACCEPTED, MeetingState.SCHEDULED)
# A company's agenda counts these against the programme's maximum per company.
AGREED_STATES = (MeetingState.ACCEPTED, MeetingState.SCHEDULED)


class Outcome(TitledEnum):
    """What the organizer's staff saw on the day."""

    HELD = "held"
    NO_SHOW = "no-show"
    __titles__ = MappingProxyType({HELD: _l("Held"), NO_SHOW: _l("No-show")})


class FollowUp(TitledEnum):
    """What a participant says came of a meeting, after the fair."""

    NOT_HELD = "not-held"
    NONE = "none"
    CONTACT = "contact"
    CONTRACT = "contract"
    __titles__ = MappingProxyType(
        {
            NOT_HELD: _l("The meeting did not take place"),
            NONE: _l("It took place, nothing further so far"),
            CONTACT: _l("It led to further contact"),
            CONTRACT: _l("It led to a contract"),
        }
    )


class CancelCause(TitledEnum):
    """Why a request or meeting was cancelled; shown to each side in its own language."""

    PARTICIPANT = "participant"  # one side cancelled
    ORGANIZER = "organizer"
    LEFT = "left"  # a company left the programme
    APPLICATION = "application"  # a company's application was withdrawn or rejected
    FAIR = "fair"  # the fair was cancelled
    __titles__ = MappingProxyType(
        {
            PARTICIPANT: _l("Cancelled by the other company"),
            ORGANIZER: _l("Cancelled by the organizer"),
            LEFT: _l("A company left the B2B programme"),
            APPLICATION: _l("A company's application to the fair ended"),
            FAIR: _l("The fair has been cancelled"),
        }
    )


HELD_FOLLOW_UPS = (FollowUp.NONE, FollowUp.CONTACT, FollowUp.CONTRACT)

# The meetings' own cache generation: the private feeds, agendas and the organizer's grid.
GENERATION = "meetings"


class Programme(db.Model):
    """A fair's B2B meeting programme: when meetings happen and who may take part."""

    __tablename__ = "meeting_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), unique=True)
    # Participants may join and send requests (the organizer closes it to freeze the grid).
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    # ISO dates, a subset of the fair's days, sorted.
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Each meeting day's window and breaks, in Minsk time.
    day_starts: Mapped[time] = mapped_column(Time)
    day_ends: Mapped[time] = mapped_column(Time)
    breaks: Mapped[list[list[str]]] = mapped_column(JSON, default=list)  # [["13:00", "14:00"]]
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    # After it no request may be sent; the answer to one still may.
    request_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    max_meetings: Mapped[int] = mapped_column(Integer, default=10)
    max_pending: Mapped[int] = mapped_column(Integer, default=20)
    requests_per_hour: Mapped[int] = mapped_column(Integer, default=10)
    audience: Mapped[Audience] = mapped_column(db_enum(Audience), default=Audience.BOTH)
    scheduling: Mapped[Scheduling] = mapped_column(
        db_enum(Scheduling), default=Scheduling.PARTICIPANTS
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    fair: Mapped[Fair] = relationship()
    tables: Mapped[list[MeetingTable]] = relationship(
        primaryjoin="Programme.fair_id == foreign(MeetingTable.fair_id)",
        order_by="MeetingTable.position, MeetingTable.id",
        viewonly=True,
    )

    @property
    def day_dates(self) -> list[date]:
        return [date.fromisoformat(day) for day in self.days]

    def break_times(self) -> list[tuple[time, time]]:
        return [(time.fromisoformat(start), time.fromisoformat(end)) for start, end in self.breaks]

    def slots_of(self, day: date) -> list[datetime]:
        """The slot starts of one meeting day, as aware UTC datetimes, in order."""
        length = timedelta(minutes=self.slot_minutes)
        breaks = [
            (datetime.combine(day, a, MINSK), datetime.combine(day, b, MINSK))
            for a, b in self.break_times()
        ]
        start = datetime.combine(day, self.day_starts, MINSK)
        end = datetime.combine(day, self.day_ends, MINSK)
        slots = []
        while start + length <= end:
            clash = next((b for a, b in breaks if start < b and a < start + length), None)
            if clash is not None:
                start = clash  # the next slot starts when the break ends
                continue
            slots.append(start.astimezone(UTC))
            start += length
        return slots

    def slots(self) -> list[datetime]:
        """Every slot start of the programme (aware UTC), in order."""
        return [slot for day in self.day_dates for slot in self.slots_of(day)]

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)


class MeetingTable(db.Model):
    """A table or meeting point, named as the hall staff know it."""

    __tablename__ = "meeting_tables"
    __table_args__ = (UniqueConstraint("fair_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    hall: Mapped[str | None] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A table taken out of use keeps its past meetings; it gets no new ones.
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def place(self) -> str:
        """ "Стол 4, Павильон 1" — the table with its hall, as LOCATION and agendas show it."""
        return f"{self.name}, {self.hall}" if self.hall else self.name


participant_sectors = Table(
    "meeting_participant_sectors",
    db.metadata,
    Column(
        "participant_id",
        ForeignKey("meeting_participants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("sector_id", ForeignKey("sectors.id"), primary_key=True, index=True),
    # "offer" or "seek"
    Column("kind", String(5), primary_key=True),
)


class Participant(db.Model):
    """A company in one fair's B2B programme, with its profile for that fair."""

    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("fair_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    # The approved application that lets it take part.
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    offers_ru: Mapped[str | None] = mapped_column(Text)
    offers_en: Mapped[str | None] = mapped_column(Text)
    seeks_ru: Mapped[str | None] = mapped_column(Text)
    seeks_en: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # "ru", "en", "be", ...
    # The people who will attend: [{"name": ..., "position": ...}]
    attendees: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # Revealed to a partner once a meeting between them is accepted.
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    # Slot starts it cannot meet at, as ISO UTC strings ("2026-05-12T07:00:00+00:00").
    unavailable: Mapped[list[str]] = mapped_column(JSON, default=list)
    # False once it left, or its application was withdrawn or rejected, or the fair cancelled.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    company: Mapped[Company] = relationship()
    fair: Mapped[Fair] = relationship()
    registration: Mapped[Registration] = relationship()
    offer_sectors: Mapped[list[Sector]] = relationship(
        secondary=participant_sectors,
        secondaryjoin=lambda: db.and_(
            participant_sectors.c.sector_id == Sector.id, participant_sectors.c.kind == "offer"
        ),
        order_by=Sector.code,
        viewonly=True,
    )
    seek_sectors: Mapped[list[Sector]] = relationship(
        secondary=participant_sectors,
        secondaryjoin=lambda: db.and_(
            participant_sectors.c.sector_id == Sector.id, participant_sectors.c.kind == "seek"
        ),
        order_by=Sector.code,
        viewonly=True,
    )

    @property
    def attendee_lines(self) -> list[str]:
        """ "Name (position)" for each person who will attend, as calendars and mails list them."""
        return [
            f"{a['name']} ({a['position']})" if a.get("position") else a["name"]
            for a in self.attendees or ()
            if a.get("name")
        ]

    @property
    def unavailable_slots(self) -> frozenset[datetime]:
        return frozenset(datetime.fromisoformat(value) for value in self.unavailable)


_scheduled_sql = "state = 'scheduled'"


class Meeting(db.Model):
    """A request for a meeting between two participants, and the meeting it becomes."""

    __tablename__ = "meetings"
    __table_args__ = (
        # A table holds one meeting per slot (the seats below hold the companies).
        Index(
            "uq_meetings_table_slot",
            "table_id",
            "starts_at",
            unique=True,
            sqlite_where=db.text(_scheduled_sql),
            postgresql_where=db.text(_scheduled_sql),
        ),
        Index("ix_meetings_fair_state", "fair_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("meeting_participants.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("meeting_participants.id"), index=True)
    state: Mapped[MeetingState] = mapped_column(
        db_enum(MeetingState), default=MeetingState.REQUESTED
    )
    message: Mapped[str | None] = mapped_column(Text)
    # The slots on offer (ISO UTC strings) and who offered them: the other side answers.
    proposed: Mapped[list[str]] = mapped_column(JSON, default=list)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_participants.id"))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    table_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_tables.id"), index=True)
    # The calendar SEQUENCE: grows with every change the calendars show (time, table, state).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Set by the organizer's staff on the day.
    outcome: Mapped[Outcome | None] = mapped_column(db_enum(Outcome))
    # Each side's word after the fair.
    requester_follow_up: Mapped[FollowUp | None] = mapped_column(db_enum(FollowUp))
    recipient_follow_up: Mapped[FollowUp | None] = mapped_column(db_enum(FollowUp))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancel_cause: Mapped[CancelCause | None] = mapped_column(db_enum(CancelCause))
    # The user who cancelled (a participant's member or organizer staff); None: the system.
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    requester: Mapped[Participant] = relationship(foreign_keys=[requester_id])
    recipient: Mapped[Participant] = relationship(foreign_keys=[recipient_id])
    proposed_by: Mapped[Participant | None] = relationship(foreign_keys=[proposed_by_id])
    table: Mapped[MeetingTable | None] = relationship()
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])

    @property
    def proposed_slots(self) -> list[datetime]:
        return [datetime.fromisoformat(value) for value in self.proposed]

    def side_of(self, participant_id: int) -> Participant:
        """The other participant, seen from `participant_id`."""
        return self.recipient if participant_id == self.requester_id else self.requester

    def involves(self, participant_id: int) -> bool:
        return participant_id in (self.requester_id, self.recipient_id)

    @property
    def agreed(self) -> bool:
        return self.state in AGREED_STATES


class Seat(db.Model):
    """A company's place in a slot: one row per side of a scheduled meeting. Its primary key
    is what makes a double booking of a company impossible, whatever the concurrency."""

    __tablename__ = "meeting_seats"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_participants.id", ondelete="CASCADE"), primary_key=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )


class Block(db.Model):
    """A participant no longer takes requests from a company."""

    __tablename__ = "meeting_blocks"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_participants.id", ondelete="CASCADE"), primary_key=True
    )
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


cover(Programme, MeetingTable, Participant, Meeting, Seat, Block, generations=(GENERATION,))
