"""Hall plans: an image per hall of a fair, and where each stand is on it.

A plan belongs to a fair and a hall name (the text organizers give stands, "Павильон 1"); its
image is an `images` row (fairplanner.media), referred to by a foreign key so that media's
clean-up sees it in use. A stand's position is a point on the image as fractions of its width
and height (0..1 from the top left), so it stays put whatever size the image is shown at.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.cache import cover
from fairplanner.db import UTCDateTime, utcnow
from fairplanner.extensions import db
from fairplanner.media.models import Image
from fairplanner.registrations.models import STAND_FIELD_LENGTH


class HallPlan(db.Model):
    __tablename__ = "hall_plans"
    __table_args__ = (UniqueConstraint("fair_id", "hall"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"))
    hall: Mapped[str] = mapped_column(String(STAND_FIELD_LENGTH))
    image_id: Mapped[int] = mapped_column(ForeignKey("images.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    image: Mapped[Image] = relationship()
    positions: Mapped[list[StandPosition]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="StandPosition.stand",
    )


class StandPosition(db.Model):
    """A stand's point on its hall's plan, as fractions (0..1) of the image's width, height."""

    __tablename__ = "stand_positions"
    __table_args__ = (CheckConstraint("x >= 0 AND x <= 1 AND y >= 0 AND y <= 1", name="on_plan"),)

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("hall_plans.id", ondelete="CASCADE"), primary_key=True
    )
    stand: Mapped[str] = mapped_column(String(STAND_FIELD_LENGTH), primary_key=True)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)

    plan: Mapped[HallPlan] = relationship(back_populates="positions")


# The catalogue's stored pages and cards link stands to plans: a plan's change renews them.
cover(HallPlan, StandPosition, generations=("registrations",))
