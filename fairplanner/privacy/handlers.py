"""Privacy's receivers of domain events (fairplanner.events): the consent given while creating
an account is recorded in the same transaction as the account."""

from __future__ import annotations

from typing import Any

from fairplanner import events
from fairplanner.accounts.models import User
from fairplanner.events import Consent
from fairplanner.privacy.notice import PRIVACY_NOTICE_VERSION
from fairplanner.privacy.services import record_consent


def on_user_signed_up(user: User, *, consent: Consent | None = None, **_: Any) -> None:
    if consent is None:
        return  # an account made without a form (demo data, scripts) agreed to nothing
    record_consent(
        user.id, lang=consent.lang, version=consent.notice_version or PRIVACY_NOTICE_VERSION
    )


def connect() -> None:
    """Subscribe (idempotent: blinker keeps one connection per function)."""
    events.user_signed_up.connect(on_user_signed_up, weak=False)
