"""The privacy notice (current and earlier versions) and the download of a company's data."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from fairplanner.extensions import db
from fairplanner.i18n import current_language, minsk_today
from fairplanner.privacy import queries
from fairplanner.privacy.export import build_export
from fairplanner.privacy.models import PrivacyConsent
from fairplanner.privacy.notice import NOTICE_VERSIONS, PRIVACY_NOTICE_VERSION, notice_template

bp = Blueprint("privacy", __name__)


@bp.app_template_global()
def latest_consent(user_id: int) -> PrivacyConsent | None:
    """The user's most recent consent, for the profile's "Your data" section."""
    return db.session.scalar(
        queries.consents(user_id)
        .order_by(None)
        .order_by(PrivacyConsent.given_at.desc(), PrivacyConsent.id.desc())
        .limit(1)
    )


@bp.get("/privacy")
def notice() -> ResponseReturnValue:
    """The privacy notice in force."""
    return _notice(PRIVACY_NOTICE_VERSION)


@bp.get("/privacy/v<int:version>")
def notice_version(version: int) -> ResponseReturnValue:
    """An earlier (or the current) version, as it was agreed to."""
    if version not in NOTICE_VERSIONS:
        abort(404)
    return _notice(version)


def _notice(version: int) -> ResponseReturnValue:
    return render_template(
        "privacy/notice.html",
        version=version,
        effective=NOTICE_VERSIONS[version],
        current=version == PRIVACY_NOTICE_VERSION,
        versions=sorted(NOTICE_VERSIONS.items(), reverse=True),
        text=notice_template(version, current_language()),
    )


@bp.get("/company/export")
@login_required
def export() -> ResponseReturnValue:
    """The company's and the member's own data as a zip (data.json and applications.csv)."""
    company = current_user.company
    if company is None:  # staff and admins act for no company
        abort(403)
    body = build_export(company, current_user)
    filename = f"fairplanner-data-{minsk_today().isoformat()}.zip"
    return (
        body,
        200,
        {
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
