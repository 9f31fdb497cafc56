"""Recording consents (flush only; the view commits)."""

from __future__ import annotations

import logging

from fairplanner.extensions import db
from fairplanner.privacy.models import PrivacyConsent
from fairplanner.privacy.notice import PRIVACY_NOTICE_VERSION

log = logging.getLogger(__name__)


def record_consent(
    user_id: int, *, lang: str, version: int = PRIVACY_NOTICE_VERSION
) -> PrivacyConsent:
    """The user agreed to `version` of the notice, shown in `lang`, just now."""
    consent = PrivacyConsent(user_id=user_id, notice_version=version, lang=lang)
    db.session.add(consent)
    db.session.flush()
    log.info("privacy: user %s consented to notice v%s", user_id, version)
    return consent
