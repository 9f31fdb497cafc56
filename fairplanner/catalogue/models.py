"""Fairs, the places they are held, who organises them, their sectors and programmes."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.cache import cover
from fairplanner.db import UTCDateTime, db_enum, utcnow
from fairplanner.extensions import db
from fairplanner.media.models import Image
from fairplanner.text import fold
from fairplanner.titles import TitledEnum


class Oblast(TitledEnum):
    """Minsk city and the six oblasts (ISO 3166-2:BY HM, BR, VI, HO, HR, MI, MA)."""

    MINSK_CITY = "minsk-city"
    BREST = "brest"
    VITEBSK = "vitebsk"
    GOMEL = "gomel"
    GRODNO = "grodno"
    MINSK = "minsk"
    MOGILEV = "mogilev"
    __titles__ = MappingProxyType(
        {
            MINSK_CITY: _l("Minsk (city)"),
            BREST: _l("Brest oblast"),
            VITEBSK: _l("Vitebsk oblast"),
            GOMEL: _l("Gomel oblast"),
            GRODNO: _l("Grodno oblast"),
            MINSK: _l("Minsk oblast"),
            MOGILEV: _l("Mogilev oblast"),
        }
    )


class FairKind(TitledEnum):
    EXHIBITION = "exhibition"
    FAIR = "fair"
    FORUM = "forum"
    __titles__ = MappingProxyType(
        {EXHIBITION: _l("Exhibition"), FAIR: _l("Fair"), FORUM: _l("Forum")}
    )


class FairStatus(TitledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    __titles__ = MappingProxyType(
        {DRAFT: _l("draft"), PUBLISHED: _l("published"), CANCELLED: _l("cancelled")}
    )


class CapacityUnit(TitledEnum):
    STANDS = "stands"
    SQM = "sqm"
    __titles__ = MappingProxyType({STANDS: _l("stands"), SQM: _l("m²")})


class EventKind(TitledEnum):
    OPENING = "opening"
    CONFERENCE = "conference"
    B2B = "b2b"
    SEMINAR = "seminar"
    PRESENTATION = "presentation"
    EXCURSION = "excursion"
    CLOSING = "closing"
    __titles__ = MappingProxyType(
        {
            OPENING: _l("Opening"),
            CONFERENCE: _l("Conference"),
            B2B: _l("B2B session"),
            SEMINAR: _l("Seminar"),
            PRESENTATION: _l("Presentation"),
            EXCURSION: _l("Excursion"),
            CLOSING: _l("Closing"),
        }
    )


class RegistrationState(enum.StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"
    FULL = "full"
    CANCELLED = "cancelled"


fair_sectors = Table(
    "fair_sectors",
    db.metadata,
    Column("fair_id", ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True, index=True),
)


# A search term sorts by code point on both databases (SQLite's BINARY; PostgreSQL's "C"), so
# that `term >= 'мебел' AND term < 'мебем'` is a prefix search over the index.
SEARCH_TERM = String(60).with_variant(String(60, collation="C"), "postgresql")

# The stemmed terms of each fair's texts with the weight of the best field they occur in
# (fairplanner.catalogue.search.index keeps them current).
fair_terms = Table(
    "fair_terms",
    db.metadata,
    # The term leads the key: a search reads a range of terms, a reindex finds a fair's rows
    # by the fair_id index.
    Column("term", SEARCH_TERM, primary_key=True),
    Column("fair_id", ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("weight", SmallInteger, nullable=False),
    # Covers the search: a range of terms gives the fairs and weights without the table.
    Index("ix_fair_terms_term", "term", "fair_id", "weight"),
)

# Every word of the indexed texts as written (folded -> written, best weight): what a misspelt
# search is compared with. Words are added, not removed: a stale one only costs a suggestion
# that is checked before it is offered.
search_words = Table(
    "search_words",
    db.metadata,
    Column("word", SEARCH_TERM, primary_key=True),
    Column("written", String(60), nullable=False),
    Column("weight", SmallInteger, nullable=False),
)


class Sector(db.Model):
    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))


class City(db.Model):
    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_ru: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(120))
    oblast: Mapped[Oblast] = mapped_column(db_enum(Oblast), index=True)


class Organizer(db.Model):
    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_ru: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    short_name_ru: Mapped[str | None] = mapped_column(String(120))
    short_name_en: Mapped[str | None] = mapped_column(String(120))
    website: Mapped[str | None] = mapped_column(String(300))


class Venue(db.Model):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_ru: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    address_ru: Mapped[str | None] = mapped_column(String(300))
    address_en: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    longitude: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))

    city: Mapped[City] = relationship()


class Fair(db.Model):
    __tablename__ = "fairs"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("registration_deadline >= registration_opens_on", name="window_ordered"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "stand_area_min > 0 AND stand_area_max >= stand_area_min", name="stand_area_range"
        ),
        Index("ix_fairs_status_dates", "status", "starts_on", "ends_on"),
        # A season plan's own id for the fair (an ICS UID, a table's id column): importing the
        # same plan again updates the fair instead of adding a copy (organizers.imports).
        # A unique index (not a constraint): SQLite adds it without rebuilding the table.
        Index("ix_fairs_organizer_external_id", "organizer_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name_ru: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    description_ru: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[FairKind] = mapped_column(db_enum(FairKind), index=True)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    status: Mapped[FairStatus] = mapped_column(
        db_enum(FairStatus), default=FairStatus.DRAFT, index=True
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason_ru: Mapped[str | None] = mapped_column(Text)
    cancel_reason_en: Mapped[str | None] = mapped_column(Text)
    registration_opens_on: Mapped[date] = mapped_column(Date)
    registration_deadline: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int | None] = mapped_column(Integer)
    capacity_unit: Mapped[CapacityUnit] = mapped_column(
        db_enum(CapacityUnit), default=CapacityUnit.STANDS
    )
    # The stand sizes an exhibitor may ask for, in m².
    stand_area_min: Mapped[Decimal] = mapped_column(Numeric(8, 1), default=Decimal(4))
    stand_area_max: Mapped[Decimal] = mapped_column(Numeric(8, 1), default=Decimal(500))
    website: Mapped[str | None] = mapped_column(String(300))
    external_id: Mapped[str | None] = mapped_column(String(300))
    # Case- and ё-folded copies of the names and descriptions, kept current by a mapper event
    # (SQLite's and PostgreSQL's LOWER() differ for Cyrillic): search ranks a name holding the
    # typed phrase first. The terms searched are in fair_terms (catalogue.search).
    search_name: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Indexed: the feeds' Last-Modified is the latest of these (calendars.queries.last_change).
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Grows each time registration_deadline moves (a mapper event below): the SEQUENCE of the
    # deadline's own calendar event, which no other edit of the fair changes. A server default
    # (not a Python one), so that code writing fairs without it keeps working.
    deadline_revision: Mapped[int] = mapped_column(Integer, server_default="0")
    # The fair's logo and cover (fairplanner.media); part of the fair's row, so a change
    # renews the catalogue's generation and with it every stored card and page.
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("images.id"))
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("images.id"))

    venue: Mapped[Venue] = relationship()
    organizer: Mapped[Organizer] = relationship()
    logo: Mapped[Image | None] = relationship(foreign_keys=[logo_id])
    cover: Mapped[Image | None] = relationship(foreign_keys=[cover_id])
    sectors: Mapped[list[Sector]] = relationship(secondary=fair_sectors, order_by=Sector.code)
    programme: Mapped[list[ProgrammeEvent]] = relationship(
        back_populates="fair",
        order_by="ProgrammeEvent.starts_at",
        cascade="all, delete-orphan",
    )
    # What is left of deleted programme items; goes with the fair (ON DELETE CASCADE too).
    deleted_programme: Mapped[list[DeletedProgrammeEvent]] = relationship(
        back_populates="fair", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy's own protocol

    def refresh_search(self) -> None:
        """Recompute the folded search columns from the current texts."""
        self.search_name = fold(" ".join(filter(None, (self.name_ru, self.name_en))))
        self.search_body = fold(" ".join(filter(None, (self.description_ru, self.description_en))))

    def registration_state(self, today: date, *, taken: int = 0) -> RegistrationState:
        """Where registration stands on `today`, given how much of the capacity is `taken`."""
        if self.status == FairStatus.CANCELLED:
            return RegistrationState.CANCELLED
        if today < self.registration_opens_on:
            return RegistrationState.NOT_OPEN
        if today > self.registration_deadline or today > self.ends_on:
            return RegistrationState.CLOSED
        # Full once what is left is smaller than the smallest stand anyone may ask for.
        smallest = self.stand_area_min if self.capacity_unit == CapacityUnit.SQM else 1
        if self.capacity is not None and self.capacity - taken < smallest:
            return RegistrationState.FULL
        return RegistrationState.OPEN


class ProgrammeEvent(db.Model):
    __tablename__ = "programme_events"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="times_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    title_ru: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    description_ru: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hall_ru: Mapped[str | None] = mapped_column(String(120))
    hall_en: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[EventKind] = mapped_column(db_enum(EventKind))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Indexed: the feeds' Last-Modified is the latest of these (calendars.queries.last_change).
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )
    # Grows with every change; calendar feeds add it to the fair's for the event's SEQUENCE.
    revision: Mapped[int] = mapped_column(Integer, default=1)

    fair: Mapped[Fair] = relationship(back_populates="programme")

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy's own protocol


class DeletedProgrammeEvent(db.Model):
    """A programme item deleted from a visible fair: enough of it to tell calendars that hold
    it that it is cancelled. Its own .ics answers 410 Gone with the cancelled event, and the
    fair's programme feeds carry it as cancelled for FEED_DELETED_DAYS after `deleted_at`.
    Only the calendar's fields are kept (no description), and nothing about who deleted it."""

    __tablename__ = "deleted_programme_events"

    # The item's own id: its UID (event-<id>@domain) and its address, which a new item reusing
    # the id (SQLite may) replaces; the feeds leave out a tombstone whose id is live again.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    title_ru: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the item's
    # The item's last revision plus one: with the fair's (which the deletion raises too) the
    # cancelled event's SEQUENCE, above every one the item was published with.
    revision: Mapped[int] = mapped_column(Integer)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    fair: Mapped[Fair] = relationship(back_populates="deleted_programme")


