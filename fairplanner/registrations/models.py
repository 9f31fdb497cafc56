"""Applications of companies to exhibit at or visit a fair, and their history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    event,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.accounts.models import ApiToken, Company, User
from fairplanner.cache import cover
from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.db import UTCDateTime, acting_api_token, db_enum, utcnow
from fairplanner.extensions import db
from fairplanner.titles import TitledEnum


class RegistrationRole(TitledEnum):
    EXHIBITOR = "exhibitor"
    VISITOR = "visitor"
    __titles__ = MappingProxyType({EXHIBITOR: _l("Exhibitor"), VISITOR: _l("Visitor / delegation")})


STAND_FIELD_LENGTH = 40


class RegistrationStatus(TitledEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"
    __titles__ = MappingProxyType(
        {
            SUBMITTED: _l("Submitted"),
            APPROVED: _l("Approved"),
            REJECTED: _l("Rejected"),
            WAITLISTED: _l("On the waiting list"),
            WITHDRAWN: _l("Withdrawn"),
        }
    )


class StandType(TitledEnum):
    INDOOR = "indoor"
    OUTDOOR = "outdoor"
    COLLECTIVE = "collective"  # a place on a collective regional stand
    __titles__ = MappingProxyType(
        {
            INDOOR: _l("Indoor stand"),
            OUTDOOR: _l("Outdoor area"),
            COLLECTIVE: _l("A place on a collective regional stand"),
        }
    )


class VisitAim(TitledEnum):
    PURCHASING = "purchasing"
    SALES = "sales"
    PARTNERS = "partners"
    INVESTMENT = "investment"
    __titles__ = MappingProxyType(
        {
            PURCHASING: _l("Purchasing"),
            SALES: _l("Sales"),
            PARTNERS: _l("Finding partners"),
            INVESTMENT: _l("Investment"),
        }
    )


ACTIVE = (RegistrationStatus.SUBMITTED, RegistrationStatus.APPROVED, RegistrationStatus.WAITLISTED)
# Exhibitor requests that hold part of the capacity.
HOLDING = (RegistrationStatus.SUBMITTED, RegistrationStatus.APPROVED)
EDITABLE = (RegistrationStatus.SUBMITTED, RegistrationStatus.WAITLISTED)
WITHDRAWABLE = ACTIVE

S = RegistrationStatus
# Every status change an application may make; anything else is refused.
TRANSITIONS: dict[RegistrationStatus, frozenset[RegistrationStatus]] = {
    S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED, S.WAITLISTED, S.WITHDRAWN}),
    S.WAITLISTED: frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.WITHDRAWN}),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

_active_sql = "status IN ('submitted', 'approved', 'waitlisted')"
# A stand is held by one approved exhibitor per fair: two may not get the same hall and number
# (the rows without a stand, and those withdrawn, hold none).
_stand_sql = "hall IS NOT NULL AND stand IS NOT NULL AND status = 'approved'"


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # One active registration per company, fair and role, whatever the application does.
        Index(
            "uq_registrations_active",
            "company_id",
            "fair_id",
            "role",
            unique=True,
            sqlite_where=db.text(_active_sql),
            postgresql_where=db.text(_active_sql),
        ),
        Index(
            "uq_registrations_stand",
            "fair_id",
            "hall",
            "stand",
            unique=True,
            sqlite_where=db.text(_stand_sql),
            postgresql_where=db.text(_stand_sql),
        ),
        Index("ix_registrations_fair_role_status", "fair_id", "role", "status"),
        # The attendee list's default order (and the first page of 3,000 without a sort).
        Index("ix_registrations_fair_created", "fair_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"))  # (indexes above)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    role: Mapped[RegistrationRole] = mapped_column(db_enum(RegistrationRole))
    status: Mapped[RegistrationStatus] = mapped_column(
        db_enum(RegistrationStatus), default=RegistrationStatus.SUBMITTED
    )
    # Exhibitors
    stand_type: Mapped[StandType | None] = mapped_column(db_enum(StandType))
    area: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))
    needs_power: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_water: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_internet: Mapped[bool] = mapped_column(Boolean, default=False)
    products: Mapped[str | None] = mapped_column(Text)
    # Where an approved exhibitor stands, as the organizer assigns it (both or neither):
    # unique per fair among the approved (uq_registrations_stand).
    hall: Mapped[str | None] = mapped_column(String(STAND_FIELD_LENGTH))
    stand: Mapped[str | None] = mapped_column(String(STAND_FIELD_LENGTH))
    note: Mapped[str | None] = mapped_column(Text)
    # The exhibitor catalogue (fairplanner.exhibitors): whether the company lists this
    # application once approved (its choice on the form), its entry in Russian and English,
    # and whether the organizer hid it. On the application: the form writes them, its history
    # keeps their changes, and the "registrations" generation covers the public list.
    listed: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    entry_ru: Mapped[str | None] = mapped_column(Text)
    entry_en: Mapped[str | None] = mapped_column(Text)
    entry_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Visitors and business delegations: [{"name": ..., "position": ...}], aims as VisitAim values
    delegates: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    aims: Mapped[list[str]] = mapped_column(JSON, default=list)

    # When and where the fair was to be held when the company applied: the fair "moved" for
    # this company when its dates or venue differ now (set on insert; NULL only for rows from
    # before this was kept). Not a foreign key: only compared, and venues are never deleted.
    applied_starts_on: Mapped[date | None] = mapped_column(Date)
    applied_ends_on: Mapped[date | None] = mapped_column(Date)
    applied_venue_id: Mapped[int | None] = mapped_column(Integer)

    reject_reason: Mapped[str | None] = mapped_column(Text)
    # A number that only grows per fair: order on the waiting list (shown as a rank).
    waitlist_number: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    fair: Mapped[Fair] = relationship()
    company: Mapped[Company] = relationship()
    history: Mapped[list[RegistrationChange]] = relationship(
        back_populates="registration",
        order_by="RegistrationChange.id",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own protocol

    @property
    def has_stand(self) -> bool:
        """A hall and stand the company can go to: assigned, and the application approved."""
        return bool(self.hall and self.stand) and self.status == RegistrationStatus.APPROVED

    @property
    def stand_number(self) -> str | None:
        """The stand with its hall, as the opening reminder names it ("А-12 (Павильон 1)")."""
        return f"{self.stand} ({self.hall})" if self.has_stand else None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def fair_cancelled(self) -> bool:
        return self.fair.status == FairStatus.CANCELLED

    @property
    def dates_changed(self) -> bool:
        """The fair's dates are not those the company applied for."""
        return self.applied_starts_on is not None and (
            (self.applied_starts_on, self.applied_ends_on)
            != (self.fair.starts_on, self.fair.ends_on)
        )

    @property
    def venue_changed(self) -> bool:
        return self.applied_venue_id is not None and self.applied_venue_id != self.fair.venue_id

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE and not self.fair_cancelled

    @property
    def withdrawable(self) -> bool:
        """Nothing to withdraw from a cancelled fair: the organizer has called it off."""
        return self.status in WITHDRAWABLE and not self.fair_cancelled


