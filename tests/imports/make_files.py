"""Writes the sample season plans in tests/imports/files/ (committed; run again to remake them:
`python tests/imports/make_files.py`). Each imitates what one program really exports."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

FILES = Path(__file__).with_name("files")


def fold(line: str) -> str:
    """RFC 5545 folding at 75 octets, never inside a UTF-8 character."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode()
        limit = 75 if not out else 74
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def ics(name: str, lines: list[str]) -> None:
    (FILES / name).write_bytes(("\r\n".join(fold(line) for line in lines) + "\r\n").encode())


GOOGLE = [
    "BEGIN:VCALENDAR",
    "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
    "VERSION:2.0",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "X-WR-CALNAME:Выставки 2027",
    "X-WR-TIMEZONE:Europe/Minsk",
    "BEGIN:VEVENT",
    "DTSTART:20270512T070000Z",
    "DTEND:20270512T150000Z",
    "DTSTAMP:20261120T081500Z",
    "UID:4k1s8d0c3v9m2q7p5r6tb0hj1e@google.com",
    "CREATED:20261101T120000Z",
    "DESCRIPTION:Пленарное заседание\\, панельные дискуссии и выставка достижений"
    " белорусской промышленности. Регистрация участников открыта до 1 мая.\\n"
    "Подробности на сайте организатора.",
    "LAST-MODIFIED:20261110T093000Z",
    "LOCATION:Футбольный манеж\\, пр. Победителей 20/2\\, Минск\\, Беларусь",
    "SEQUENCE:0",
    "STATUS:CONFIRMED",
    "SUMMARY:Белорусский промышленный форум",
    "TRANSP:OPAQUE",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "DTSTART;VALUE=DATE:20270601",
    "DTEND;VALUE=DATE:20270606",
    "DTSTAMP:20261120T081500Z",
    "UID:7hq2m0v5c1k8s3d9r4p6t2n0aa@google.com",
    "CREATED:20261101T120500Z",
    "DESCRIPTION:",
    "LAST-MODIFIED:20261101T120500Z",
    "LOCATION:Минск",
    "SEQUENCE:1",
    "STATUS:CONFIRMED",
    "SUMMARY:Белагро-2027 — Международная специализированная выставка сельского хозяйства",
    "TRANSP:TRANSPARENT",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "DTSTART;VALUE=DATE:20270914",
    "DTEND;VALUE=DATE:20270915",
    "DTSTAMP:20261120T081500Z",
    "UID:2c9v6n1m4k7s0d3r8p5t1q9bbb@google.com",
    "CREATED:20261102T090000Z",
    'DESCRIPTION:<b>Вход свободный</b>\\, по&nbsp;регистрации.<br><br>Сайт: <a href="https:'
    '//expo.example.by">expo.example.by</a><ul><li>Стенды</li><li>Семинары</li></ul>',
    "LAST-MODIFIED:20261102T090000Z",
    "LOCATION:",
    "SEQUENCE:0",
    "STATUS:CONFIRMED",
    "SUMMARY:День открытых дверей Минскэкспо",
    "TRANSP:TRANSPARENT",
    "END:VEVENT",
    "END:VCALENDAR",
]

