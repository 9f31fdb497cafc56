"""The season-plan readers (fairplanner.imports) on files shaped like the ones organizers
really have (tests/imports/files, made by make_files.py). Pure: no database, no app."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from fairplanner.calendars import ical
from fairplanner.catalogue.models import (
    City,
    EventKind,
    Fair,
    FairKind,
    FairStatus,
    Oblast,
    Organizer,
    ProgrammeEvent,
    Sector,
    Venue,
)
from fairplanner.i18n import MINSK
from fairplanner.imports import (
    ImportFileError,
    PlanRow,
    parse_csv,
    parse_file,
    parse_ics,
    parse_xlsx,
    read_when,
    tables,
    template_xlsx,
)
from fairplanner.imports.rows import MAX_BYTES, UnreadableDate, read_range
from tests.imports import make_files

FILES = Path(__file__).with_name("files")


def read(name: str) -> list[PlanRow]:
    return parse_file(name, (FILES / name).read_bytes())


def minsk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MINSK)


def summary(rows: list[PlanRow]) -> list[tuple[object, ...]]:
    return [(r.name_ru, r.starts_on, r.ends_on, r.starts_at, r.ends_at) for r in rows]


def test_google_export_utc_times_and_folded_lines():
    rows = read("google.ics")
    assert summary(rows) == [
        (
            "Белорусский промышленный форум",
            date(2027, 5, 12),
            date(2027, 5, 12),
            minsk(2027, 5, 12, 10, 0),  # 07:00Z
            minsk(2027, 5, 12, 18, 0),
        ),
        (
            "Белагро-2027 — Международная специализированная выставка сельского хозяйства",
            date(2027, 6, 1),
            date(2027, 6, 5),  # DTEND 2027-06-06 is exclusive
            None,
            None,
        ),
        ("День открытых дверей Минскэкспо", date(2027, 9, 14), date(2027, 9, 14), None, None),
    ]
    forum = rows[0]
    assert forum.external_id == "4k1s8d0c3v9m2q7p5r6tb0hj1e@google.com"
    # The folded DESCRIPTION comes back whole, with its escaped comma and line break.
    assert forum.description_ru.startswith("Пленарное заседание, панельные дискуссии")
    assert "до 1 мая.\nПодробности" in forum.description_ru
    assert (forum.venue, forum.city) == ("Футбольный манеж", "Минск")
    # What Google's editor keeps as HTML comes back as text.
    assert rows[2].description_ru == (
        "Вход свободный, по регистрации.\n\nСайт: expo.example.by\n\n• Стенды\n• Семинары"
    )
    assert all(row.ok and not row.cancelled for row in rows)


def test_outlook_export_with_windows_zone_names():
    rows = read("outlook.ics")
    assert summary(rows) == [
        (
            "Продэкспо-2027",
            date(2027, 9, 15),
            date(2027, 9, 15),
            minsk(2027, 9, 15, 10, 0),
            minsk(2027, 9, 15, 18, 0),
        ),
        # "FLE Standard Time" (Vilnius, UTC+2 in November) is an hour behind Minsk.
        (
            "Деловая миссия в Вильнюс",
            date(2027, 11, 10),
            date(2027, 11, 10),
            minsk(2027, 11, 10, 11, 0),
            minsk(2027, 11, 10, 18, 0),
        ),
        ("Ярмарка «Гомельщина — 2027»", date(2027, 11, 3), date(2027, 11, 5), None, None),
        # Older Outlook: an all-day event as midnight to midnight in its zone.
        ("Брестская зимняя ярмарка", date(2027, 12, 1), date(2027, 12, 3), None, None),
    ]
    assert rows[0].external_id.startswith("040000008200E00074C5B7101A82E008")
    assert len({row.external_id for row in rows}) == 4
    assert (rows[0].venue, rows[0].city) == ("Минск-Арена", "Минск")  # "г. Минск"
    assert rows[2].venue == "Гомель"


def test_apple_export_all_day_timed_and_cancelled():
    rows = read("apple.ics")
    assert summary(rows) == [
        ("Весенняя ярмарка в Гродно", date(2027, 3, 20), date(2027, 3, 21), None, None),
        (
            "Семинар для экспонентов",
            date(2027, 4, 15),
            date(2027, 4, 15),
            minsk(2027, 4, 15, 14, 0),
            minsk(2027, 4, 15, 17, 0),
        ),
        ("Ярмарка ремёсел", date(2027, 5, 1), date(2027, 5, 1), None, None),
    ]
    assert rows[0].website == "https://grodno-fair.example.by"
    assert rows[0].external_id == "7F3C2B1A-4D5E-4F60-8A9B-0C1D2E3F4A5B"
    assert (rows[1].venue, rows[1].city) == ("Гродненская ТПП", "Гродно")
    assert [row.cancelled for row in rows] == [False, False, True]


def test_thunderbird_export_in_moscow_time_with_categories():
    rows = read("thunderbird.ics")
    assert summary(rows) == [
        (
            "Иннопром — белорусская экспозиция",
            date(2027, 4, 5),
            date(2027, 4, 8),
            minsk(2027, 4, 5, 9, 0),  # Moscow and Minsk share UTC+3
            minsk(2027, 4, 8, 18, 0),
        ),
        (
            "Выставка «Строительство и архитектура»",
            date(2027, 5, 18),
            date(2027, 5, 21),
            None,
            None,
        ),
    ]
    assert rows[0].sectors == ["Машиностроение", "Металлургия"]
    assert rows[1].sectors == ["Строительство"]
    assert rows[0].external_id == "b1e5c3a2-9f0d-4e7b-8c6a-2d4f1e3b5a79"
    assert (rows[0].venue, rows[0].city) == ("Экспоцентр", "Москва")


def test_xlsx_with_real_dates_a_title_above_the_header_and_an_empty_row():
    rows = read("plan_real_dates.xlsx")
    assert [(r.line, r.external_id) for r in rows] == [(4, "P-001"), (6, "P-002"), (7, "P-003")]
    belagro, wood, forum = rows
    assert (belagro.name_ru, belagro.name_en) == ("Белагро-2027", "Belagro-2027")
    assert (belagro.starts_on, belagro.ends_on) == (date(2027, 6, 1), date(2027, 6, 5))
    assert (belagro.city, belagro.venue) == ("Минск", "Футбольный манеж")
    assert belagro.sectors == ["Сельское хозяйство", "Пищевая промышленность"]
    assert belagro.kind == FairKind.EXHIBITION  # "Выставка", any case
    assert belagro.website == "https://belagro.example.by"  # the scheme added
    assert wood.name_en == ""
    assert wood.starts_at is None
    assert forum.kind == FairKind.FORUM
    assert forum.city == "Могилёв"
    assert (forum.starts_at, forum.ends_at) == (minsk(2027, 6, 26, 10), minsk(2027, 6, 27, 18))
    assert all(row.ok for row in rows)


def test_xlsx_with_serial_numbers_text_dates_and_loose_english_headers():
    rows = read("plan_serial_text_dates.xlsx")
    assert [(r.name_ru, r.starts_on, r.ends_on, r.kind) for r in rows] == [
        ("Текстиль и мода", date(2027, 5, 12), date(2027, 5, 14), FairKind.EXHIBITION),
        ("Медицина и фармация", date(2027, 5, 12), date(2027, 5, 14), None),
        ("Витебская ярмарка", date(2027, 7, 15), date(2027, 7, 18), FairKind.FAIR),
        ("Брестский форум", date(2027, 5, 12), date(2027, 5, 13), FairKind.FORUM),
    ]
    assert rows[0].name_en == "Textile and Fashion"
    assert all(row.ok for row in rows)


@pytest.mark.parametrize("name", ["plan_utf8_bom.csv", "plan_cp1251.csv", "plan_excel_unicode.txt"])
def test_csv_in_utf8_with_bom_and_semicolons_or_cp1251_with_commas_or_utf16_with_tabs(name):
    rows = read(name)
    assert [(r.name_ru, r.starts_on, r.ends_on, r.external_id) for r in rows] == [
        ("Белагро-2027", date(2027, 6, 1), date(2027, 6, 5), "P-001"),
        ("Энергетика и экология", date(2027, 10, 5), date(2027, 10, 8), "P-002"),
    ]
    # A quoted cell keeps its separators.
    assert rows[0].sectors == ["Сельское хозяйство", "Пищевая промышленность"]
    assert rows[0].description_ru == "Выставка; техника, семена."
    assert all(row.ok for row in rows)


def test_bad_rows_carry_their_errors_in_words_and_good_rows_none():
    rows = read("plan_bad_rows.csv")
    errors = {row.external_id: [str(e) for e in row.errors] for row in rows}
    assert errors == {
        "B-1": ["The fair has no name in Russian.", "The start date is missing."],
        "B-2": ["The start date is missing."],
        "B-3": ["The date “31.02.2027” cannot be read."],
        "B-4": [
            "The kind “концерт” is not exhibition, fair or forum.",
            "The fair ends before it starts.",
        ],
        "B-5": ["The website “сайт есть” is not an address."],
        "B-6": [],
    }
    assert [row.line for row in rows] == [2, 3, 4, 5, 6, 7]


def test_a_csv_whose_descriptions_hold_more_commas_than_the_header_semicolons():
    data = (
        "Сезонный план\r\n"
        "Название;Начало;Описание\r\n"
        'Белагро;01.06.2027;"Техника, семена, удобрения, корма, ветеринария, тара"\r\n'
    ).encode("cp1251")
    (row,) = parse_csv(data)
    assert (row.name_ru, row.starts_on) == ("Белагро", date(2027, 6, 1))
    assert row.description_ru.startswith("Техника, семена")


def test_rows_sharing_an_id_and_overlong_names_are_errors():
    long_name = "Выставка " * 40
    data = (
        "Код,Название,Начало\r\n"
        "A-1,Белагро,01.06.2027\r\n"
        f"A-1,{long_name},02.06.2027\r\n"
        "A-2,Продэкспо,03.06.2027\r\n"
    ).encode()
    rows = parse_csv(data)
    assert [[str(e) for e in row.errors] for row in rows] == [
        [],
        [
            "The name is longer than 300 characters.",
            "The id “A-1” is already used by row 2.",
        ],
        [],
    ]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("plan.xlsx", (FILES / "broken.xlsx").read_bytes(), "not an Excel workbook"),
        ("plan.ics", (FILES / "not_a_calendar.ics").read_bytes(), "not a calendar"),
        ("plan.csv", (FILES / "photo.csv").read_bytes(), "neither UTF-8 nor Windows-1251"),
        ("plan.csv", b"", "empty"),
        ("plan.csv", b" \r\n", "empty"),
        ("plan.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "old Excel file"),
        ("plan.csv", b"a;b;c\r\n1;2;3\r\n", "No header row"),
        ("plan.csv", "Название;Начало\r\n;\r\n".encode(), "no fairs"),
        ("plan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "neither a table"),
        ("plan.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no events"),
        ("plan.csv", b"x" * (MAX_BYTES + 1), "larger than 5 MB"),
    ],
)
def test_bad_files_raise_one_error_in_words(name, data, words):
    with pytest.raises(ImportFileError) as caught:
        parse_file(name, data)
    assert words in str(caught.value.message)


def test_each_parser_refuses_the_others_files():
    with pytest.raises(ImportFileError):
        parse_xlsx((FILES / "plan_utf8_bom.csv").read_bytes())
    with pytest.raises(ImportFileError):
        parse_ics((FILES / "plan_real_dates.xlsx").read_bytes())
    with pytest.raises(ImportFileError):
        parse_csv((FILES / "google.ics").read_bytes())


@pytest.mark.parametrize(
    ("value", "day", "moment"),
    [
        ("12.05.2027", date(2027, 5, 12), None),
        ("12/05/2027", date(2027, 5, 12), None),
        ("2027-05-12", date(2027, 5, 12), None),
        ("12 мая 2027", date(2027, 5, 12), None),
        ("1 сентября 2027 г.", date(2027, 9, 1), None),
        ("12 May 2027", date(2027, 5, 12), None),
        ("May 12, 2027", date(2027, 5, 12), None),
        ("12.05.2027 10:30", date(2027, 5, 12), minsk(2027, 5, 12, 10, 30)),
        (46519, date(2027, 5, 12), None),
        (46519.5, date(2027, 5, 12), minsk(2027, 5, 12, 12, 0)),
        ("46519", date(2027, 5, 12), None),
        (datetime(2027, 5, 12, 7, tzinfo=UTC), date(2027, 5, 12), minsk(2027, 5, 12, 10)),
    ],
)
def test_dates_as_people_and_excel_write_them(value, day, moment):
    assert read_when(value) == (day, moment)


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("12–14 мая 2027", date(2027, 5, 12), date(2027, 5, 14)),
        ("12 - 14 мая 2027 г.", date(2027, 5, 12), date(2027, 5, 14)),
        ("30 мая — 2 июня 2027", date(2027, 5, 30), date(2027, 6, 2)),
        ("28 декабря – 3 января 2028", date(2027, 12, 28), date(2028, 1, 3)),
        ("12-14.05.2027", date(2027, 5, 12), date(2027, 5, 14)),
        ("30.05-02.06.2027", date(2027, 5, 30), date(2027, 6, 2)),
        ("12.05.2027 - 14.05.2027", date(2027, 5, 12), date(2027, 5, 14)),
        ("2027-05-12 – 2027-05-14", date(2027, 5, 12), date(2027, 5, 14)),
        ("2027-05-12", date(2027, 5, 12), date(2027, 5, 12)),
        (datetime(2027, 5, 12), date(2027, 5, 12), date(2027, 5, 12)),  # noqa: DTZ001 - a cell
    ],
)
def test_date_ranges_in_one_cell(value, start, end):
    assert read_range(value) == (start, end)


@pytest.mark.parametrize("value", ["31–33 мая 2027", "скоро — потом", "12-14", "27999999999–46519"])
def test_unreadable_date_ranges(value):
    with pytest.raises(UnreadableDate):
        read_range(value)


def test_a_plan_with_one_dates_column():
    data = (
        "Наименование;Сроки проведения;Город\r\n"
        "Белагро;1–5 июня 2027;Минск\r\n"
        "Непонятно;в июне;Минск\r\n"
    ).encode()
    good, bad = parse_csv(data)
    assert (good.starts_on, good.ends_on, good.ok) == (date(2027, 6, 1), date(2027, 6, 5), True)
    assert [str(e) for e in bad.errors] == ["The dates “в июне” cannot be read."]


@pytest.mark.parametrize("value", ["31.02.2027", "12 мартобря 2027", "скоро", -5, True])
def test_unreadable_dates(value):
    with pytest.raises(UnreadableDate):
        read_when(value)


@pytest.mark.parametrize(("lang", "first"), [("ru", "Название (рус.)"), ("en", "Name (Russian)")])
def test_the_template_names_the_columns_and_reads_back(lang, first):
    data = template_xlsx(lang)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A1"].value == first
    (row,) = parse_xlsx(data)
    assert row.ok
    assert (row.name_ru, row.starts_on, row.ends_on) == (
        "Белагро-2027",
        date(2027, 6, 1),
        date(2027, 6, 5),
    )
    assert row.kind == FairKind.EXHIBITION
    assert row.external_id == "belagro-2027"


def _fair(number: int, name: str, starts: date, days: int, **extra: object) -> Fair:
    city = City(id=1, slug="minsk", name_ru="Минск", name_en="Minsk", oblast=Oblast.MINSK_CITY)
    venue = Venue(id=1, slug="manezh", name_ru="Футбольный манеж", name_en="Football Arena")
    venue.city = city
    stamp = datetime(2026, 11, 1, 9, tzinfo=UTC)
    fair = Fair(
        id=number,
        slug=f"fair-{number}",
        name_ru=name,
        name_en=f"Fair {number}",
        description_ru="Описание, с запятой; и точкой с запятой.",
        kind=FairKind.EXHIBITION,
        starts_on=starts,
        ends_on=starts + timedelta(days=days - 1),
        status=extra.pop("status", FairStatus.PUBLISHED),
        created_at=stamp,
        updated_at=stamp,
        revision=1,
        **extra,
    )
    fair.venue = venue
    fair.organizer = Organizer(id=1, slug="expo", name_ru="Экспофорум")
    fair.sectors = [Sector(id=1, code="agro", name_ru="Сельское хозяйство")]
    return fair


def _feed(fairs: list[Fair], *, programme: bool = False) -> bytes:
    labels = ical.Labels(cancelled="Отменено:", organizer="Организатор", more="Подробнее")
    ctx = ical.Context(
        lang="ru", domain="fairs.example.by", base_url="https://fairs.example.by", labels=labels
    )
    return ical.build_calendar(
        [ical.Entry(fair=f) for f in fairs],
        ctx,
        name="Выставки",
        refresh=timedelta(hours=6),
        programme=programme,
    )


def test_round_trip_of_the_apps_own_feed():
    fairs = [
        _fair(
            1,
            "Белагро-2027 — очень длинное название, которое не уместится в одну строку",
            date(2027, 6, 1),
            5,
        ),
        _fair(2, "Продэкспо", date(2027, 9, 15), 1),
        _fair(3, "Отменённая ярмарка", date(2027, 10, 1), 3, status=FairStatus.CANCELLED),
    ]
    rows = parse_file("feed.ics", _feed(fairs))
    assert [(r.starts_on, r.ends_on, r.cancelled) for r in rows] == [
        (f.starts_on, f.ends_on, f.status == FairStatus.CANCELLED) for f in fairs
    ]
    assert [r.name_ru for r in rows[:2]] == [f.name_ru for f in fairs[:2]]
    assert rows[2].name_ru == "Отменённая ярмарка"  # without the feed's "Отменено: "
    assert [r.external_id for r in rows] == [f"fair-{n}@fairs.example.by" for n in (1, 2, 3)]
    assert rows[0].website == "https://fairs.example.by/fairs/fair-1"
    assert rows[0].sectors == ["Сельское хозяйство"]
    assert (rows[0].venue, rows[0].city) == ("Футбольный манеж", "Минск")
    assert all(row.ok for row in rows)


def test_round_trip_of_a_timed_programme_item_in_minsk_time():
    fair = _fair(7, "Белагро", date(2027, 6, 1), 5)
    fair.programme = [
        ProgrammeEvent(
            id=70,
            fair_id=7,
            title_ru="Открытие",
            kind=EventKind.OPENING,
            starts_at=datetime(2027, 6, 1, 7, tzinfo=UTC),
            ends_at=datetime(2027, 6, 1, 8, 30, tzinfo=UTC),
            created_at=datetime(2026, 11, 1, tzinfo=UTC),
            updated_at=datetime(2026, 11, 1, tzinfo=UTC),
            revision=1,
        )
    ]
    feed = _feed([fair], programme=True)
    assert b"UID:event-70@fairs.example.by" in feed
    # The app's own programme items are no fairs: an import leaves them out...
    assert [row.external_id for row in parse_ics(feed)] == ["fair-7@fairs.example.by"]
    # ... but the same event from another calendar is read, in Minsk time.
    rows = parse_ics(feed.replace(b"UID:event-70@", b"UID:talk-70@"))
    opening = next(row for row in rows if row.name_ru.startswith("Открытие"))
    assert opening.external_id == "talk-70@fairs.example.by"
    assert (opening.starts_at, opening.ends_at) == (
        minsk(2027, 6, 1, 10),
        minsk(2027, 6, 1, 11, 30),
    )


def _workbook(*sheets: list[list[object]]) -> bytes:
    book = Workbook()
    for number, rows in enumerate(sheets):
        sheet = book.worksheets[0] if number == 0 else book.create_sheet()
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_plan_may_follow_a_sheet_of_instructions():
    data = _workbook(
        [["Как заполнить план"], ["Одна выставка — одна строка."]],
        [["Название", "Начало"], ["Белагро", "01.06.2027"]],
    )
    (row,) = parse_xlsx(data)
    assert (row.name_ru, row.starts_on) == ("Белагро", date(2027, 6, 1))


def test_a_thousand_empty_rows_end_the_plan():
    rows: list[list[object]] = [["Название", "Начало"], ["Белагро", "01.06.2027"]]
    rows += [[None, None]] * 1000 + [["Забытая", "02.06.2027"]]
    assert [row.name_ru for row in parse_xlsx(_workbook(rows))] == ["Белагро"]


def test_a_zip_bomb_is_refused_unopened(monkeypatch):
    # The real limit is 100 MB unpacked; a smaller one keeps the test quick.
    monkeypatch.setattr(tables, "MAX_UNPACKED", 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))
    assert len(out.getvalue()) < 10 * 1024
    with pytest.raises(ImportFileError) as caught:
        parse_file("plan.xlsx", out.getvalue())
    assert "too big" in str(caught.value.message)


def _calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{event}END:VEVENT\r\n" for event in events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//RU\r\n{body}END:VCALENDAR\r\n".encode()
    )


def test_changed_instances_of_a_series_keep_ids_of_their_own_and_durations_count():
    rows = parse_ics(
        _calendar(
            "UID:series-1\r\nSUMMARY:Ярмарка выходного дня\r\nDTSTART:20270605T070000Z\r\n"
            "DURATION:PT8H\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n",
            "UID:series-1\r\nRECURRENCE-ID:20270612T070000Z\r\nSUMMARY:Ярмарка выходного дня\r\n"
            "DTSTART:20270612T080000Z\r\nDTEND:20270612T210000Z\r\n",
            "UID:no-start\r\nSUMMARY:Без даты\r\n",
        )
    )
    assert [(r.external_id, r.starts_at, r.ends_at, r.ends_on) for r in rows[:2]] == [
        ("series-1", minsk(2027, 6, 5, 10), minsk(2027, 6, 5, 18), date(2027, 6, 5)),
        # Until midnight: still the one day.
        (
            "series-1#2027-06-12T07:00:00+00:00",
            minsk(2027, 6, 12, 11),
            minsk(2027, 6, 13, 0),
            date(2027, 6, 12),
        ),
    ]
    assert all(row.ok for row in rows[:2])
    assert [str(e) for e in rows[2].errors] == ["The event has no start date."]


CUSTOM_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Zone two\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0200\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)


@pytest.mark.parametrize(
    ("tzid", "zones", "hour"),
    [
        ('"Zone two"', CUSTOM_ZONE, 11),  # only the file's VTIMEZONE knows it
        ("/mozilla.org/20050126_1/Europe/Kaliningrad", "", 11),  # old Thunderbird
        ("W. Europe Standard Time", "", 11),  # Outlook, Berlin in summer
        ("Russian Standard Time", "", 10),
        ("Nowhere/Atlantis", "", 10),  # unknown: taken as Minsk
    ],
)
def test_zones_named_every_way_come_back_in_minsk_time(tzid, zones, hour):
    data = _calendar(f"UID:1\r\nSUMMARY:Форум\r\nDTSTART;TZID={tzid}:20270605T100000\r\n")
    data = data.replace(b"BEGIN:VEVENT", zones.encode() + b"BEGIN:VEVENT")
    (row,) = parse_ics(data)
    assert row.starts_at == minsk(2027, 6, 5, hour)


def test_the_committed_files_are_what_make_files_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(make_files, "FILES", tmp_path)
    make_files.main()
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in FILES.iterdir() if p.name != ".gitattributes")
    for name in made:
        if name.endswith(".xlsx"):  # workbooks carry the time they were saved: compare rows
            if name != "broken.xlsx":
                assert parse_file(name, (tmp_path / name).read_bytes()) == read(name)
        else:
            assert (tmp_path / name).read_bytes() == (FILES / name).read_bytes(), name


def test_events_with_dates_that_make_no_sense_are_row_errors_not_exceptions():
    rows = parse_ics(
        _calendar(
            "UID:1\r\nSUMMARY:Дважды\r\nDTSTART:20270605T070000Z\r\nDTSTART:20270606T070000Z\r\n",
            "UID:2\r\nSUMMARY:Смешанно\r\nDTSTART:20270605T000000\r\nDTEND;VALUE=DATE:20270607\r\n",
        )
    )
    assert rows[0].starts_at == minsk(2027, 6, 5, 10)  # the first DTSTART counts
    assert rows[1].starts_on == date(2027, 6, 5)


def test_mangled_files_give_rows_or_one_import_error_and_nothing_else():
    """Flipped bytes, cut-off and holed copies of every sample: what a bad upload looks like."""
    rnd = random.Random(19)
    samples = [p for p in sorted(FILES.iterdir()) if p.name != ".gitattributes"]
    for _ in range(150):
        sample = rnd.choice(samples)
        data = bytearray(sample.read_bytes())
        at = rnd.randrange(len(data))
        match rnd.randrange(3):
            case 0:
                data[at] = rnd.randrange(256)
            case 1:
                del data[at:]
            case _:
                del data[at : at + rnd.randint(1, 40)]
        try:
            rows = parse_file(sample.name, bytes(data))
        except ImportFileError:
            continue
        assert all(isinstance(row, PlanRow) for row in rows)