@event.listens_for(Fair.sectors, "append")
@event.listens_for(Fair.sectors, "remove")
@event.listens_for(Fair.programme, "append")
@event.listens_for(Fair.programme, "remove")
def _touch_fair(fair: Fair, *args: object) -> None:
    """A fair's sectors and programme are part of it: changing them raises its revision and
    moves its updated_at, which calendar feeds use for SEQUENCE, ETag and Last-Modified."""
    if fair.id is not None:
        fair.updated_at = utcnow()


@event.listens_for(Fair, "before_update")
def _count_deadline_moves(mapper: object, connection: object, fair: Fair) -> None:
    """A new registration deadline is a new revision of the deadline's calendar event
    (setting the same date again is no change)."""
    history = inspect(fair).attrs.registration_deadline.history
    if history.added and history.added[0] not in history.deleted:
        # In SQL: no load of the column in the middle of a flush.
        fair.deadline_revision = Fair.deadline_revision + 1  # type: ignore[assignment]


@event.listens_for(Fair, "before_insert")
@event.listens_for(Fair, "before_update")
def _refresh_fair_search(mapper: object, connection: object, fair: Fair) -> None:
    fair.refresh_search()


# The cached pages, blocks and feeds that show the catalogue are kept under its generation.
cover(
    Fair,
    ProgrammeEvent,
    DeletedProgrammeEvent,
    Venue,
    City,
    Organizer,
    Sector,
    generations=("catalogue",),
)

# The term index follows every change of what it holds (a session hook, registered on import).
import fairplanner.catalogue.search.index  # noqa: E402, F401
