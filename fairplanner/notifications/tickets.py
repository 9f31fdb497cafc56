"""The e-ticket mail: one person's ticket, in their company's language (walk-ins: Russian).

It carries what the person needs at the door: the fair, its dates and venue address, their
role and stand, the code, the link to the e-ticket page, and two attachments: the QR code as
a PNG (shown at the entrance when the page cannot be opened) and the fair's .ics (the
company's own calendar entry, so that it updates the one its feed made; a walk-in's is the
fair's public one).

The outbox stores attachments as files only (no inline `cid:` parts), so the mail points to
the PNG in words and links to the e-ticket page, whose QR code is the same symbol.
"""

from __future__ import annotations

import base64

from babel.dates import format_date, format_interval
from flask_babel import force_locale

from fairplanner.accounts.models import User
from fairplanner.calendars.private import fair_attachment, public_fair_attachment
from fairplanner.catalogue.models import Fair
from fairplanner.core.urls import public_url
from fairplanner.i18n import FORMAT_LOCALES, localized
from fairplanner.notifications.services import enqueue
from fairplanner.tickets import qr
from fairplanner.tickets.badges import ROLE_COLOURS
from fairplanner.tickets.models import Ticket

WALK_IN_LANGUAGE = "ru"


def language_of(ticket: Ticket) -> str:
    """The company's mail language; a person with no company account reads Russian."""
    company = ticket.company
    lang = company.language if company is not None else WALK_IN_LANGUAGE
    return lang if lang in FORMAT_LOCALES else WALK_IN_LANGUAGE


def dates(fair: Fair, lang: str) -> str:
    """ "30 дек. 2026 г. – 1 янв. 2027 г." / "30 Dec 2026 – 1 Jan 2027" (British order, as the
    pages have it: force_locale("en") alone would give the American one)."""
    locale = FORMAT_LOCALES[lang]
    if fair.starts_on == fair.ends_on:
        return format_date(fair.starts_on, "long", locale=locale)
    return format_interval(fair.starts_on, fair.ends_on, "yMMMd", locale=locale)


def link(ticket: Ticket) -> str:
    """The e-ticket page's absolute address (fairplanner.tickets.views.eticket)."""
    return public_url(f"/tickets/{ticket.code}")


def qr_attachment(ticket: Ticket) -> dict[str, str]:
    return {
        "filename": f"{ticket.fair.slug}-ticket-qr.png",
        "content_type": "image/png",
        "encoding": "base64",
        "data": base64.b64encode(qr.png(ticket.code, scale=10)).decode("ascii"),
    }


def mailed(ticket: Ticket, *, actor: User | None) -> None:
    """Queue the e-ticket to the person's address (the services checked there is one)."""
    if not ticket.email or not ticket.active:
        return
    company = ticket.company
    if company is not None and company.erased_at is not None:
        return
    fair, registration = ticket.fair, ticket.registration
    lang = language_of(ticket)
    venue = fair.venue
    stand = registration is not None and registration.has_stand
    calendar = (
        fair_attachment(company, fair, lang=lang)
        if company is not None
        else public_fair_attachment(fair, lang=lang)
    )
    qr_file = qr_attachment(ticket)
    with force_locale(lang):
        details = {
            "name": ticket.name,
            "position": ticket.position,
            "company": ticket.company_title,
            "sent_by_company": company is not None,
            "role": str(ticket.role.title),
            "role_colour": ROLE_COLOURS.get(ticket.role.value, "#1b2430"),
            "fair_name": localized(fair, "name", lang),
            "dates": dates(fair, lang),
            "venue": localized(venue, "name", lang),
            "address": localized(venue, "address", lang),
            "city": localized(venue.city, "name", lang),
            "hall": registration.hall if stand else None,
            "stand": registration.stand if stand else None,
            "code": ticket.grouped_code,
            "link": link(ticket),
            "qr_file": qr_file["filename"],
        }
    enqueue(
        "ticket",
        to=ticket.email,
        lang=lang,
        reply_to=actor.email if actor is not None and actor.company_id is not None else None,
        company_id=ticket.company_id,
        attachments=[qr_file, calendar],
        **details,
    )
