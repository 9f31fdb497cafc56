"""Writing, sending and scheduling organizer messages; the rules live here.

Recipients are always a fair's own applications, chosen by status, role, country and sector,
read again when the message goes out. Each company gets one mail, at its contact address (the
address all mail about its applications goes to), in its language, or in the other language
when the staff wrote only that one. Sending is a conditional UPDATE (draft or scheduled -> sent)
in the same transaction as the mails it queues: two workers, or a double click, send once.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload

from fairplanner.accounts.models import Company, User
from fairplanner.calendars.private import fair_attachment
from fairplanner.catalogue.models import Fair, Sector
from fairplanner.db import sqlite_write_intent, utcnow
from fairplanner.display import company_name
from fairplanner.extensions import db
from fairplanner.i18n import localized
from fairplanner.notifications.messages import _dates
from fairplanner.notifications.services import enqueue
from fairplanner.organizers.messages.content import (
    LANGUAGES,
    Content,
    Filters,
    MessageError,
    TooManyMessages,
    Upload,
    check_pdf,
    content_of,
)
from fairplanner.organizers.messages.models import (
    Attachment,
    MessageFile,
    MessageRecipient,
    MessageStatus,
    MessageTemplate,
    OrganizerMessage,
)
from fairplanner.organizers.messages.text import body_html, one_line
from fairplanner.organizers.models import FairChange
from fairplanner.registrations.models import Registration

log = logging.getLogger(__name__)
PER_HOUR = 5  # messages sent or scheduled per fair per hour (ORGANIZER_MESSAGES_PER_HOUR)


# --- recipients -----------------------------------------------------------------------------


def _recipients(fair_id: int, filters: Filters) -> Select:
    """The fair's applications that match, one row per company (its first application)."""
    stmt = (
        select(Registration.company_id, func.min(Registration.id).label("registration_id"))
        .join(Company, Company.id == Registration.company_id)
        .where(
            Registration.fair_id == fair_id,
            Registration.status.in_(filters.statuses),
            Company.erased_at.is_(None),
        )
        .group_by(Registration.company_id)
    )
    if filters.roles:
        stmt = stmt.where(Registration.role.in_(filters.roles))
    if filters.countries:
        stmt = stmt.where(Company.country.in_(filters.countries))
    if filters.sectors:
        stmt = stmt.where(Company.sectors.any(Sector.code.in_(filters.sectors)))
    return stmt


@dataclass(frozen=True)
class Count:
    companies: int
    without_email: int


def count_recipients(fair_id: int, filters: Filters) -> Count:
    """How many companies the message would reach now, and how many of them have no address."""
    matching = _recipients(fair_id, filters).subquery()
    row = db.session.execute(
        select(func.count(), func.count().filter(Company.email.is_(None)))
        .select_from(matching)
        .join(Company, Company.id == matching.c.company_id)
    ).one()
    return Count(companies=row[0], without_email=row[1])


def recipient_names(fair_id: int, filters: Filters, *, limit: int = 200) -> list[str]:
    """The companies the message would reach now, by name (the first `limit`)."""
    matching = _recipients(fair_id, filters).subquery()
    companies = db.session.scalars(
        select(Company)
        .where(Company.id.in_(select(matching.c.company_id)))
        .order_by(Company.legal_name)
        .limit(limit)
    )
    return [company_name(c) for c in companies]


# --- drafts ---------------------------------------------------------------------------------


def save_draft(
    fair: Fair,
    *,
    author: User,
    content: Content,
    filters: Filters,
    attachment: Attachment,
    upload: Upload | None = None,
    message: OrganizerMessage | None = None,
) -> OrganizerMessage:
    """Create or change a draft; an upload replaces the PDF, none keeps it (flush only)."""
    if message is not None and message.status != MessageStatus.DRAFT:
        raise MessageError(_("Only a draft can be changed."))
    content = content.check()
    filters = filters.check()
    checked = check_pdf(upload) if upload is not None else None
    if message is None:
        message = OrganizerMessage(fair_id=fair.id, author_id=author.id)
        db.session.add(message)
    message.subject_ru, message.subject_en = content.subject_ru, content.subject_en
    message.body_ru, message.body_en = content.body_ru, content.body_en
    message.recipients_filter = filters.as_json()
    if checked is not None:
        message.file = MessageFile(
            filename=checked.filename, size=len(checked.data), data=checked.data
        )
    if attachment == Attachment.PDF and message.file is None:
        raise MessageError(_("Choose the PDF file to attach."))
    if attachment != Attachment.PDF:
        message.file = None
    message.attachment = attachment
    db.session.flush()
    return message


