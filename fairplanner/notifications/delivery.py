"""Turning an outbox row into a MIME message, and handing it to SMTP (or to a file)."""

from __future__ import annotations

import base64
import logging
import re
import smtplib
import ssl
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from fairplanner.db import utcnow
from fairplanner.notifications.models import OutboxMessage

log = logging.getLogger(__name__)
HEADER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,75}")
# Set by build_email itself: a message's extra headers may not replace them.
RESERVED_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "sender"}
)


def checked_headers(headers: dict[str, str] | None) -> dict[str, str]:
    """Extra header fields as they may go into a message: a name of letters, digits and
    hyphens that build_email does not set itself, a value without CR, LF or NUL (which
    would start another header or end them all). Anything else raises ValueError."""
    checked = {}
    for name, value in (headers or {}).items():
        if not HEADER_NAME.fullmatch(name) or name.lower() in RESERVED_HEADERS:
            raise ValueError(f"header name not allowed: {name!r}")
        if not isinstance(value, str) or any(c in value for c in "\r\n\x00"):
            raise ValueError(f"header value of {name} holds a line break")
        checked[name] = value
    return checked


def set_subject(email: EmailMessage, subject: str) -> None:
    """The Subject, encoded per RFC 2047 where it is not ASCII.

    The email package's own folding (CPython 3.11-3.13) splits a long Cyrillic subject into
    encoded words at a space and drops that space: readers decode the words back to back, so
    "последний день" arrived as "последнийдень". Here the legacy `Header` encodes the whole
    subject, spaces inside the encoded words, and folds it; the folded value is stored as it is
    (the policy writes short lines of a plain string unchanged), since assigning it through
    `email["Subject"]` would parse and fold it again.
    """
    if subject.isascii():
        email["Subject"] = subject
        return
    encoded = Header(subject, "utf-8", header_name="Subject").encode(linesep="\n")
    email._headers.append(("Subject", encoded))  # type: ignore[attr-defined]


def build_email(message: OutboxMessage, *, sender: str) -> EmailMessage:
    """Plain text and HTML alternatives, attachments, RFC 2047 subject, UTF-8 bodies."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_email
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    set_subject(email, message.subject)
    email["Date"] = format_datetime(message.created_at or utcnow())
    email["Message-ID"] = message.message_id
    for name, value in checked_headers(message.headers).items():
        email[name] = value
    email.set_content(message.body_text, charset="utf-8")
    email.add_alternative(message.body_html, subtype="html", charset="utf-8")
    # After the bodies: set_content() drops Content-* headers set before it.
    email["Content-Language"] = message.lang
    for item in message.attachments or []:
        maintype, _slash, rest = item["content_type"].partition("/")
        subtype, *params = [p.strip() for p in rest.split(";")]
        extra = dict(p.split("=", 1) for p in params if "=" in p)
        # Text (an .ics) is stored as it is; binary files (a PDF) as base64.
        data = item["data"]
        raw = base64.b64decode(data) if item.get("encoding") == "base64" else data.encode("utf-8")
        email.add_attachment(
            raw,
            maintype=maintype,
            subtype=subtype,
            filename=item["filename"],
            params=extra,
        )
    return email


class Mailer:
    """SMTP from the configuration; with no host, .eml files under instance/mail/."""

    def __init__(self, config: dict[str, Any], instance_path: str) -> None:
        self.host = config.get("MAIL_HOST")
        self.port = int(config.get("MAIL_PORT") or 25)
        self.security = (config.get("MAIL_SECURITY") or "").lower()  # "", "starttls", "tls"
        self.user = config.get("MAIL_USER")
        self.password = config.get("MAIL_PASSWORD")
        self.sender = config.get("MAIL_SENDER") or "FairPlanner <noreply@fairplanner.invalid>"
        self.timeout = float(config.get("MAIL_TIMEOUT") or 20)
        self.folder = Path(instance_path) / "mail"

    def send(self, email: EmailMessage) -> None:
        if not self.host:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = email["Message-ID"].strip("<>").replace("@", "_at_") + ".eml"
            (self.folder / name).write_bytes(bytes(email))
            log.info("mail written to %s (no MAIL_HOST set)", self.folder / name)
            return
        context = ssl.create_default_context()
        smtp_class = smtplib.SMTP_SSL if self.security == "tls" else smtplib.SMTP
        kwargs = {"context": context} if self.security == "tls" else {}
        with smtp_class(self.host, self.port, timeout=self.timeout, **kwargs) as smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(email)
