"""Everything FairPlanner keeps about a company and the member asking, as one zip.

`data.json` holds the company profile, its members (without password hashes), the member's own
account and consents, the applications with their history, the invitations, the calendar feed
addresses (when made and whether live, never the secret token) and the log of mail sent to the
company's or the member's address (never the bodies: they hold sign-in and reset links).
`applications.csv` lists the applications for a spreadsheet, written by the console's CSV
writer (`;`, a BOM, every cell quoted, formulas neutralised).

Only rows of this company (and this member) are read: the company id is the one filter.
Codes are given by name in the member's language (a person reads this file too); times are
ISO 8601 in UTC, as a machine-readable file should have them.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from fairplanner import display
from fairplanner.accounts.models import Company, Invitation, User
from fairplanner.calendars.models import CalendarToken
from fairplanner.catalogue.models import Fair, Venue
from fairplanner.db import utcnow
from fairplanner.extensions import db
from fairplanner.i18n import localized
from fairplanner.notifications.models import OutboxMessage
from fairplanner.privacy import queries
from fairplanner.privacy.notice import PRIVACY_NOTICE_VERSION
from fairplanner.registrations.models import Registration, RegistrationRole, VisitAim
from fairplanner.spreadsheets import Dialect, to_csv
from fairplanner.tickets.models import Ticket

FORMAT_VERSION = 1


def _time(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _decimal(value: Decimal | None) -> str | None:
    return format(value.normalize(), "f") if value is not None else None


def registrations(company_id: int) -> list[Registration]:
    # The fair, its venue and city are one row each (joined); history is a collection (IN).
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.company_id == company_id)
            .options(
                joinedload(Registration.fair).joinedload(Fair.venue).joinedload(Venue.city),
                selectinload(Registration.history),
            )
            .order_by(Registration.created_at, Registration.id)
        )
    )


def _company(company: Company) -> dict[str, Any]:
    return {
        "legal_name": company.legal_name,
        "short_name": company.short_name,
        "country": display.country_name(company.country) or None,
        "region": display.region_name(company.country, company.region) or None,
        "tax_id": company.tax_id,
        "ogrn": company.ogrn,
        "sectors": [localized(s, "name") for s in company.sectors],
        "products": company.products,
        "website": company.website,
        "contact_person": company.contact_person,
        "phone": company.phone,
        "email": company.email,
        "mail_language": company.language,
        "notify_confirmations": company.notify_confirmations,
        "created_at": _time(company.created_at),
        "updated_at": _time(company.updated_at),
    }


def _member(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "active": user.active,
        "created_at": _time(user.created_at),
        "last_login_at": _time(user.last_login_at),
        "email_verified_at": _time(user.email_verified_at),
    }


def _actor(actor_id: int | None, members: dict[int, str]) -> str | None:
    """A colleague by address; anyone else (an organizer's staff) only as "the organizer"."""
    if actor_id is None:
        return None
    return members.get(actor_id) or _("the organizer")


def _people(ticket: Ticket) -> dict[str, Any]:
    return {
        "name": ticket.name,
        "position": ticket.position,
        "email": ticket.email,
        "role": display.label(ticket.role),
        "revoked": ticket.revoked_at is not None,
        "e_ticket_sent_at": _time(ticket.emailed_at) if ticket.emailed_at else None,
    }


def _application(
    registration: Registration, members: dict[int, str], people: list[Ticket]
) -> dict[str, Any]:
    fair = registration.fair
    return {
        "id": registration.id,
        "fair": localized(fair, "name"),
        "fair_dates": [_time(fair.starts_on), _time(fair.ends_on)],
        "venue": ", ".join(
            p for p in (localized(fair.venue, "name"), localized(fair.venue.city, "name")) if p
        ),
        "role": display.label(registration.role),
        "status": display.label(registration.status),
        "stand_type": display.label(registration.stand_type) or None,
        "area_sqm": _decimal(registration.area),
        "needs_power": registration.needs_power,
        "needs_water": registration.needs_water,
        "needs_internet": registration.needs_internet,
        "products": registration.products,
        "note": registration.note,
        "delegates": registration.delegates,
        # The people the company named for badges and e-tickets (the codes are left out: a
        # code admits its holder, and an export travels).
        "people": [_people(ticket) for ticket in people],
        "aims": [display.label(a, VisitAim) for a in registration.aims],
        "reject_reason": registration.reject_reason,
        "submitted_by": _actor(registration.created_by_id, members),
        "created_at": _time(registration.created_at),
        "updated_at": _time(registration.updated_at),
        "history": [
            {
                "at": _time(change.at),
                "action": change.action,
                "by": _actor(change.actor_id, members),
                "status_from": change.status_from,
                "status_to": change.status_to,
                "changes": change.changes,
            }
            for change in registration.history
        ],
    }


def export_data(company: Company, user: User, applications: list[Registration]) -> dict[str, Any]:
    """The contents of data.json."""
    members = {m.id: m.email for m in company.members}
    consents = db.session.scalars(queries.consents(user.id))
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.company_id == company.id)
        .order_by(Invitation.created_at, Invitation.id)
    )
    feeds = db.session.scalars(
        select(CalendarToken)
        .where(CalendarToken.company_id == company.id)
        .order_by(CalendarToken.created_at, CalendarToken.id)
    )
    # Mail about the company, and to the members' own (login) addresses: never by the contact
    # address, which is typed in the profile and would list mail to whomever it names.
    addresses = {m.email for m in company.members if m.email} | {user.email}
    mail = db.session.scalars(
        select(OutboxMessage)
        .where(
            or_(
                OutboxMessage.company_id == company.id,
                *(OutboxMessage.to_email == a for a in addresses),
            )
        )
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    people: dict[int, list[Ticket]] = defaultdict(list)
    for ticket in db.session.scalars(
        select(Ticket)
        .where(Ticket.registration_id.in_([r.id for r in applications]))
        .order_by(Ticket.id)
    ):
        people[ticket.registration_id].append(ticket)
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": _time(utcnow()),
        "company": _company(company),
        "members": [_member(m) for m in company.members],
        "you": _member(user)
        | {
            "consents": [
                {
                    "notice_version": c.notice_version,
                    "language": c.lang,
                    "given_at": _time(c.given_at),
                }
                for c in consents
            ],
            "current_notice_version": PRIVACY_NOTICE_VERSION,
        },
        "applications": [_application(r, members, people[r.id]) for r in applications],
        "invitations": [
            {
                "email": i.email,
                "invited_by": _actor(i.invited_by_id, members),
                "created_at": _time(i.created_at),
                "expires_at": _time(i.expires_at),
                "accepted_at": _time(i.accepted_at),
            }
            for i in invitations
        ],
        "calendar_feeds": [
            {
                "created_at": _time(f.created_at),
                "revoked_at": _time(f.revoked_at),
                "live": f.revoked_at is None,
            }
            for f in feeds
        ],
        "mail": [
            {
                "to": m.to_email,
                "subject": m.subject,
                "status": m.status.value,
                "created_at": _time(m.created_at),
                "sent_at": _time(m.sent_at),
            }
            for m in mail
        ],
    }


