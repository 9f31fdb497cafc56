"""One fair of a season plan as read from a file, and the reading of its cells.

Pure: no request, no database. Errors are lazy gettext strings, so the preview shows them in
the reader's language whenever it renders them.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from fairplanner.catalogue.models import FairKind
from fairplanner.i18n import MINSK

# Bigger than any season plan (a few hundred rows) by two orders of magnitude.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Excel's day zero (1900 date system, with its fictitious 29 February 1900 behind it).
EXCEL_EPOCH = date(1899, 12, 30)
NAME_LENGTH = 300  # Fair.name_ru and name_en


class ImportFileError(ValueError):
    """The whole file cannot be read: nothing of it is used. `message` is in words."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class PlanRow:
    """One fair of a season plan. `line` is the row (or event) number in the file."""

    line: int
    name_ru: str = ""
    name_en: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    # Minsk time, when the source gives the hours (timed ICS events, XLSX cells with a time).
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    city: str = ""
    venue: str = ""
    sectors: list[str] = field(default_factory=list)  # names or codes, as written
    kind: FairKind | None = None
    description_ru: str = ""
    description_en: str = ""
    website: str = ""
    external_id: str = ""  # the file's own id (a column, or the ICS UID)
    cancelled: bool = False
    errors: list[Any] = field(default_factory=list)  # lazy strings, in words

    @property
    def ok(self) -> bool:
        return not self.errors

    def check(self, *, start_reported: bool = False) -> PlanRow:
        """Add the errors of a whole row, once its cells are read (`start_reported`: an error
        about its start is there already). A one-day fair gets its end; "expo.by" gets
        "https://"."""
        if not (self.name_ru or self.name_en):
            self.errors.append(_l("The fair has no name."))
        elif not self.name_ru:
            self.errors.append(_l("The fair has no name in Russian."))
        if max(len(self.name_ru), len(self.name_en)) > NAME_LENGTH:
            self.errors.append(
                _l("The name is longer than %(count)s characters.", count=NAME_LENGTH)
            )
        if self.starts_on is None and not start_reported:
            self.errors.append(_l("The start date is missing."))
        if self.starts_on and self.ends_on is None:
            self.ends_on = self.starts_on
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            self.errors.append(_l("The fair ends before it starts."))
        if self.website and not re.match(r"https?://[^\s/]+\.[^\s]+$", self.website):
            if re.match(r"[\w.-]+\.[a-z]{2,}(/\S*)?$", self.website, re.IGNORECASE):
                self.website = f"https://{self.website}"
            else:
                self.errors.append(
                    _l("The website “%(value)s” is not an address.", value=self.website)
                )
        return self


# Month names as written in dates: Russian genitive and nominative, English full and short.
_MONTH_NAMES = (
    ("января январь янв jan january", 1), ("февраля февраль фев feb february", 2),
    ("марта март мар mar march", 3), ("апреля апрель апр apr april", 4),
    ("мая май may", 5), ("июня июнь июн jun june", 6), ("июля июль июл jul july", 7),
    ("августа август авг aug august", 8), ("сентября сентябрь сен сент sep sept september", 9),
    ("октября октябрь окт oct october", 10), ("ноября ноябрь ноя нояб nov november", 11),
    ("декабря декабрь дек dec december", 12),
)  # fmt: skip
MONTHS = {word: number for words, number in _MONTH_NAMES for word in words.split()}
NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
WORDS = re.compile(r"^(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})(?:\s*г\.?|\s*года)?$")
WORDS_EN = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
TIME = re.compile(r"^(.*?)[ T]+(\d{1,2}):(\d{2})(?::\d{2})?$")


