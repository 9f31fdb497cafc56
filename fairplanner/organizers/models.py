"""Internal notes of organizer staff on applications (companies never see them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.accounts.models import ApiToken, User
from fairplanner.db import UTCDateTime, acting_api_token, utcnow
from fairplanner.extensions import db


class RegistrationNote(db.Model):
    __tablename__ = "registration_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Made through the REST API with this token (None: on a page, by a command or by FairPlanner).
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), default=acting_api_token
    )

    author: Mapped[User | None] = relationship()
    api_token: Mapped[ApiToken | None] = relationship()


class FairChange(db.Model):
    """The audit log of a fair: every edit, publication and cancellation by staff."""

    __tablename__ = "fair_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(30))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    # Made through the REST API with this token (None: on a page, by a command or by FairPlanner).
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), default=acting_api_token
    )

    actor: Mapped[User | None] = relationship()
    api_token: Mapped[ApiToken | None] = relationship()


class FairImport(db.Model):
    """A season plan read from a file or a calendar address (organizers.imports): its rows as
    read, kept between the preview and the confirmation (any app server may answer either),
    then what applying them did — the organizer's import history."""

    __tablename__ = "fair_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizers.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(2000))  # the file's name or the calendar's URL
    # The rows as read (PlanRow fields; errors as message ids and values, so that the preview
    # speaks its reader's language); matched against the catalogue each time they are shown.
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)

    user: Mapped[User | None] = relationship()
