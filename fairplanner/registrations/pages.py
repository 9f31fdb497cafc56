"""What registrations shows on the catalogue's fair page (fairplanner.compose): the places
held (whence where registration stands) and the reader's company's applications."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from flask_login import current_user

from fairplanner.catalogue import views as catalogue
from fairplanner.catalogue.models import Fair
from fairplanner.compose import Part
from fairplanner.extensions import db
from fairplanner.registrations import queries


def reader() -> tuple[int, ...]:
    """What the fair page's applications show of the reader: its company (loaded with the
    login, no query)."""
    company_id = current_user.company_id if current_user.is_authenticated else None
    return () if company_id is None else (company_id,)


def _fair_page(fair: Fair) -> Mapping[str, object]:
    taken = db.session.scalar(queries.capacity_taken(fair)) or 0
    mine = {}
    if current_user.is_authenticated and current_user.company_id:
        stmt = queries.company_registrations_for_fair(current_user.company_id, fair.id)
        mine = {r.role.value: r for r in db.session.scalars(stmt)}
    return {"taken": taken, "mine": mine}


def init_app(app: Flask) -> None:
    catalogue.FAIR_PAGE.provide(app, Part(_fair_page, reader))
