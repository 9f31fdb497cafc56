"""Storing messages in the outbox (same transaction as their cause) and delivering them."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from fairplanner.db import claim_due, sqlite_write_intent, utcnow
from fairplanner.extensions import db
from fairplanner.notifications.delivery import Mailer, build_email
from fairplanner.notifications.models import OutboxMessage, OutboxStatus
from fairplanner.observability.context import bind_request_id, current_request_id

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
# A claimed message whose worker died comes back after this long (at-least-once delivery).
CLAIM_TIMEOUT = timedelta(minutes=10)


def enqueue(
    kind: str,
    *,
    to: str,
    lang: str,
    reply_to: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    company_id: int | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render email/<kind>.{txt,html} in the recipient's language and store it (flush only)."""
    lang = lang if lang in ("ru", "en") else "ru"
    with force_locale(lang):
        # The .txt templates are not autoescaped (plain text shows what was typed); the subject
        # reaches the HTML part only as a variable of the .html template, which escapes it.
        subject = " ".join(render_template(f"email/{kind}.subject.txt", **context).split())
        text = render_template(f"email/{kind}.txt", **context)
        html = render_template(f"email/{kind}.html", **context, subject=subject)
    domain = current_app.config["ICAL_DOMAIN"] or "fairplanner.invalid"
    message = OutboxMessage(
        kind=kind,
        to_email=to,
        reply_to=reply_to,
        lang=lang,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=attachments or [],
        message_id=f"<{kind}.{secrets.token_hex(12)}@{domain}>",
        request_id=current_request_id(),
        company_id=company_id,
    )
    db.session.add(message)
    db.session.flush()
    # No address in the log: logs outlive the purged mail (personal data).
    log.info("outbox: message %s (%s) queued", message.id, kind)
    return message


def claim(*, limit: int = 20) -> list[int]:
    """Take due messages for this worker. On PostgreSQL, SKIP LOCKED lets several workers run
    side by side without taking the same message; SQLite serialises writers anyway."""
    return claim_due(
        db.session,
        OutboxMessage,
        pending=OutboxStatus.PENDING,
        sending=OutboxStatus.SENDING,
        timeout=CLAIM_TIMEOUT,
        limit=limit,
    )


def deliver(message_id: int, mailer: Mailer) -> bool:
    """Send one claimed message and record the outcome; failures wait longer each time."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != OutboxStatus.SENDING:
        return False
    # The worker's lines about this message carry the id of the request that queued it.
    with bind_request_id(message.request_id):
        return _deliver(message, mailer)


def _deliver(message: OutboxMessage, mailer: Mailer) -> bool:
    try:
        mailer.send(build_email(message, sender=mailer.sender))
    except Exception as exc:
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.PARKED
            log.error("outbox: message %s parked after %s attempts", message.id, message.attempts)
        else:
            message.status = OutboxStatus.PENDING
            message.next_attempt_at = utcnow() + timedelta(seconds=30 * 2**message.attempts)
            log.warning("outbox: message %s failed (%s); retry later", message.id, exc)
        db.session.commit()
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.attempts += 1
    db.session.commit()
    log.info("outbox: message %s (%s) sent", message.id, message.kind)
    return True


def run_once(mailer: Mailer, *, limit: int = 20) -> tuple[int, int]:
    """One pass: (sent, failed)."""
    sent = failed = 0
    # Every worker transaction writes: on SQLite it must take the write lock when it begins,
    # or two workers reading then writing would trip over each other (see fairplanner.db).
    token = sqlite_write_intent.set(True)
    try:
        for message_id in claim(limit=limit):
            if deliver(message_id, mailer):
                sent += 1
            else:
                failed += 1
    finally:
        sqlite_write_intent.reset(token)
    return sent, failed
