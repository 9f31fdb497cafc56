"""The reminder mails: what each one says, in the company's language, and its unsubscribe link."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from babel.dates import format_date, format_interval, format_time
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from fairplanner.accounts.models import Company, User
from fairplanner.calendars.private import fair_attachment
from fairplanner.catalogue.models import Fair, ProgrammeEvent
from fairplanner.i18n import FORMAT_LOCALES, MINSK, localized
from fairplanner.notifications.delivery import checked_headers
from fairplanner.notifications.models import OutboxMessage
from fairplanner.notifications.services import enqueue
from fairplanner.registrations.models import Registration
from fairplanner.reminders.models import ReminderKind

UNSUBSCRIBE_SALT = "reminders-unsubscribe"


def _serializer() -> URLSafeSerializer:
    # No expiry: an old mail's link must still work (RFC 8058 one-click), and all it can do
    # is turn off one kind of mail for one member.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: ReminderKind) -> str:
    return _serializer().dumps({"u": user_id, "k": kind.value})


def read_unsubscribe_token(token: str) -> tuple[int, ReminderKind] | None:
    """(member id, kind) from a link, or None for a forged or mangled one."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    try:
        return payload["u"], ReminderKind(payload.get("k"))
    except ValueError:
        return None


def _url(path: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}{path}"


def day(value: date, lang: str) -> str:
    """ "12 мая 2027 г." / "12 May 2027"."""
    return format_date(value, "long", locale=FORMAT_LOCALES[lang])


def day_month(value: date, lang: str) -> str:
    """ "8 марта" / "8 March": a reminder's date, days away (and no "г." to end a sentence)."""
    return format_date(value, "d MMMM", locale=FORMAT_LOCALES[lang])


def dates(fair: Fair, lang: str) -> str:
    if fair.starts_on == fair.ends_on:
        return day(fair.starts_on, lang)
    return format_interval(fair.starts_on, fair.ends_on, "yMMMd", locale=FORMAT_LOCALES[lang])


def place(fair: Fair, lang: str) -> str:
    parts = (localized(fair.venue, "name", lang), localized(fair.venue.city, "name", lang))
    return ", ".join(p for p in parts if p)


def fair_summary(fair: Fair, lang: str) -> dict[str, Any]:
    return {
        "name": localized(fair, "name", lang),
        "dates": dates(fair, lang),
        "place": place(fair, lang),
        "url": _url(f"/fairs/{fair.slug}"),
        "cancelled": fair.status.value == "cancelled",
    }


def programme_items(items: Iterable[ProgrammeEvent], lang: str) -> list[dict[str, str]]:
    """Each item's day and times in Minsk, as the fair's page shows them."""
    locale = FORMAT_LOCALES[lang]
    rows = []
    for item in items:
        starts, ends = item.starts_at.astimezone(MINSK), item.ends_at.astimezone(MINSK)
        rows.append(
            {
                "day": format_date(starts.date(), "EEEE, d MMMM", locale=locale),
                "time": f"{format_time(starts, 'HH:mm', locale=locale)}–"
                f"{format_time(ends, 'HH:mm', locale=locale)}",
                "title": localized(item, "title", lang),
                "hall": localized(item, "hall", lang),
            }
        )
    return rows


def send(
    kind: ReminderKind,
    users: Iterable[User],
    company: Company,
    *,
    attachments: list[dict[str, Any]] | None = None,
    **context: Any,
) -> list[OutboxMessage]:
    """One mail per member, in the company's language, each with its own unsubscribe link."""
    lang = company.language if company.language in ("ru", "en") else "ru"
    messages = []
    for user in users:
        unsubscribe = _url(f"/unsubscribe/{unsubscribe_token(user.id, kind)}")
        message = enqueue(
            kind.mail,
            to=user.email,  # type: ignore[arg-type]
            lang=lang,
            company_id=company.id,
            attachments=attachments,
            company_name=company.display_name,
            unsubscribe_url=unsubscribe,
            settings_url=_url("/account/notifications"),
            **context,
        )
        # RFC 8058: a mail client offers "Unsubscribe" and POSTs to the link itself.
        message.headers = checked_headers(
            {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        )
        messages.append(message)
    return messages


def deadline_context(fair: Fair, *, days_before: int, lang: str) -> dict[str, Any]:
    return {
        "fair": fair_summary(fair, lang),
        "deadline": day_month(fair.registration_deadline, lang),
        "days": days_before,
    }


def opening_context(
    fair: Fair,
    registrations: list[Registration],
    items: list[ProgrammeEvent],
    *,
    lang: str,
) -> dict[str, Any]:
    return {
        "fair": fair_summary(fair, lang),
        "opens": day_month(fair.starts_on, lang),
        "registrations": registrations,
        "registration_urls": {r.id: _url(f"/my/registrations/{r.id}") for r in registrations},
        "programme": programme_items(items, lang),
    }


def opening_attachments(registrations: list[Registration], *, lang: str) -> list[dict[str, Any]]:
    """The fair's calendar entry for the company: its own entries for the fair, as in its
    private feed, with the alarms it asked for (calendars.private.fair_calendar_for)."""
    first = registrations[0]
    return [fair_attachment(first.company, first.fair, lang=lang)]
