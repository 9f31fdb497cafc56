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
    """A new address; the old one answers 410 Gone from now on."""
    for old in db.session.scalars(queries.active_token(company.id)):
        old.revoked_at = utcnow()
    db.session.flush()
    return feed_token(company)
