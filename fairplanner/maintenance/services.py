"""What the periodic job removes: old mail bodies, expired invitations and old webhook
deliveries. Never commits.

Email-confirmation and password-reset links are stateless signed tokens
(fairplanner.accounts.tokens): nothing of them is stored, so there is nothing to clean up; a
reset link stops working once used because it carries the session version it was made for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from fairplanner.accounts.models import Invitation
from fairplanner.accounts.sessions import purge_revocations
from fairplanner.extensions import db
from fairplanner.notifications.models import OutboxMessage, OutboxStatus
from fairplanner.organizers.imports import PENDING
from fairplanner.organizers.models import FairImport
from fairplanner.webhooks.models import DeliveryStatus, WebhookDelivery

log = logging.getLogger(__name__)

# The key of the PostgreSQL advisory lock that one run at a time holds (any fixed number
# that no other part of the application uses; "fpmaint" in ASCII).
LOCK_KEY = 0x66706D61696E74
# Unconfirmed season-plan imports go a week after their preview (which expires after a day).
STALE_IMPORT = timedelta(days=7)


@dataclass
class Report:
    ran: bool = True
    mail_bodies: int = 0
    invitations: int = 0
    revocations: int = 0
    deliveries: int = 0
    imports: int = 0


def try_lock() -> bool:
    """Take the run's lock for this transaction; False if another server's run holds it.

    A transaction-level advisory lock ends with the transaction (commit, rollback or a dropped
    connection), so a run that dies never leaves it behind. SQLite serialises writers itself.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(select(func.pg_try_advisory_xact_lock(LOCK_KEY))))


def purge_mail_bodies(*, before: datetime) -> int:
    """Empty the bodies and attachments of mail sent before `before`; keep the rows' metadata."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.sent_at < before,
            (OutboxMessage.body_text != "") | (OutboxMessage.body_html != ""),
        )
        .values(body_text="", body_html="", attachments=[])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def delete_expired_invitations(*, now: datetime) -> int:
    """Invitations past their date, accepted or not: their links no longer open anything."""
    result = db.session.execute(
        delete(Invitation)
        .where(Invitation.expires_at < now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def delete_old_deliveries(*, before: datetime) -> int:
    """Webhook deliveries settled (delivered or failed) before `before`: the console's log
    shows the recent ones, and their payloads may name people."""
    result = db.session.execute(
        delete(WebhookDelivery)
        .where(
            WebhookDelivery.status.in_((DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)),
            WebhookDelivery.created_at < before,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def delete_stale_imports(*, before: datetime) -> int:
    """Season plans previewed but never confirmed (their preview expired after a day): the
    rows of a file nobody applied. Applied imports stay as the organizer's history."""
    result = db.session.execute(
        delete(FairImport)
        .where(FairImport.status == PENDING, FairImport.created_at < before)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def run(*, now: datetime, mail_retention_days: int, webhook_retention_days: int = 30) -> Report:
    """One pass, all or nothing, in the caller's transaction (the caller commits)."""
    if not try_lock():
        log.info("maintenance: another run holds the lock; skipped")
        return Report(ran=False)
    report = Report(
        mail_bodies=purge_mail_bodies(before=now - timedelta(days=mail_retention_days)),
        invitations=delete_expired_invitations(now=now),
        # Logins that old are refused anyway: their revocations are no longer needed.
        revocations=purge_revocations(now=now),
        deliveries=delete_old_deliveries(before=now - timedelta(days=webhook_retention_days)),
        imports=delete_stale_imports(before=now - STALE_IMPORT),
    )
    log.info(
        "maintenance: %s mail bodies purged, %s invitations deleted",
        report.mail_bodies,
        report.invitations,
    )
    return report
