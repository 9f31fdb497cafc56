"""Attendee lists as CSV (UTF-8 with a BOM, for Excel) and XLSX, safe from formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# A cell starting with one of these is taken for a formula by Excel or LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralize(h) for h in header])
    for row in rows:
        writer.writerow([neutralize(_text(v)) for v in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _text(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else value


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """One sheet: bold header row frozen, dates as dates, columns sized to their contents."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31] or "Sheet"
    sheet.append([neutralize(h) for h in header])
    widths = [len(str(h)) for h in header]
    for row in rows:
        values = []
        for i, value in enumerate(row):
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)  # Excel has no time zones
            elif isinstance(value, Decimal):
                value = float(value)
            values.append(neutralize(value))
            widths[i] = max(widths[i], len(str(value or "")))
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
