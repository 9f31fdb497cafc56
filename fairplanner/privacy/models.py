"""Consents to the privacy notice, one row each time a person agrees to a version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fairplanner.db import UTCDateTime, utcnow
from fairplanner.extensions import db


class PrivacyConsent(db.Model):
    """A user's consent to the processing of personal data under one version of the notice
    (Law of the Republic of Belarus No. 99-З, art. 5; 152-ФЗ, art. 9): which text, when, and in
    which language it was shown. Gone with the user: a deleted account is no longer processed."""

    __tablename__ = "privacy_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    notice_version: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(5))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
