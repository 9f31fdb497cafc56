"""Tickets and badges for a fair's people, and the scans at its entrances."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.accounts.models import Company, User
from fairplanner.catalogue.models import Fair
from fairplanner.db import UTCDateTime, db_enum, utcnow
from fairplanner.extensions import db
from fairplanner.registrations.models import Registration
from fairplanner.titles import TitledEnum

NAME_MAX = 120
POSITION_MAX = 120
COMPANY_MAX = 200
GATE_MAX = 40


class TicketRole(TitledEnum):
    """Who a ticket admits, as the badge's coloured band says it."""

    EXHIBITOR = "exhibitor"
    VISITOR = "visitor"
    PRESS = "press"
    ORGANIZER = "organizer"
    __titles__ = MappingProxyType(
        {
            EXHIBITOR: _l("Exhibitor"),
            VISITOR: _l("Visitor"),
            PRESS: _l("Press"),
            ORGANIZER: _l("Organizer"),
        }
    )


class RevokeReason(TitledEnum):
    """Why a ticket no longer admits anyone (the door says it in these words)."""

    REMOVED = "removed"  # the company (or the desk) took the person off the list
    WITHDRAWN = "withdrawn"  # the application was withdrawn
    REJECTED = "rejected"  # the application was rejected
    FAIR_CANCELLED = "fair_cancelled"
    __titles__ = MappingProxyType(
        {
            REMOVED: _l("The person was taken off the list"),
            WITHDRAWN: _l("The application was withdrawn"),
            REJECTED: _l("The application was rejected"),
            FAIR_CANCELLED: _l("The fair was cancelled"),
        }
    )


class ScanResult(TitledEnum):
    """The answer at the door."""

    VALID = "valid"
    ALREADY_ENTERED = "already_entered"
    REVOKED = "revoked"
    WRONG_FAIR = "wrong_fair"
    WRONG_DAY = "wrong_day"
    UNKNOWN = "unknown"
    __titles__ = MappingProxyType(
        {
            VALID: _l("Valid"),
            ALREADY_ENTERED: _l("Already entered today"),
            REVOKED: _l("Revoked"),
            WRONG_FAIR: _l("Ticket for another fair"),
            WRONG_DAY: _l("Not valid today"),
            UNKNOWN: _l("Unknown code"),
        }
    )

    @property
    def admits(self) -> bool:
        """Whether the person may go in (a re-entry on the same day is let through, and said)."""
        return self in (ScanResult.VALID, ScanResult.ALREADY_ENTERED)


class QuotaMode(TitledEnum):
    """How an exhibitor's badge quota is counted."""

    PER_STAND = "per_stand"
    PER_AREA = "per_area"
    __titles__ = MappingProxyType(
        {
            PER_STAND: _l("A number of badges per stand"),
            PER_AREA: _l("A number of badges per so many square metres of stand"),
        }
    )


class TicketSettings(db.Model):
    """A fair's badge quota for exhibitors' stand staff (a fair without a row has the defaults)."""

    __tablename__ = "ticket_settings"

    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), primary_key=True)
    quota_mode: Mapped[QuotaMode] = mapped_column(db_enum(QuotaMode), default=QuotaMode.PER_STAND)
    # Badges per stand, or per `quota_area` square metres (rounded up, at least `quota_count`).
    quota_count: Mapped[int] = mapped_column(Integer, default=4)
    quota_area: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal(9))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Ticket(db.Model):
    """One person's admission to one fair, with the code on their e-ticket and badge.

    The code is random (128 bits and a check byte, base32) and says nothing about the person;
    it is the only thing in the QR code. People of an application (a visitor delegation, an
    exhibitor's stand staff) have its `registration_id`; people the desk registers (walk-in
    visitors, press, the organizer's own staff) have none. A removed person's ticket stays,
    revoked, so that the door can say why it no longer admits.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_fair_role", "fair_id", "role"),
        Index("ix_tickets_registration", "registration_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    role: Mapped[TicketRole] = mapped_column(db_enum(TicketRole))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    position: Mapped[str | None] = mapped_column(String(POSITION_MAX))
    email: Mapped[str | None] = mapped_column(String(254))
    # The company as the badge prints it, for people with no company account (walk-ins, press).
    company_label: Mapped[str | None] = mapped_column(String(COMPANY_MAX))
    # The name and company casefolded, for the desk's name search (SQLite's LIKE folds ASCII
    # only, so Cyrillic names are folded here, on write).
    search_key: Mapped[str] = mapped_column(String(NAME_MAX + COMPANY_MAX + 1), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[RevokeReason | None] = mapped_column(db_enum(RevokeReason))
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    fair: Mapped[Fair] = relationship()
    registration: Mapped[Registration | None] = relationship()
    company: Mapped[Company | None] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def grouped_code(self) -> str:
        """The code in blocks of four, as it is printed and read out: "ABCD EFGH …"."""
        return " ".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def company_title(self) -> str | None:
        """The company the badge names: the account's name, else what the desk typed."""
        if self.company is not None:
            return self.company.display_name
        return self.company_label


class CheckIn(db.Model):
    """One scan at an entrance: what was read, the answer given, where, when and by whom.

    `scan_id` is the device's own id for the scan: a scan sent twice (a retry, a device back
    online) is stored once and answered the same (unique). `scanned_at` is the device's time
    (offline scans arrive later than they were made); `received_at` the server's.
    """

    __tablename__ = "check_ins"
    __table_args__ = (
        Index("ix_check_ins_fair_scanned", "fair_id", "scanned_at"),
        Index("ix_check_ins_ticket_scanned", "ticket_id", "scanned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[str] = mapped_column(String(36), unique=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    code: Mapped[str] = mapped_column(String(64))
    result: Mapped[ScanResult] = mapped_column(db_enum(ScanResult))
    gate: Mapped[str | None] = mapped_column(String(GATE_MAX))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    # For ALREADY_ENTERED: the day's first entry, which the answer names ("at 10:32, gate 2").
    earlier_id: Mapped[int | None] = mapped_column(ForeignKey("check_ins.id"))

    ticket: Mapped[Ticket | None] = relationship()
    staff: Mapped[User | None] = relationship()
    earlier: Mapped[CheckIn | None] = relationship(remote_side=[id])
