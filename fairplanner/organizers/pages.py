"""What organizers show on other packages' pages (fairplanner.compose): on an application's
page, the messages the company received from the organizer about the fair; on the fair page,
the days a published fair was to start on before it moved (its structured data says
"rescheduled"), from the fair's change log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import Flask
from sqlalchemy import select

from fairplanner.catalogue import views as catalogue
from fairplanner.catalogue.models import Fair
from fairplanner.compose import Part
from fairplanner.extensions import db
from fairplanner.organizers.messages import queries as message_queries
from fairplanner.organizers.models import FairChange
from fairplanner.registrations import views as registrations
from fairplanner.registrations.models import Registration


def _application_page(registration: Registration) -> Mapping[str, object]:
    # Only the messages this company received about this fair.
    messages = db.session.scalars(
        message_queries.received(registration.company_id, registration.fair_id)
    ).all()
    return {"messages": messages}


def _fair_page(fair: Fair) -> Mapping[str, object]:
    return {"previous_starts": previous_starts(fair)}


def previous_starts(fair: Fair) -> list[date]:
    """The days the fair was to start on, once published, before an edit moved it (oldest
    first; not its current day)."""
    rows = db.session.execute(
        select(FairChange.action, FairChange.changes)
        .where(FairChange.fair_id == fair.id, FairChange.action.in_(("published", "edited")))
        .order_by(FairChange.at, FairChange.id)
    )
    published, found = False, []
    for action, changes in rows:
        if action == "published":
            published = True
        elif published and "starts_on" in (changes or {}):
            day = date.fromisoformat(changes["starts_on"][0])
            if day != fair.starts_on and day not in found:
                found.append(day)
    return found


def init_app(app: Flask) -> None:
    registrations.APPLICATION_PAGE.provide(app, Part(_application_page))
    catalogue.FAIR_PAGE.provide(app, Part(_fair_page))