@event.listens_for(Registration, "before_insert")
def _remember_what_was_applied_for(
    mapper: object, connection: object, target: Registration
) -> None:
    """Keep the fair's dates and venue as they were when the company applied."""
    if target.applied_starts_on is not None:
        return
    fair = target.__dict__.get("fair")
    if fair is not None:
        values = (fair.starts_on, fair.ends_on, fair.venue_id)
    else:
        values = connection.execute(  # type: ignore[attr-defined]
            select(Fair.starts_on, Fair.ends_on, Fair.venue_id).where(Fair.id == target.fair_id)
        ).one()
    target.applied_starts_on, target.applied_ends_on, target.applied_venue_id = values


class RegistrationChange(db.Model):
    """One entry of a registration's history: who did what, when, and which fields changed."""

    __tablename__ = "registration_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(30))
    # {"field": [old, new]} for edits; empty for plain transitions
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    # Made through the REST API with this token (None: on a page, by a command or by FairPlanner).
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), default=acting_api_token
    )

    registration: Mapped[Registration] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()
    api_token: Mapped[ApiToken | None] = relationship()


# Attendee lists, exports and the fair page's free stands are kept under this generation; the
# lists show the companies as well (fairplanner.accounts declares Company for it).
cover(Registration, generations=("registrations",))
