"""What tickets show on a company's application page (fairplanner.compose): once approved,
how many of its people are named and a link to them, their e-tickets and badges."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for
from sqlalchemy import func, select

from fairplanner.compose import Part
from fairplanner.extensions import db
from fairplanner.registrations import views as registrations
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus
from fairplanner.tickets import services
from fairplanner.tickets.models import Ticket


def _application_page(registration: Registration) -> Mapping[str, object]:
    if registration.status != RegistrationStatus.APPROVED:
        return {"tickets": None}
    named = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.registration_id == registration.id, Ticket.revoked_at.is_(None))
    )
    if not named and registration.role == RegistrationRole.VISITOR:
        # A delegation approved before tickets existed gets them on its people page.
        named = len(registration.delegates or [])
    return {
        "tickets": {
            "url": url_for("tickets.people", registration_id=registration.id),
            "named": named,
            "quota": services.quota(registration),
            "open": services.people_open(registration),
        }
    }


def init_app(app: Flask) -> None:
    registrations.APPLICATION_PAGE.provide(app, Part(_application_page))
