"""The attendee exports: the console's CSV and Excel files of the list as filtered."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response

from fairplanner import spreadsheets
from fairplanner.api import auth
from fairplanner.api import organizer_schemas as schemas
from fairplanner.api.organizer import blp, problems, scoped_fair
from fairplanner.api.organizer.forms import attendee_filters
from fairplanner.i18n import current_language
from fairplanner.organizers import listing

BINARY = {"type": "string", "format": "binary"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chunks(data: bytes, size: int = 64 * 1024) -> Iterable[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _download(data: bytes, content_type: str, filename: str) -> Response:
    return Response(
        _chunks(data),
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Length": str(len(data)),
        },
    )


@blp.get("/fairs/<slug>/applications.csv")
@auth.secured(blp)
@blp.arguments(schemas.CsvQuerySchema, location="query", as_kwargs=True)
@blp.response(200, BINARY, content_type="text/csv", description="The list as the console's CSV")
@problems(404, 422)
def export_csv(slug: str, dialect: str = "excel", **_checked: Any) -> Response:
    """Export the applications as CSV.

    The list as filtered, as the console exports it: for Excel (`;`, UTF-8 with a BOM) or
    comma-separated; cells that a spreadsheet would run as a formula are made plain text."""
    fair = scoped_fair(slug)
    header, rows = listing.table(fair.id, attendee_filters())
    chosen = spreadsheets.Dialect(dialect)
    suffix = "" if chosen == spreadsheets.Dialect.EXCEL else "-comma"
    return _download(
        spreadsheets.to_csv(header, rows, dialect=chosen),
        "text/csv; charset=utf-8",
        f"{fair.slug}-registrations{suffix}.csv",
    )


@blp.get("/fairs/<slug>/applications.xlsx")
@auth.secured(blp)
@blp.arguments(schemas.ExportQuerySchema, location="query", as_kwargs=True)
@blp.response(200, BINARY, content_type=XLSX, description="The list as an Excel workbook")
@problems(404, 422)
def export_xlsx(slug: str, **_checked: Any) -> Response:
    """Export the applications as an Excel workbook.

    The list as filtered, as the console exports it."""
    fair = scoped_fair(slug)
    header, rows = listing.table(fair.id, attendee_filters())
    data = spreadsheets.to_xlsx(header, rows, title=fair.slug, lang=current_language())
    return _download(data, XLSX, f"{fair.slug}-registrations.xlsx")
