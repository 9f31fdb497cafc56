"""What following shows on the catalogue's pages (fairplanner.compose): the Follow buttons."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from flask_login import current_user

from fairplanner.catalogue import views as catalogue
from fairplanner.catalogue.models import Fair
from fairplanner.compose import Part
from fairplanner.following import queries


def reader() -> tuple[int, ...]:
    """What the Follow buttons show of the reader: its company's follow state, whose version
    the login statement loads with the company, so stored blocks are found without a query.
    Anonymous readers and staff without a company share blocks."""
    company = current_user.company if current_user.is_authenticated else None
    return () if company is None else (company.id, company.follows_version)


def follow_state() -> queries.FollowState | None:
    """The reader's company's followed fairs, read only when the blocks are rendered."""
    company = current_user.company if current_user.is_authenticated else None
    return queries.follow_state(company.id if company else None, here=catalogue.here())


def _list_page() -> Mapping[str, object]:
    return {"follow": follow_state()}


def _fair_page(fair: Fair) -> Mapping[str, object]:
    return {"follow": follow_state()}


def init_app(app: Flask) -> None:
    catalogue.LIST_PAGE.provide(app, Part(_list_page, reader))
    catalogue.FAIR_PAGE.provide(app, Part(_fair_page, reader))
