"""Reads of tickets: an application's people, a fair's tickets for the desk, the name search."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from fairplanner.catalogue.models import Fair, Venue
from fairplanner.extensions import db
from fairplanner.tickets.models import Ticket, TicketRole

SEARCH_MAX = 20


def people(registration_id: int, *, with_revoked: bool = False) -> Select[tuple[Ticket]]:
    """An application's people in the order they were named."""
    stmt = select(Ticket).where(Ticket.registration_id == registration_id)
    if not with_revoked:
        stmt = stmt.where(Ticket.revoked_at.is_(None))
    return stmt.order_by(Ticket.id)


def by_code(code: str) -> Ticket | None:
    return db.session.scalars(select(Ticket).where(Ticket.code == code)).first()


def eticket(code: str) -> Ticket | None:
    """A ticket with all its e-ticket page and mail show, in one statement: the fair with its
    venue and city, the application (hall and stand) and the company."""
    stmt = (
        select(Ticket)
        .where(Ticket.code == code)
        .options(
            joinedload(Ticket.fair).joinedload(Fair.venue).joinedload(Venue.city),
            joinedload(Ticket.registration),
            joinedload(Ticket.company),
        )
    )
    return db.session.scalars(stmt).first()


def fair_tickets(
    fair_id: int,
    *,
    role: TicketRole | None = None,
    company_id: int | None = None,
    hall: str | None = None,
    active_only: bool = True,
) -> Select[tuple[Ticket]]:
    """A fair's tickets sorted for the desk: by company, then by name (walk-ins by what the
    desk typed for their company); the company and application come with them (badges print
    both)."""
    from fairplanner.registrations.models import Registration

    stmt = (
        select(Ticket)
        .outerjoin(Registration, Registration.id == Ticket.registration_id)
        .where(Ticket.fair_id == fair_id)
        .options(joinedload(Ticket.company), joinedload(Ticket.registration))
    )
    if active_only:
        stmt = stmt.where(Ticket.revoked_at.is_(None))
    if role is not None:
        stmt = stmt.where(Ticket.role == role)
    if company_id is not None:
        stmt = stmt.where(Ticket.company_id == company_id)
    if hall:
        stmt = stmt.where(Registration.hall == hall)
    return stmt.order_by(Ticket.search_key.is_(None), Ticket.company_id, Ticket.name, Ticket.id)


def search_people(fair_id: int, text: str, limit: int = SEARCH_MAX) -> list[Ticket]:
    """The desk's name search: every word in the person's name or company (any case, Cyrillic
    included: `search_key` is folded on write), revoked tickets too (the desk says why)."""
    words = [w for w in text.casefold().split() if w][:5]
    if not words:
        return []
    stmt = select(Ticket).where(Ticket.fair_id == fair_id)
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Ticket.search_key.like(f"%{escaped}%", escape="\\"))
    stmt = stmt.options(joinedload(Ticket.company)).order_by(Ticket.name, Ticket.id).limit(limit)
    return list(db.session.scalars(stmt))