def delete_draft(message: OrganizerMessage) -> None:
    if message.status != MessageStatus.DRAFT:
        raise MessageError(_("Only a draft can be deleted."))
    db.session.delete(message)
    db.session.flush()


# --- sending --------------------------------------------------------------------------------


def _check_rate(fair_id: int, now: datetime) -> None:
    limit = current_app.config.get("ORGANIZER_MESSAGES_PER_HOUR", PER_HOUR)
    recent = db.session.scalar(
        select(func.count(OrganizerMessage.id)).where(
            OrganizerMessage.fair_id == fair_id,
            OrganizerMessage.queued_at >= now - timedelta(hours=1),
        )
    )
    if recent >= limit:
        raise TooManyMessages(
            _(
                "At most %(n)d messages per fair per hour: try again later, or put what you "
                "have to say into one message.",
                n=limit,
            )
        )


def _lock_fair(fair_id: int) -> None:
    """One send or schedule per fair at a time (the rate limit counts them); SQLite's
    write transactions are serialised anyway."""
    db.session.execute(select(Fair.id).where(Fair.id == fair_id).with_for_update())


def _move(message: OrganizerMessage, frm: MessageStatus, **values: Any) -> bool:
    """The conditional UPDATE: only the first of two racing requests or workers gets 1 row."""
    result = db.session.execute(
        update(OrganizerMessage)
        .where(OrganizerMessage.id == message.id, OrganizerMessage.status == frm)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(message)
    return result.rowcount == 1


def send_now(message: OrganizerMessage, *, now: datetime | None = None) -> int:
    """Send a draft at once; returns the number of companies. Flush only."""
    now = now or utcnow()
    _lock_fair(message.fair_id)
    _check_rate(message.fair_id, now)
    if not _move(
        message, MessageStatus.DRAFT, status=MessageStatus.SENT, queued_at=now, sent_at=now
    ):
        raise MessageError(_("This message has already been sent or scheduled."))
    return _deliver(message, now)


def schedule(message: OrganizerMessage, *, at: datetime, now: datetime | None = None) -> None:
    """Send a draft later (`at` is aware); `flask messages run` does it."""
    now = now or utcnow()
    if at <= now:
        raise MessageError(_("Choose a moment in the future."))
    if at > now + timedelta(days=366):
        raise MessageError(_("Choose a moment within a year."))
    _lock_fair(message.fair_id)
    _check_rate(message.fair_id, now)
    if not _move(
        message, MessageStatus.DRAFT, status=MessageStatus.SCHEDULED, scheduled_at=at, queued_at=now
    ):
        raise MessageError(_("This message has already been sent or scheduled."))


def unschedule(message: OrganizerMessage) -> None:
    """Back to a draft, if the job has not sent it yet."""
    if not _move(
        message,
        MessageStatus.SCHEDULED,
        status=MessageStatus.DRAFT,
        scheduled_at=None,
        queued_at=None,
    ):
        raise MessageError(_("This message is no longer scheduled: it may have just been sent."))


def run_due(*, now: datetime | None = None) -> int:
    """Send every scheduled message whose time has come; commits per message. Safe with
    several runs at once: each message is taken by one conditional UPDATE."""
    now = now or utcnow()
    token = sqlite_write_intent.set(True)
    sent = 0
    try:
        due = db.session.scalars(
            select(OrganizerMessage.id)
            .where(
                OrganizerMessage.status == MessageStatus.SCHEDULED,
                OrganizerMessage.scheduled_at <= now,
            )
            .order_by(OrganizerMessage.scheduled_at, OrganizerMessage.id)
        ).all()
        db.session.commit()
        for message_id in due:
            message = db.session.get(OrganizerMessage, message_id)
            if message is not None and _move(
                message, MessageStatus.SCHEDULED, status=MessageStatus.SENT, sent_at=now
            ):
                count = _deliver(message, now)
                log.info("messages: message %s sent to %s companies", message.id, count)
                sent += 1
            db.session.commit()
    finally:
        sqlite_write_intent.reset(token)
    return sent


def _attachments(
    message: OrganizerMessage, registration: Registration, lang: str
) -> list[dict[str, Any]]:
    if message.attachment == Attachment.ICS:
        # The company's own entry for the fair, as in its private feed (with its alarms).
        return [fair_attachment(registration.company, registration.fair, lang=lang)]
    if message.attachment == Attachment.PDF and message.file is not None:
        return [
            {
                "filename": message.file.filename,
                "content_type": "application/pdf",
                "encoding": "base64",
                "data": base64.b64encode(message.file.data).decode("ascii"),
            }
        ]
    return []


def mail_context(
    message: OrganizerMessage, fair: Fair, lang: str, *, company_name: str, link: str
) -> dict[str, Any]:
    """What email/organizer_message.* shows, in `lang` (the language written for it)."""
    content = content_of(message)
    body = getattr(content, f"body_{lang}")
    return {
        "message_subject": getattr(content, f"subject_{lang}"),
        "body": body,
        "body_html": body_html(body),
        "company_name": company_name,
        "fair_name": localized(fair, "name", lang),
        "organizer_name": localized(fair.organizer, "name", lang),
        "dates": _dates(fair, lang),
        "link": link,
    }


def _deliver(message: OrganizerMessage, now: datetime) -> int:
    """Queue one mail per matching company, record who got it, write the fair's log."""
    fair = db.session.get(Fair, message.fair_id)
    content = content_of(message)
    filters = Filters.from_json(message.recipients_filter)
    rows = db.session.execute(_recipients(fair.id, filters)).all()
    registrations = {
        r.id: r
        for r in db.session.scalars(
            select(Registration)
            .where(Registration.id.in_([row.registration_id for row in rows]))
            # Every mail names its company and carries its address and language.
            .options(joinedload(Registration.company))
        )
    }
    base = current_app.config["PUBLIC_BASE_URL"]
    for row in rows:
        registration = registrations[row.registration_id]
        company = registration.company
        lang = content.language_for(company.language if company.language in LANGUAGES else "ru")
        outbox_id = None
        if company.email:
            outbox_id = enqueue(
                "organizer_message",
                to=company.email,
                lang=lang,
                company_id=company.id,
                attachments=_attachments(message, registration, lang),
                **mail_context(
                    message,
                    fair,
                    lang,
                    company_name=company.display_name,
                    link=f"{base}/my/registrations/{registration.id}",
                ),
            ).id
        db.session.add(
            MessageRecipient(
                message_id=message.id,
                company_id=company.id,
                registration_id=registration.id,
                lang=lang,
                outbox_id=outbox_id,
            )
        )
    message.recipient_count = len(rows)
    db.session.add(
        FairChange(
            fair_id=fair.id,
            actor_id=message.author_id,
            at=now,
            action="message sent",
            changes={
                "subject_ru": [None, content.subject_ru],
                "subject_en": [None, content.subject_en],
                "recipients": [None, len(rows)],
            },
        )
    )
    db.session.flush()
    return len(rows)


# --- templates ------------------------------------------------------------------------------


def save_template(
    organizer_id: int, *, name: str, content: Content, template: MessageTemplate | None = None
) -> MessageTemplate:
    name = one_line(name) or ""
    if not name:
        raise MessageError(_("Give the template a name."))
    content = content.check()
    taken = db.session.scalar(
        select(MessageTemplate.id).where(
            MessageTemplate.organizer_id == organizer_id,
            MessageTemplate.name == name,
            MessageTemplate.id != (template.id if template else -1),
        )
    )
    if taken:
        raise MessageError(_("A template with this name exists already."))
    if template is None:
        template = MessageTemplate(organizer_id=organizer_id)
        db.session.add(template)
    template.name = name
    template.subject_ru, template.subject_en = content.subject_ru, content.subject_en
    template.body_ru, template.body_en = content.body_ru, content.body_en
    db.session.flush()
    return template


def delete_template(template: MessageTemplate) -> None:
    db.session.delete(template)
    db.session.flush()
