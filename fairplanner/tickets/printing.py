"""From tickets to badges: what each badge prints, in the reader's language, and the PDF.

The company's badges, the organizer's bulk printing and the desk's walk-in badge all come
through `badges_pdf`, so a badge looks the same whoever prints it.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import force_locale
from sqlalchemy import select

from fairplanner.catalogue.models import Fair
from fairplanner.display import country_name
from fairplanner.extensions import db
from fairplanner.i18n import FORMAT_LOCALES, format_date_range, localized
from fairplanner.media.models import Image, MediaBlob
from fairplanner.tickets.badges import Badge, render
from fairplanner.tickets.models import Ticket

LAYOUTS = ("a6", "a4")


def _logo(fair: Fair) -> bytes | None:
    """The fair's logo as stored at its largest size (the PDF scales it down)."""
    if fair.logo_id is None:
        return None
    return db.session.scalar(
        select(MediaBlob.data)
        .join(Image, Image.full_hash == MediaBlob.hash)
        .where(Image.id == fair.logo_id)
    )


def badge_of(ticket: Ticket, lang: str, *, logo: bytes | None = None) -> Badge:
    """One ticket's badge in `lang` (the caller has forced that locale)."""
    fair = ticket.fair
    registration = ticket.registration
    company = ticket.company
    venue = fair.venue
    return Badge(
        code=ticket.code,
        name=ticket.name,
        position=ticket.position,
        company=ticket.company_title,
        country=country_name(company.country) if company is not None else None,
        role=ticket.role.value,
        role_title=str(ticket.role.title),
        stand=registration.stand_number if registration is not None else None,
        fair_name=localized(fair, "name", lang),
        dates=format_date_range(fair.starts_on, fair.ends_on),
        venue=", ".join(
            p for p in (localized(venue, "name", lang), localized(venue.city, "name", lang)) if p
        )
        or None,
        logo=logo,
    )


def badges_pdf(tickets: Sequence[Ticket], *, lang: str, layout: str = "a6") -> bytes:
    """The badges of `tickets` (one fair's) as a PDF in `lang`; ValueError when there are none."""
    if not tickets:
        raise ValueError("no badges to print")
    lang = lang if lang in FORMAT_LOCALES else "ru"
    logo = _logo(tickets[0].fair)
    with force_locale(lang):
        badges = [badge_of(ticket, lang, logo=logo) for ticket in tickets]
    return render(badges, layout=layout if layout in LAYOUTS else "a6")
