"""Season plans as XLSX and CSV tables: the header row names the columns (Russian or English,
as in the template, any case and spacing), then one fair per row."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from fairplanner.imports.rows import (
    MAX_ROWS,
    ImportFileError,
    PlanRow,
    cell_text,
    check_ids,
    row_from_cells,
)

# Rows formatted down to the bottom of a sheet are empty: this many in a row end the plan.
EMPTY_ROWS_AT_END = 1000
MAX_UNPACKED = 100 * 1024 * 1024

# Field → the template's header (ru, en) and other names people use, matched after `_key`.
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "name_ru": (
        "Название (рус.)",
        "Name (Russian)",
        ("название", "наименование", "name", "nameru", "названиеru", "наименованиерус"),
    ),
    "name_en": (
        "Название (англ.)",
        "Name (English)",
        ("nameen", "названиеen", "наименованиеангл", "englishname"),
    ),
    "starts": (
        "Начало",
        "Starts",
        ("датаначала", "дата", "startdate", "start", "startson", "from", "с"),
    ),
    "ends": (
        "Окончание",
        "Ends",
        ("датаокончания", "конец", "enddate", "end", "endson", "to", "по"),
    ),
    "city": ("Город", "City", ("населенныйпункт", "town")),
    "venue": ("Место проведения", "Venue", ("место", "площадка", "place", "location")),
    "sectors": ("Отрасли", "Sectors", ("отрасль", "тематика", "sector", "categories", "topics")),
    "kind": ("Вид", "Kind", ("тип", "type", "формат")),
    "description_ru": (
        "Описание (рус.)",
        "Description (Russian)",
        ("описание", "description", "descriptionru"),
    ),
    "description_en": ("Описание (англ.)", "Description (English)", ("descriptionen",)),
    "website": ("Сайт", "Website", ("веб-сайт", "site", "url", "ссылка")),
    "external_id": ("Код", "ID", ("идентификатор", "externalid", "uid", "номер")),
}
EXAMPLE = {
    "ru": ["Белагро-2027", "Belagro-2027", date(2027, 6, 1), date(2027, 6, 5), "Минск",
           "Футбольный манеж", "Сельское хозяйство; Пищевая промышленность", "выставка",
           "Международная специализированная выставка.", "International trade fair.",
           "https://belagro.example.by", "belagro-2027"],
}  # fmt: skip
EXAMPLE["en"] = [*EXAMPLE["ru"][:7], "exhibition", *EXAMPLE["ru"][8:]]


class NoHeaderError(ImportFileError):
    """No row of the first ten names the columns."""


def _key(header: Any) -> str:
    """ "Название (рус.)" → "названиерус": lower case, ё as е, letters and digits only."""
    return re.sub(r"[\W_]+", "", cell_text(header).lower().replace("ё", "е"))


# Not in the template, but in many plans: one column for both dates ("12–14 мая 2027").
OTHER_COLUMNS = {
    "dates": ("Даты", "Dates", ("срокипроведения", "датыпроведения", "сроки", "период", "когда")),
}
ALIASES = {
    _key(name): field
    for field, (ru, en, others) in {**COLUMNS, **OTHER_COLUMNS}.items()
    for name in (ru, en, field, *others)
}


def _header(cells: Sequence[Any]) -> dict[int, str] | None:
    """Column index → field when `cells` are a header row (a name and a start at least)."""
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        field = ALIASES.get(_key(cell))
        if field and field not in found.values():
            found[index] = field
    fields = set(found.values())
    if fields & {"starts", "dates"} and fields & {"name_ru", "name_en"}:
        return found
    return None


def rows_from_table(table: Iterable[Sequence[Any]]) -> list[PlanRow]:
    """PlanRows from table rows: the header within the first ten, empty rows skipped."""
    columns = None
    rows: list[PlanRow] = []
    empty = 0
    for line, cells in enumerate(table, start=1):
        if columns is None:
            columns = _header(cells)
            if columns is None and line >= 10:
                break
            continue
        if all(cell_text(c) == "" for c in cells):
            empty += 1
            if empty >= EMPTY_ROWS_AT_END:
                break
            continue
        empty = 0
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _l("The file has more than %(count)s rows; split it.", count=MAX_ROWS)
            )
        values = {field: cells[i] for i, field in columns.items() if i < len(cells)}
        rows.append(row_from_cells(line, values))
    if columns is None:
        raise NoHeaderError(_l("No header row with the column names was found; use the template."))
    if not rows:
        raise ImportFileError(_l("The file has no fairs."))
    return check_ids(rows)


def parse_xlsx(data: bytes) -> list[PlanRow]:
    """The first sheet of an Excel workbook that has a header row (a sheet of instructions
    may come before the plan)."""
    not_xlsx = ImportFileError(_l("The file is not an Excel workbook (XLSX)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_xlsx from None
    if unpacked > MAX_UNPACKED:  # a "zip bomb", or a workbook far bigger than any plan
        raise ImportFileError(_l("The workbook is too big to be a season plan."))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
    ):
        raise not_xlsx from None
    try:
        sheets = book.worksheets
        if not sheets:
            raise not_xlsx
        for sheet in sheets[:-1]:
            with suppress(NoHeaderError):
                return rows_from_table(sheet.iter_rows(values_only=True))
        return rows_from_table(sheets[-1].iter_rows(values_only=True))
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, KeyError, OSError, ValueError):
        # A part of the archive is broken, or packed in a way no Excel writes.
        raise not_xlsx from None
    finally:
        book.close()


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM) when the bytes are valid UTF-8, else Windows-1251; and
    UTF-16 with its BOM, which Excel's "Unicode text" writes (tab-separated)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(
                _l("The file's encoding is neither UTF-8 nor Windows-1251.")
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise ImportFileError(
                _l("The file's encoding is neither UTF-8 nor Windows-1251.")
            ) from None
    if "\x00" in text:
        raise ImportFileError(_l("The file is not a text table (CSV)."))
    return text


def parse_csv(data: bytes) -> list[PlanRow]:
    """A CSV table, `;`, `,` or tab between cells: whichever the first lines hold most (a
    title line above the header may hold none)."""
    text = decode(data)
    head = "\n".join(text.splitlines()[:10])
    # Commas inside quoted descriptions can outnumber the real `;`: the header decides.
    delimiters = sorted(";,\t", key=head.count, reverse=True)
    for delimiter in delimiters[:-1]:
        with suppress(NoHeaderError):
            return _csv_rows(text, delimiter)
    return _csv_rows(text, delimiters[-1])


def _csv_rows(text: str, delimiter: str) -> list[PlanRow]:
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ImportFileError(_l("The file is not a text table (CSV).")) from None
    return rows_from_table(table)


def template_xlsx(lang: str) -> bytes:
    """An empty season plan with the column names in `lang` and one example row."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "План" if lang == "ru" else "Plan"
    sheet.append([ru if lang == "ru" else en for ru, en, _ in COLUMNS.values()])
    sheet.append(EXAMPLE["ru" if lang == "ru" else "en"])
    for column in ("C", "D"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD.MM.YYYY"
        sheet.column_dimensions[column].width = 12
    for column in ("A", "B", "F", "G", "I", "J", "K"):
        sheet.column_dimensions[column].width = 30
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
