"""What B2B meetings show on other packages' pages (fairplanner.compose): on the fair page,
the programme's days and a link to it (nothing of the reader); on a company's application
page, where the fair has a programme, whether the company takes part and its links."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for

from fairplanner.catalogue import views as catalogue
from fairplanner.catalogue.models import Fair
from fairplanner.compose import Part
from fairplanner.extensions import db
from fairplanner.meetings import queries, services
from fairplanner.meetings.models import Programme
from fairplanner.registrations import views as registrations
from fairplanner.registrations.models import Registration


def _summary(programme: Programme) -> dict[str, object]:
    return {
        "url": url_for("meetings.programme", slug=programme.fair.slug),
        "days": programme.day_dates,
        "starts": programme.day_starts,
        "ends": programme.day_ends,
        "deadline": programme.request_deadline,
    }


def _fair_page(fair: Fair) -> Mapping[str, object]:
    programme = db.session.scalar(queries.programme(fair.id))
    return {"b2b": _summary(programme) if programme is not None else None}


def _application_page(registration: Registration) -> Mapping[str, object]:
    programme = db.session.scalar(queries.programme(registration.fair_id))
    if programme is None:
        return {"b2b": None}
    participant = db.session.scalar(
        queries.participant_of(registration.fair_id, registration.company_id)
    )
    taking_part = participant is not None and participant.active
    qualifying = services.qualifying_registration(programme, registration.company_id)
    return {
        "b2b": {
            **_summary(programme),
            "taking_part": taking_part,
            "may_join": not taking_part and qualifying is not None and programme.open,
            "mine": url_for("meetings.mine", slug=programme.fair.slug),
            "join": url_for("meetings.profile", slug=programme.fair.slug),
        }
    }


def init_app(app: Flask) -> None:
    catalogue.FAIR_PAGE.provide(app, Part(_fair_page))
    registrations.APPLICATION_PAGE.provide(app, Part(_application_page))
