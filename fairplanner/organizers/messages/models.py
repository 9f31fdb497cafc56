"""Organizer messages, who received them, uploaded PDFs and saved templates."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.accounts.models import User
from fairplanner.db import UTCDateTime, db_enum, utcnow
from fairplanner.extensions import db
from fairplanner.titles import TitledEnum


class MessageStatus(TitledEnum):
    DRAFT = "draft"  # being written; the staff see a preview and the count
    SCHEDULED = "scheduled"  # `flask messages run` sends it at `scheduled_at`
    SENT = "sent"  # every recipient's mail is in the outbox
    # "Sent" of a message is not that of an application: the message context tells them apart.
    __titles__ = MappingProxyType(
        {
            DRAFT: _l("Draft"),
            SCHEDULED: lazy_pgettext("message", "Scheduled"),
            SENT: lazy_pgettext("message", "Sent"),
        }
    )


class Attachment(TitledEnum):
    NONE = "none"
    ICS = "ics"  # the fair as each company's own calendar entry
    PDF = "pdf"  # a file the staff uploaded (MessageFile)
    __titles__ = MappingProxyType(
        {
            NONE: _l("No attachment"),
            ICS: _l("The fair for the calendar (.ics), as each company's own entry"),
            PDF: _l("A PDF file"),
        }
    )


class OrganizerMessage(db.Model):
    __tablename__ = "organizer_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject_ru: Mapped[str | None] = mapped_column(String(200))
    subject_en: Mapped[str | None] = mapped_column(String(200))
    body_ru: Mapped[str | None] = mapped_column(Text)
    body_en: Mapped[str | None] = mapped_column(Text)
    # Who gets it: {"statuses": [...], "roles": [...], "countries": [...], "sectors": [codes]};
    # an empty list means "any". Read again when the message goes out.
    recipients_filter: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attachment: Mapped[Attachment] = mapped_column(db_enum(Attachment), default=Attachment.NONE)
    status: Mapped[MessageStatus] = mapped_column(
        db_enum(MessageStatus), default=MessageStatus.DRAFT, index=True
    )
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When the staff sent or scheduled it: the rate limit counts these.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipient_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    author: Mapped[User | None] = relationship()
    file: Mapped[MessageFile | None] = relationship(
        back_populates="message", cascade="all, delete-orphan", uselist=False
    )


class MessageFile(db.Model):
    """A PDF uploaded with a message; only ever sent as a mail attachment or downloaded by
    staff as application/pdf."""

    __tablename__ = "organizer_message_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("organizer_messages.id", ondelete="CASCADE"), unique=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message: Mapped[OrganizerMessage] = relationship(back_populates="file")


class MessageRecipient(db.Model):
    """A company that received a message (one mail per company, whatever its roles)."""

    __tablename__ = "organizer_message_recipients"
    __table_args__ = (
        UniqueConstraint("message_id", "company_id", name="uq_organizer_message_recipients"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("organizer_messages.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    lang: Mapped[str] = mapped_column(String(5))
    # The outbox row of its mail; None when the company had no contact address.
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageTemplate(db.Model):
    """A saved subject and text of an organizer (move-in schedule, passes, reminders)."""

    __tablename__ = "organizer_message_templates"
    __table_args__ = (
        UniqueConstraint("organizer_id", "name", name="uq_organizer_message_templates_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    subject_ru: Mapped[str | None] = mapped_column(String(200))
    subject_en: Mapped[str | None] = mapped_column(String(200))
    body_ru: Mapped[str | None] = mapped_column(Text)
    body_en: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
