"""A company following a fair."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.accounts.models import Company
from fairplanner.catalogue.models import Fair
from fairplanner.db import UTCDateTime, utcnow
from fairplanner.extensions import db


class Follow(db.Model):
    """`company` watches `fair`: it shows under "My fairs" → Followed, in the company's private
    feed (with the registration deadline) and in the deadline reminders."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("company_id", "fair_id", name="uq_follows_company_fair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    # Who pressed "Follow" (gone with the account: the company keeps following).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[Company] = relationship()
    fair: Mapped[Fair] = relationship()
