"""Reading a stand list an organizer uploads: XLSX or CSV of tax number → hall, stand.

What a row means is decided by `fairplanner.registrations.stands.check_rows`; here the file
becomes (line, tax id, hall, stand) cells. A CSV may be UTF-8 (with or without Excel's BOM) or
Windows-1251, separated by ";", "," or tabs; an XLSX is read as stored (a formula stays its
text, never runs, and is refused as a value by the check). The first row is skipped when it is a
header (its first cell has no digit). Anything else is a clear `UploadError`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import load_workbook

from fairplanner.errors import DomainError

MAX_ROWS = 5000
MAX_BYTES = 1024 * 1024


class UploadError(DomainError):
    status_code = 422


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a tax number typed into a number cell
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def _csv_rows(data: bytes) -> Iterable[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise UploadError(_("This file is neither an XLSX workbook nor a CSV table."))
    sample = text[:4096]
    delimiter = max((";", ",", "\t"), key=sample.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterable[tuple[Any, ...]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UploadError(_("This file could not be read as an XLSX workbook.")) from exc
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        return []
    return sheet.iter_rows(values_only=True, max_col=3)


def read(filename: str, data: bytes) -> list[tuple[int, str, str, str]]:
    """The file's rows as (line number, tax id, hall, stand); empty lines left out."""
    if not data:
        raise UploadError(_("Choose a file to upload."))
    if len(data) > MAX_BYTES:
        raise UploadError(_("The file is larger than 1 MB."))
    is_zip = data[:4] == b"PK\x03\x04"
    if filename.lower().endswith(".xlsx") or is_zip:
        source: Iterable[Any] = _xlsx_rows(data)
    elif filename.lower().endswith((".csv", ".txt")):
        try:
            source = _csv_rows(data)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UploadError(_("This file could not be read as a CSV table.")) from exc
    else:
        raise UploadError(_("Upload an XLSX workbook or a CSV table."))
    rows: list[tuple[int, str, str, str]] = []
    try:
        for line, raw in enumerate(source, start=1):
            cells = [_text(c) for c in list(raw)[:3]]
            cells += [""] * (3 - len(cells))
            if not any(cells):
                continue
            if line == 1 and not any(ch.isdigit() for ch in cells[0]):
                continue  # the header
            rows.append((line, cells[0], cells[1], cells[2]))
            if len(rows) > MAX_ROWS:
                raise UploadError(_("A file may hold at most %(n)d rows.", n=MAX_ROWS))
    except csv.Error as exc:
        raise UploadError(_("This file could not be read as a CSV table.")) from exc
    if not rows:
        raise UploadError(
            _("The file holds no rows: one row per company, tax number, hall, stand.")
        )
    return rows