OUTLOOK = [
    "BEGIN:VCALENDAR",
    "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
    "VERSION:2.0",
    "METHOD:PUBLISH",
    "X-MS-OLK-FORCEINSPECTOROPEN:TRUE",
    "BEGIN:VTIMEZONE",
    "TZID:Belarus Standard Time",
    "BEGIN:STANDARD",
    "DTSTART:16010101T000000",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0300",
    "END:STANDARD",
    "END:VTIMEZONE",
    "BEGIN:VTIMEZONE",
    "TZID:FLE Standard Time",
    "BEGIN:STANDARD",
    "DTSTART:16011028T040000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0200",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:16010325T030000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0300",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",
    "CLASS:PUBLIC",
    "CREATED:20261101T090000Z",
    "DESCRIPTION:Выставка продуктов питания\\, напитков и упаковки.\\n",
    'DTEND;TZID="Belarus Standard Time":20270915T180000',
    "DTSTAMP:20261120T100000Z",
    'DTSTART;TZID="Belarus Standard Time":20270915T100000',
    "LAST-MODIFIED:20261101T090000Z",
    "LOCATION:Минск-Арена\\, пр. Победителей 111\\, г. Минск",
    "PRIORITY:5",
    "SEQUENCE:0",
    "SUMMARY;LANGUAGE=ru:Продэкспо-2027",
    "TRANSP:OPAQUE",
    "UID:040000008200E00074C5B7101A82E00800000000B0E5A3E1F2D4DA0100000000000000001000"
    "0000C9F6E1D2A8B5C34A8E1F2D3C4B5A6978",
    "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
    "X-MICROSOFT-CDO-IMPORTANCE:1",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "CLASS:PUBLIC",
    "CREATED:20261101T091000Z",
    'DTEND;TZID="FLE Standard Time":20271110T170000',
    "DTSTAMP:20261120T100000Z",
    'DTSTART;TZID="FLE Standard Time":20271110T100000',
    "LOCATION:LITEXPO\\, Вильнюс",
    "SUMMARY;LANGUAGE=ru:Деловая миссия в Вильнюс",
    "UID:040000008200E00074C5B7101A82E00800000000C1F6A3E1F2D4DA0100000000000000001000"
    "0000D0A7F2E3B9C6D45B9F203E4D5C6B7A89",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "CLASS:PUBLIC",
    "CREATED:20261101T092000Z",
    "DTEND;VALUE=DATE:20271106",
    "DTSTAMP:20261120T100000Z",
    "DTSTART;VALUE=DATE:20271103",
    "LOCATION:Гомель",
    "SUMMARY;LANGUAGE=ru:Ярмарка «Гомельщина — 2027»",
    "UID:040000008200E00074C5B7101A82E00800000000D2A8B4F2A3E5DB0100000000000000001000"
    "0000E1B8A3F4CAD7E56CAF314F5E6D7C8B9A",
    "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "CLASS:PUBLIC",
    "CREATED:20261101T093000Z",
    'DTEND;TZID="Belarus Standard Time":20271204T000000',
    "DTSTAMP:20261120T100000Z",
    'DTSTART;TZID="Belarus Standard Time":20271201T000000',
    "LOCATION:Брест",
    "SUMMARY;LANGUAGE=ru:Брестская зимняя ярмарка",
    "UID:040000008200E00074C5B7101A82E00800000000E3B9C5A3B4F6DC0100000000000000001000"
    "0000F2C9B4A5DBE8F67DB0425A6F7E8D9CAB",
    "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE",
    "END:VEVENT",
    "END:VCALENDAR",
]

APPLE = [
    "BEGIN:VCALENDAR",
    "METHOD:PUBLISH",
    "VERSION:2.0",
    "X-WR-CALNAME:Ярмарки Гродно",
    "PRODID:-//Apple Inc.//macOS 14.5//EN",
    "X-APPLE-CALENDAR-COLOR:#1BADF8",
    "X-WR-TIMEZONE:Europe/Minsk",
    "CALSCALE:GREGORIAN",
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Minsk",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0300",
    "DTSTART:20110327T020000",
    "TZNAME:+03",
    "TZOFFSETTO:+0300",
    "END:STANDARD",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",
    "CREATED:20261015T101010Z",
    "UID:7F3C2B1A-4D5E-4F60-8A9B-0C1D2E3F4A5B",
    "DTEND;VALUE=DATE:20270322",
    "TRANSP:TRANSPARENT",
    "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC",
    "SUMMARY:Весенняя ярмарка в Гродно",
    "LAST-MODIFIED:20261015T101200Z",
    "DTSTAMP:20261015T101200Z",
    "DTSTART;VALUE=DATE:20270320",
    "SEQUENCE:0",
    "URL;VALUE=URI:https://grodno-fair.example.by",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "CREATED:20261015T102000Z",
    "UID:0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9",
    "DTEND;TZID=Europe/Minsk:20270415T170000",
    "TRANSP:OPAQUE",
    "SUMMARY:Семинар для экспонентов",
    "DTSTART;TZID=Europe/Minsk:20270415T140000",
    "DTSTAMP:20261015T102100Z",
    "LOCATION:Гродненская ТПП\\nул. Ожешко 1\\, Гродно",
    "X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-APPLE-RADIUS=70;X-TITLE=Гродненская ТПП:"
    "geo:53.677800,23.829400",
    "SEQUENCE:0",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "CREATED:20261015T103000Z",
    "UID:5B6C7D8E-9FA0-41B2-83C4-D5E6F7A8B9C0",
    "DTEND;VALUE=DATE:20270502",
    "SUMMARY:Ярмарка ремёсел",
    "DTSTART;VALUE=DATE:20270501",
    "DTSTAMP:20261101T080000Z",
    "STATUS:CANCELLED",
    "SEQUENCE:2",
    "END:VEVENT",
    "END:VCALENDAR",
]

