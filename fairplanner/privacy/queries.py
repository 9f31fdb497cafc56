"""Reads of consents."""

from __future__ import annotations

from sqlalchemy import Select, select

from fairplanner.privacy.models import PrivacyConsent


def consents(user_id: int) -> Select[tuple[PrivacyConsent]]:
    """A user's consents, oldest first."""
    return (
        select(PrivacyConsent)
        .where(PrivacyConsent.user_id == user_id)
        .order_by(PrivacyConsent.given_at, PrivacyConsent.id)
    )
