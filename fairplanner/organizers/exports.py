"""Attendee lists as CSV (UTF-8 with a BOM, for Excel) and XLSX, safe from formula injection."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from fairplanner.i18n import MINSK

# A cell starting with one of these (after any spaces) may be taken for a formula when a CSV is
# opened in Excel or LibreOffice; the full-width forms too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


FORMULA_FIRST = frozenset(FORMULA_START)


def neutralize(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV)."""
    if isinstance(value, str) and value.lstrip(" \u00a0")[:1] in FORMULA_FIRST:
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralize(h) for h in header])
    writer.writerows([_cell(v) for v in row] for row in rows)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _cell(value: Any) -> Any:
    """A CSV cell: ISO dates, plain decimals, and text that cannot be taken for a formula."""
    if isinstance(value, str):
        return "'" + value if value.lstrip(" \u00a0")[:1] in FORMULA_FIRST else value
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """One sheet: bold header row frozen, dates as dates, columns sized to their contents."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31] or "Sheet"
    sheet.append([str(h) for h in header])
    widths = [len(str(h)) for h in header]
    for row in rows:
        values = []
        for i, value in enumerate(row):
            if isinstance(value, datetime):
                # Excel has no time zones: Minsk time, as everywhere in FairPlanner.
                value = value.astimezone(MINSK).replace(tzinfo=None)
            elif isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, str):
                value = ILLEGAL_XML.sub("", value)  # openpyxl refuses control characters
            values.append(value)
            widths[i] = max(widths[i], len(str(value or "")))
        sheet.append(values)
        # Text stays text: no cell of ours becomes a formula, and "+375…" keeps its plus.
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
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
