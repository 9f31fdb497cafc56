"""A company's own calendar: the fairs it applied to and those it follows, each with its
registration deadline, and its alarms when the company asked for them.

`fair_calendar_for(company, fair, lang)` is the one way to the .ics of a fair for a company
(mail attachments, reminders): the same UIDs and SEQUENCE as the company's private feed, so
that opening the file updates the entries the feed made instead of adding copies.
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import force_locale
from flask_babel import gettext as _

from fairplanner.accounts.models import Company
from fairplanner.calendars import ical, queries
from fairplanner.calendars.context import context, refresh
from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db

FOLLOWED = "followed"  # the role part of a followed fair's UIDs (fair-<id>.c<company>-followed@)


def company_entries(
    company_id: int, *, deadlines: bool = True, fair_id: int | None = None
) -> list[ical.Entry]:
    """The company's calendar entries (for one fair: `fair_id`), soonest first: one per
    application in the feed, one per followed fair it did not apply to. The first entry of
    each fair carries its deadline (with `deadlines`) and its alarms."""
    rows = db.session.execute(queries.company_feed(company_id, fair_id=fair_id)).unique().all()
    entries = [
        ical.Entry(
            r.fair,
            status=r.status.value,
            version=int(versions or 0),
            changed_at=r.updated_at,
            owner=r.company_id,
            role=r.role.value,
            hall=r.hall if r.has_stand else None,
            stand=r.stand if r.has_stand else None,
        )
        for r, versions in rows
    ]
    followed = db.session.scalars(queries.followed_only(company_id, fair_id=fair_id)).unique()
    entries += [ical.Entry(fair, owner=company_id, role=FOLLOWED) for fair in followed]
    # Stable: the applications keep their order among fairs that open the same day.
    entries.sort(key=lambda entry: entry.fair.starts_on)
    seen: set[int] = set()
    result = []
    for entry in entries:
        first = entry.fair.id not in seen
        seen.add(entry.fair.id)
        result.append(replace(entry, deadline=deadlines and first, remind=first))
    return result


def company_context(company: Company, lang: str) -> ical.Context:
    """The builders' context for the company's own calendars: with alarms if it wants them."""
    return replace(context(lang), alarms=company.calendar_alarms)


def fair_calendar_for(company: Company, fair: Fair, lang: str) -> bytes:
    """The .ics of `fair` for `company` in `lang` ("ru" or "en"): its entries of the fair as
    in its private feed (applications, or the followed fair), else the fair as the public
    download has it; with the registration deadline, the programme, and VALARMs when the
    company turned alarms on. Reads, never writes."""
    entries = company_entries(company.id, fair_id=fair.id) or [ical.Entry(fair, deadline=True)]
    with force_locale(lang):
        name = _("My fairs · FairPlanner")
    return ical.build_calendar(
        entries, company_context(company, lang), name=name, refresh=refresh()
    )


def fair_attachment(company: Company, fair: Fair, *, lang: str) -> dict[str, str]:
    """`fair_calendar_for` as a mail attachment (notifications.services.enqueue)."""
    return {
        "filename": f"{fair.slug}.ics",
        "content_type": "text/calendar; method=PUBLISH; charset=utf-8",
        "data": fair_calendar_for(company, fair, lang).decode("utf-8"),
    }