def _csv_rows(applications: Iterable[Registration]) -> Iterable[list[Any]]:
    for r in applications:
        fair = r.fair
        exhibitor = r.role == RegistrationRole.EXHIBITOR
        yield [
            localized(fair, "name"),
            fair.starts_on,
            fair.ends_on,
            display.label(r.role),
            display.label(r.status),
            display.label(r.stand_type) if exhibitor else "",
            r.area if exhibitor else None,
            r.products,
            "; ".join(
                ", ".join(p for p in (d.get("name"), d.get("position")) if p) for d in r.delegates
            ),
            ", ".join(display.label(a, VisitAim) for a in r.aims),
            r.reject_reason,
            r.created_at,
            r.updated_at,
        ]


def applications_csv(applications: list[Registration]) -> bytes:
    header = [
        _("Fair"),
        _("Starts"),
        _("Ends"),
        _("Role"),
        _("Status"),
        _("Stand type"),
        _("Area, m²"),
        _("Products"),
        _("Delegates"),
        _("Aims of the visit"),
        _("Reason for rejection"),
        _("Submitted"),
        _("Last changed"),
    ]
    return to_csv(header, _csv_rows(applications), dialect=Dialect.EXCEL)


def build_export(company: Company, user: User) -> bytes:
    """The zip a member downloads: data.json and applications.csv."""
    applications = registrations(company.id)
    data = export_data(company, user, applications)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("applications.csv", applications_csv(applications))
    return out.getvalue()