THUNDERBIRD = [
    "BEGIN:VCALENDAR",
    "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
    "VERSION:2.0",
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Moscow",
    "X-LIC-LOCATION:Europe/Moscow",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0300",
    "TZNAME:MSK",
    "DTSTART:19700101T000000",
    "END:STANDARD",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",
    "CREATED:20261105T140000Z",
    "LAST-MODIFIED:20261105T140500Z",
    "DTSTAMP:20261105T140500Z",
    "UID:b1e5c3a2-9f0d-4e7b-8c6a-2d4f1e3b5a79",
    "SUMMARY:Иннопром — белорусская экспозиция",
    "CATEGORIES:Машиностроение,Металлургия",
    "DTSTART;TZID=Europe/Moscow:20270405T090000",
    "DTEND;TZID=Europe/Moscow:20270408T180000",
    "LOCATION:Экспоцентр\\, Москва",
    "DESCRIPTION:Коллективный стенд белорусских предприятий.",
    "X-MOZ-GENERATION:1",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "CREATED:20261105T141000Z",
    "DTSTAMP:20261105T141000Z",
    "UID:c2f6d4b3-a01e-4f8c-9d7b-3e5a2f4c6b80",
    "SUMMARY:Выставка «Строительство и архитектура»",
    "CATEGORIES:Строительство",
    "DTSTART;VALUE=DATE:20270518",
    "DTEND;VALUE=DATE:20270522",
    "X-MOZ-GENERATION:1",
    "END:VEVENT",
    "END:VCALENDAR",
]

RU_HEADER = ["Название (рус.)", "Название (англ.)", "Начало", "Окончание", "Город",
             "Место проведения", "Отрасли", "Вид", "Описание (рус.)", "Сайт", "Код"]  # fmt: skip


def xlsx_real_dates() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "План 2027"
    sheet.append(["План выставок на 2027 год"])
    sheet.append([])
    sheet.append(RU_HEADER)
    sheet.append(
        [
            "Белагро-2027",
            "Belagro-2027",
            date(2027, 6, 1),
            date(2027, 6, 5),
            "Минск",
            "Футбольный манеж",
            "Сельское хозяйство; Пищевая промышленность",
            "Выставка",
            "Международная специализированная выставка.",
            "belagro.example.by",
            "P-001",
        ]
    )
    sheet.append([])
    sheet.append(
        [
            "Деревообработка",
            None,
            date(2027, 9, 21),
            date(2027, 9, 24),
            "Минск",
            "Минскэкспо",
            "Лесная промышленность",
            "выставка",
            None,
            "https://wood.example.by",
            "P-002",
        ]
    )
    sheet.append(
        [
            "Форум регионов",
            "Forum of Regions",
            datetime(2027, 6, 26, 10, 0),  # noqa: DTZ001 - Excel cells have no zone
            datetime(2027, 6, 27, 18, 0),  # noqa: DTZ001
            "Могилёв",
            "Дворец спорта",
            None,
            "Форум",
            None,
            None,
            "P-003",
        ]
    )
    for row in sheet.iter_rows(min_row=4, min_col=3, max_col=4):
        for cell in row:
            cell.number_format = "DD.MM.YYYY"
    book.save(FILES / "plan_real_dates.xlsx")


