"""Import of fair plans (issue 19): reading XLSX, CSV and iCalendar files into PlanRows.

Pure: nothing here writes to the database. `parse_file` tells the format from the bytes (and
the file name for CSV), and either returns every row, each with its errors in words, or raises
one ImportFileError for the whole file.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from fairplanner.imports.calendar import parse_ics
from fairplanner.imports.rows import MAX_BYTES, ImportFileError, PlanRow, read_when
from fairplanner.imports.tables import parse_csv, parse_xlsx, template_xlsx

__all__ = [
    "ImportFileError",
    "PlanRow",
    "parse_csv",
    "parse_file",
    "parse_ics",
    "parse_xlsx",
    "read_when",
    "template_xlsx",
]

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)


def parse_file(filename: str, data: bytes) -> list[PlanRow]:
    """The rows of an uploaded season plan, whatever its format."""
    if not data.strip():
        raise ImportFileError(_l("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _l("The file is larger than %(size)s MB.", size=MAX_BYTES // (1024 * 1024))
        )
    name = filename.lower()
    if data.startswith(ZIP):
        return parse_xlsx(data)
    if data.startswith(OLE):
        raise ImportFileError(
            _l("This is an old Excel file (XLS): save it as XLSX or CSV and try again.")
        )
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if head.startswith(b"BEGIN:VCALENDAR") or name.endswith((".ics", ".ical", ".ifb")):
        return parse_ics(data)
    if name.endswith((".csv", ".txt")) or b";" in data[:4096] or b"," in data[:4096]:
        return parse_csv(data)
    raise ImportFileError(_l("The file is neither a table (XLSX, CSV) nor a calendar (ICS)."))
