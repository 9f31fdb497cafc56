"""What the exhibitor catalogue shows on the catalogue's fair page (fairplanner.compose): the
link to the fair's exhibitors with their number (nothing of the reader)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for

from fairplanner.catalogue import views as catalogue
from fairplanner.catalogue.models import Fair
from fairplanner.compose import Part
from fairplanner.exhibitors import services


def _fair_page(fair: Fair) -> Mapping[str, object]:
    count = services.public_count(fair)
    url = url_for("exhibitors.listing", slug=fair.slug)
    return {"exhibitors": {"count": count, "url": url} if count else None}


def init_app(app: Flask) -> None:
    catalogue.FAIR_PAGE.provide(app, Part(_fair_page))