def xlsx_serial_and_text() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "  NAME (russian) ",
            "name (ENGLISH)",
            "STARTS",
            "ends",
            "city",
            "Venue",
            "Sectors",
            "kind",
            "ID",
        ]
    )
    sheet.append(
        [
            "Текстиль и мода",
            "Textile and Fashion",
            46519,
            46521,
            "Минск",
            "Минскэкспо",
            "Лёгкая промышленность",
            "exhibition",
            "T-1",
        ]
    )
    sheet.append(
        [
            "Медицина и фармация",
            None,
            "12.05.2027",
            "14.05.2027",
            "Минск",
            None,
            "Здравоохранение",
            None,
            "T-2",
        ]
    )
    sheet.append(
        [
            "Витебская ярмарка",
            None,
            "2027-07-15",
            "2027-07-18",
            "Витебск",
            None,
            None,
            "ярмарка",
            "T-3",
        ]
    )
    sheet.append(
        [
            "Брестский форум",
            None,
            "12 мая 2027",
            "13 мая 2027 г.",
            "Брест",
            None,
            None,
            "forum",
            "T-4",
        ]
    )
    book.save(FILES / "plan_serial_text_dates.xlsx")


CSV_ROWS = [
    ["Белагро-2027", "Belagro-2027", "01.06.2027", "05.06.2027", "Минск", "Футбольный манеж",
     "Сельское хозяйство, Пищевая промышленность", "выставка", "Выставка; техника, семена.",
     "https://belagro.example.by", "P-001"],
    ["Энергетика и экология", "", "2027-10-05", "2027-10-08", "Минск", "Минскэкспо",
     "Энергетика", "выставка", "", "", "P-002"],
]  # fmt: skip


def csv_file(name: str, rows: list[list[str]], delimiter: str, encoding: str) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([*RU_HEADER[:8], "Описание (рус.)", "Сайт", "Код"])
    writer.writerows(rows)
    (FILES / name).write_bytes(out.getvalue().encode(encoding))


BAD_ROWS = [
    ["", "No Russian name either", "", "", "Минск", "", "", "", "", "", "B-1"],
    ["Ярмарка без даты", "", "", "", "Минск", "", "", "", "", "", "B-2"],
    ["Ярмарка 31 февраля", "", "31.02.2027", "", "Минск", "", "", "", "", "", "B-3"],
    ["Наоборот", "", "10.06.2027", "05.06.2027", "Минск", "", "", "концерт", "", "", "B-4"],
    ["С плохим сайтом", "", "01.07.2027", "02.07.2027", "Минск", "", "", "", "", "сайт есть",
     "B-5"],
    ["Хорошая ярмарка", "", "03.08.2027", "04.08.2027", "Лида", "", "", "ярмарка", "", "", "B-6"],
]  # fmt: skip


def main() -> None:
    FILES.mkdir(exist_ok=True)
    ics("google.ics", GOOGLE)
    ics("outlook.ics", OUTLOOK)
    ics("apple.ics", APPLE)
    ics("thunderbird.ics", THUNDERBIRD)
    xlsx_real_dates()
    xlsx_serial_and_text()
    csv_file("plan_utf8_bom.csv", CSV_ROWS, ";", "utf-8-sig")
    csv_file("plan_cp1251.csv", CSV_ROWS, ",", "cp1251")
    csv_file("plan_bad_rows.csv", BAD_ROWS, ";", "utf-8")
    # Excel's "Unicode text (*.txt)": UTF-16 LE with a BOM, tabs between cells.
    csv_file("plan_excel_unicode.txt", CSV_ROWS, "\t", "utf-16")
    good = (FILES / "plan_real_dates.xlsx").read_bytes()
    (FILES / "broken.xlsx").write_bytes(good[: len(good) // 2])  # a cut-off download
    (FILES / "not_a_calendar.ics").write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:\xd0\x9e\r\n"
    )
    (FILES / "photo.csv").write_bytes(bytes.fromhex("ffd8ffe000104a464946") + bytes(range(256)))


if __name__ == "__main__":
    main()