def _date_from_text(text: str) -> date:
    text = " ".join(text.lower().replace("ё", "е").split())
    if m := ISO.match(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := NUMERIC.match(text):
        year = int(m[3]) if len(m[3]) == 4 else 2000 + int(m[3])
        return date(year, int(m[2]), int(m[1]))
    if m := WORDS.match(text):
        return date(int(m[3]), MONTHS[m[2]], int(m[1]))
    if m := WORDS_EN.match(text):
        return date(int(m[3]), MONTHS[m[1]], int(m[2]))
    raise ValueError(text)


class UnreadableDate(ValueError):
    """A cell that is no date."""


def read_when(value: Any) -> tuple[date, datetime | None]:
    """A cell as a date, with the Minsk datetime when it carries a time of day.

    Accepts real dates and datetimes, Excel serial numbers, and text as people write it:
    "12.05.2027", "2027-05-12", "12 мая 2027", "12 May 2027", with an optional "10:00".
    Raises UnreadableDate when it is none of them."""
    try:
        return _read_when(value)
    except (ValueError, KeyError, OverflowError):
        raise UnreadableDate(value) from None


def _read_when(value: Any) -> tuple[date, datetime | None]:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(MINSK).replace(tzinfo=None)
        if value.time() == time(0):
            return value.date(), None
        return value.date(), value.replace(tzinfo=MINSK)
    if isinstance(value, date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:  # 1900-01-01 .. 9999-12-31
            raise ValueError(value)
        moment = datetime.combine(EXCEL_EPOCH, time(0)) + timedelta(days=float(value))
        moment = moment.replace(microsecond=0)
        return _read_when(moment)
    text = str(value).strip()
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # a serial number that became text in a CSV
        return _read_when(float(text))
    clock = None
    if m := TIME.match(text):
        text, clock = m[1], time(int(m[2]), int(m[3]))
    day = _date_from_text(text)
    if clock is None or clock == time(0):
        return day, None
    return day, datetime.combine(day, clock, MINSK)


# "12–14 мая 2027", "30 мая — 2 июня 2027", "2027-05-12 - 2027-05-14" (a dash with spaces, or
# an en or em dash), and "12-14.05.2027", "12.05-14.05.2027" (a hyphen after a dotted date).
RANGE = re.compile(r"^(?P<left>.+?)(?:\s*[–—]\s*|\s+-\s+)(?P<right>.+)$")
DOTTED_RANGE = re.compile(r"^(?P<left>\d{1,2}(?:\.\d{1,2}(?:\.\d{2,4})?)?)-(?P<right>\d.+)$")


def read_range(value: Any) -> tuple[date, date]:
    """A "Dates" cell: one date, or a range written the ways Belarusian plans write them, the
    first date taking the month and year it leaves out from the second. Raises
    UnreadableDate."""
    text = cell_text(value)
    with suppress(UnreadableDate):
        day, _ = read_when(value)
        return day, day
    m = RANGE.match(text) or DOTTED_RANGE.match(text.replace(" ", ""))
    if m is None:
        raise UnreadableDate(value)
    end, _ = read_when(m["right"])
    left = m["left"].strip()
    try:
        if left.isdigit():
            start = end.replace(day=int(left))
        else:
            try:
                start, _ = read_when(left)
            except UnreadableDate:
                start, _ = read_when(
                    f"{left}.{end.year}" if left[-1].isdigit() else f"{left} {end.year}"
                )
    except (ValueError, OverflowError):  # "31–33 мая", "99999999999–14.05.2027"
        raise UnreadableDate(value) from None
    if start > end and start.replace(year=end.year - 1) <= end:  # "28 декабря – 3 января 2028"
        start = start.replace(year=end.year - 1)
    return start, end


KINDS = {
    "exhibition": FairKind.EXHIBITION, "выставка": FairKind.EXHIBITION,
    "fair": FairKind.FAIR, "ярмарка": FairKind.FAIR,
    "forum": FairKind.FORUM, "форум": FairKind.FORUM,
}  # fmt: skip


def split_list(value: str) -> list[str]:
    """Sectors as written: "Машиностроение; IT, связь" → three names."""
    return [part.strip() for part in re.split(r"[;,\n]", value) if part.strip()]


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def row_from_cells(line: int, cells: dict[str, Any]) -> PlanRow:
    """A PlanRow from a table row already keyed by field (see tables.COLUMNS)."""
    row = PlanRow(line=line)
    for name in ("name_ru", "name_en", "city", "venue", "website", "external_id"):
        setattr(row, name, " ".join(cell_text(cells.get(name)).split()))
    for name in ("description_ru", "description_en"):
        setattr(row, name, cell_text(cells.get(name)))
    row.sectors = split_list(cell_text(cells.get("sectors")))
    dates = cell_text(cells.get("dates"))
    start_written = cell_text(cells.get("starts")) != ""
    if dates and not start_written:  # one "Dates" column instead of a start and an end
        try:
            row.starts_on, row.ends_on = read_range(cells["dates"])
        except UnreadableDate:
            row.errors.append(_l("The dates “%(value)s” cannot be read.", value=dates))
    else:
        _read_dates(row, cells)
    kind = cell_text(cells.get("kind")).lower()
    if kind:
        row.kind = KINDS.get(kind)
        if row.kind is None:
            row.errors.append(
                _l("The kind “%(value)s” is not exhibition, fair or forum.", value=kind)
            )
    return row.check(start_reported=row.starts_on is None and (start_written or bool(dates)))


def _read_dates(row: PlanRow, cells: dict[str, Any]) -> None:
    for name, on, at in (("starts", "starts_on", "starts_at"), ("ends", "ends_on", "ends_at")):
        value = cells.get(name)
        if value is None or cell_text(value) == "":
            continue
        try:
            day, moment = read_when(value)
        except UnreadableDate:
            row.errors.append(
                _l("The date “%(value)s” cannot be read.", value=cell_text(value))
                if name == "starts"
                else _l("The end date “%(value)s” cannot be read.", value=cell_text(value))
            )
            continue
        setattr(row, on, day)
        setattr(row, at, moment)


def check_ids(rows: list[PlanRow]) -> list[PlanRow]:
    """A re-import updates the fair with the same id: two rows may not share one."""
    seen: dict[str, int] = {}
    for row in rows:
        if not row.external_id:
            continue
        if row.external_id in seen:
            row.errors.append(
                _l(
                    "The id “%(value)s” is already used by row %(line)s.",
                    value=row.external_id,
                    line=seen[row.external_id],
                )
            )
        else:
            seen[row.external_id] = row.line
    return rows
