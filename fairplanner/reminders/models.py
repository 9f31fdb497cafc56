"""What each member chose to receive, and the reminders already sent."""

from __future__ import annotations

from datetime import date, datetime
from types import MappingProxyType

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fairplanner.db import UTCDateTime, utcnow
from fairplanner.extensions import db
from fairplanner.titles import TitledEnum


class ReminderKind(TitledEnum):
    DEADLINE = "deadline"  # the registration deadline of a followed fair approaches
    OPENING = "opening"  # a fair the company is approved for opens tomorrow
    DIGEST = "digest"  # the weekly digest
    # As the unsubscribe page says it: "Stop sending you <title>?"
    __titles__ = MappingProxyType(
        {
            DEADLINE: _l("reminders of registration deadlines"),
            OPENING: _l("reminders before a fair opens"),
            DIGEST: _l("the weekly digest"),
        }
    )

    @property
    def mail(self) -> str:
        """The outbox kind (and the name of its templates under templates/email/)."""
        return "digest" if self is ReminderKind.DIGEST else f"reminder_{self.value}"


# Without a row a member gets the reminders and not the digest (it is asked for).
DEFAULTS = {ReminderKind.DEADLINE: True, ReminderKind.OPENING: True, ReminderKind.DIGEST: False}


class ReminderSettings(db.Model):
    """A member's choice of reminder mails; made on the first change."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    deadline: Mapped[bool] = mapped_column(Boolean, default=True)
    opening: Mapped[bool] = mapped_column(Boolean, default=True)
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SentReminder(db.Model):
    """A reminder that went out: its unique `key` is what makes it go out once, whichever
    server or run got there first (see services.run)."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "deadline:<company>:<fair>:<deadline>:<days before>", "opening:<company>:<fair>:<opening>",
    # "digest:<user>:<ISO year>-W<week>"
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    fair_id: Mapped[int | None] = mapped_column(
        ForeignKey("fairs.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date] = mapped_column(Date)
    days_before: Mapped[int | None] = mapped_column(Integer)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
