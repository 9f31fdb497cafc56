"""Tables as CSV and XLSX that open cleanly in Excel, and cannot run as formulas: the
organizers' attendee lists, a person's data export (fairplanner.privacy).

CSV comes in two dialects:

* `EXCEL` (the default, "CSV for Excel"): what Russian Excel opens with a double click —
  `;` between cells, UTF-8 with a BOM, decimals with the language's separator ("36,5" in
  Russian), times in Minsk time without seconds ("2026-11-27 14:05", which Excel reads as a date
  in every locale and the XLSX shows the same moment), phones as people write them
  ("+375 17 123-45-67").
* `COMMA` ("CSV for other programs"): for Google Sheets, LibreOffice and scripts — `,` between
  cells, a decimal point, the same times, phones in E.164 ("+375171234567").

Every cell is quoted, so a separator, a quote or a line break inside a value (a company named
`ООО Ромашка;=1+1;`) never splits or ends it.

Formula injection (OWASP "CSV Injection"): quoting alone does not stop a spreadsheet from
running `=HYPERLINK(…)`. The usual cure, a leading apostrophe, shows up literally when Excel or
LibreOffice opens a CSV ("'+375 17 …"). Instead, a cell whose first character (after spaces)
is one a spreadsheet takes for a formula (`= + - @`, tab, CR, LF and their full-width forms)
gets a leading TAB inside its quotes: Excel and LibreOffice then read the cell as text, show it
with a little indent, and a phone number stays "+375…" rather than becoming a sum. Tools that
read the CSV as data strip the tab with `str.strip()`.

XLSX has types, so it needs no such trick: every text cell is written as a string (never a
formula), dates as dates shown in the language's usual format, areas as numbers.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_decimal
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from fairplanner import display
from fairplanner.i18n import MINSK


class Dialect(enum.StrEnum):
    EXCEL = "excel"
    COMMA = "comma"


class Phone(str):
    """A phone number in E.164 ("+375171234567"): people's files show it as people write it
    ("+375 17 123-45-67"), the comma-separated file for other programs keeps E.164."""

    __slots__ = ()


# A cell starting with one of these (after any spaces) may be taken for a formula when a CSV is
# opened in Excel or LibreOffice; the full-width forms too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
FORMULA_FIRST = frozenset(FORMULA_START)
GUARD = "\t"
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CSV_TIME = "%Y-%m-%d %H:%M"  # Minsk time; the XLSX cells hold the same moment
XLSX_TIME = {"ru": "dd.mm.yyyy hh:mm", "en": "yyyy-mm-dd hh:mm"}
XLSX_DATE = {"ru": "dd.mm.yyyy", "en": "yyyy-mm-dd"}


def neutralize(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading tab (see above)."""
    if isinstance(value, str) and value.lstrip(" \u00a0")[:1] in FORMULA_FIRST:
        return GUARD + value
    return value


def to_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, dialect: Dialect = Dialect.EXCEL
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=";" if dialect == Dialect.EXCEL else ",",
        quoting=csv.QUOTE_ALL,
        lineterminator="\r\n",
    )
    writer.writerow([neutralize(str(h)) for h in header])
    writer.writerows([_cell(v, dialect) for v in row] for row in rows)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _cell(value: Any, dialect: Dialect) -> str:
    """A CSV cell: Minsk times without seconds, decimals for the dialect, safe text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(MINSK).strftime(CSV_TIME)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Phone):
        return neutralize(display.phone(value) if dialect == Dialect.EXCEL else str(value))
    if isinstance(value, Decimal):
        if dialect == Dialect.EXCEL:
            return format_decimal(value, "0.#")  # "36,5" in Russian, no group separator
        return format(value.normalize(), "f")
    return neutralize(str(value))


def to_xlsx(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str, lang: str = "ru"
) -> bytes:
    """One sheet: bold header row frozen, dates as dates, columns sized to their contents."""
    return to_xlsx_book([(title, header, rows)], lang=lang)


SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def to_xlsx_book(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]], *, lang: str = "ru"
) -> bytes:
    """Several sheets, each as `to_xlsx` makes its one; titles made valid and unique."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for title, header, rows in sheets:
        name = SHEET_TITLE_BAD.sub(" ", title).strip(" '")[:31] or "Sheet"
        base, n = name, 2
        while name.casefold() in used:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(name.casefold())
        _fill(book.create_sheet(name), header, rows, lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: Any, header: Sequence[str], rows: Iterable[Sequence[Any]], lang: str) -> None:
    sheet.append([str(h) for h in header])
    widths = [len(str(h)) for h in header]
    for row in rows:
        values = []
        for i, value in enumerate(row):
            if isinstance(value, datetime):
                # Excel has no time zones: Minsk time, as everywhere in FairPlanner.
                value = value.astimezone(MINSK).replace(tzinfo=None, second=0, microsecond=0)
            elif isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, Phone):
                value = display.phone(value)
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
                cell.number_format = XLSX_TIME.get(lang, XLSX_TIME["en"])
            elif isinstance(cell.value, date):
                cell.number_format = XLSX_DATE.get(lang, XLSX_DATE["en"])
