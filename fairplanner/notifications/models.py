"""The transactional outbox: messages stored with the change that causes them."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fairplanner.db import UTCDateTime, db_enum, utcnow
from fairplanner.extensions import db
from fairplanner.titles import TitledEnum


class OutboxStatus(TitledEnum):
    PENDING = "pending"  # waiting for a worker (maybe after a failed attempt)
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    PARKED = "parked"  # kept failing: an admin looks at it
    __titles__ = MappingProxyType(
        {
            PENDING: _l("Waiting to be sent"),
            SENDING: _l("Being sent"),
            SENT: _l("Sent"),
            PARKED: _l("Parked after failures"),
        }
    )


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_email: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    lang: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # [{"filename": ..., "content_type": "text/calendar; method=PUBLISH", "data": "..."}]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Extra header fields, e.g. {"List-Unsubscribe": "<https://…>"}; delivery.build_email
    # refuses a name or value that could start another header (CR, LF).
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON, default=dict)
    # Made when the message is stored, so a retry after a crash carries the same Message-ID
    # and the receiving side can tell a duplicate.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        db_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The request that queued the message (fairplanner.observability): the worker's log lines
    # about it carry the same id. None when a command or the worker itself queued it.
    request_id: Mapped[str | None] = mapped_column(String(64))
    # The company a message is about (its applications, its fairs): deleting or exporting a
    # company finds its mail by this, never by the contact address, which anyone may type.
    company_id: Mapped[int | None] = mapped_column(Integer, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
