"""Writes for calendar feeds: the company's secret feed address. Never commits."""

from __future__ import annotations

import secrets

from fairplanner.accounts.models import Company
from fairplanner.calendars import queries
from fairplanner.calendars.models import CalendarToken
from fairplanner.db import utcnow
from fairplanner.extensions import db


def feed_token(company: Company) -> CalendarToken:
    """The company's current feed address, made on first use."""
    current = db.session.scalar(queries.active_token(company.id))
    if current is None:
        current = CalendarToken(company_id=company.id, token=secrets.token_urlsafe(32))
        db.session.add(current)
        db.session.flush()
    return current


def regenerate_token(company: Company) -> CalendarToken:
    """A new address, with the old one's choices; the old one answers 410 Gone from now on."""
    olds = list(db.session.scalars(queries.active_token(company.id)))
    for old in olds:
        old.revoked_at = utcnow()
    db.session.flush()
    new = feed_token(company)
    if olds:
        new.include_deadlines = olds[0].include_deadlines
        new.include_programme = olds[0].include_programme
        db.session.flush()
    return new


def set_feed_options(company: Company, *, deadlines: bool, programme: bool) -> CalendarToken:
    """Whether the company's feed holds the registration deadlines and the programme items."""
    token = feed_token(company)
    if (token.include_deadlines, token.include_programme) != (deadlines, programme):
        token.include_deadlines, token.include_programme = deadlines, programme
        token.changed_at = utcnow()
        db.session.flush()
    return token
