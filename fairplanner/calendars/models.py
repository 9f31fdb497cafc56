"""Secret addresses of the companies' private calendar feeds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.accounts.models import Company
from fairplanner.db import UTCDateTime, utcnow
from fairplanner.extensions import db


class CalendarToken(db.Model):
    """A feed address. Replaced ones are kept (revoked) so that they answer 410 Gone.

    The token is stored as it is, because "My fairs" shows it again whenever asked, like any
    calendar service's secret address; it grants reading that one feed and nothing else.
    """

    __tablename__ = "calendar_tokens"
    __table_args__ = (
        # One live address per company, even when two first visits to "My fairs" race.
        Index(
            "uq_calendar_tokens_live",
            "company_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the company chose its calendar to hold besides its fairs (kept with the address:
    # a new address keeps the choice, see services.regenerate_token).
    include_deadlines: Mapped[bool] = mapped_column(Boolean, default=True)
    include_programme: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the choice last changed: it dates the feed's body (Last-Modified) like any change.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company: Mapped[Company] = relationship()
