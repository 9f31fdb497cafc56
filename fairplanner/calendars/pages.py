"""What calendars shows on "My fairs" (fairplanner.compose): the company's calendar feed."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for

from fairplanner.accounts.models import Company
from fairplanner.calendars import queries, services
from fairplanner.calendars.links import feed_links
from fairplanner.compose import Part
from fairplanner.extensions import db
from fairplanner.i18n import current_language
from fairplanner.registrations import views as registrations


def _my_fairs(company: Company) -> Mapping[str, object]:
    token = db.session.scalar(queries.active_token(company.id))
    if token is None:  # the first visit makes the company's feed address
        token = services.feed_token(company)
        db.session.commit()
    feed = url_for("calendars.company_feed", token=token.token, lang=current_language())
    return {"feed": feed_links(feed)}


def init_app(app: Flask) -> None:
    registrations.MY_FAIRS.provide(app, Part(_my_fairs))
