"""What organizers show on a company's pages (fairplanner.compose): on an application's
page, the messages the company received from the organizer about the fair."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from fairplanner.compose import Part
from fairplanner.extensions import db
from fairplanner.organizers.messages import queries as message_queries
from fairplanner.registrations import views as registrations
from fairplanner.registrations.models import Registration


def _application_page(registration: Registration) -> Mapping[str, object]:
    # Only the messages this company received about this fair.
    messages = db.session.scalars(
        message_queries.received(registration.company_id, registration.fair_id)
    ).all()
    return {"messages": messages}


def init_app(app: Flask) -> None:
    registrations.APPLICATION_PAGE.provide(app, Part(_application_page))
