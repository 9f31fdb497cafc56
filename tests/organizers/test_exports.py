"""Exports people open in Excel: `;`-CSV with a BOM, a comma variant, XLSX, read back."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from fairplanner.spreadsheets import GUARD
from tests.organizers.conftest import SLUG

LIST = f"/organizer/fairs/{SLUG}/registrations"


def read_csv(data: bytes, delimiter: str) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))
    header = rows[0]
    assert all(len(row) == len(header) for row in rows), "a value split or ended a row"
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def by_company(rows: list[dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    return {row[key].strip(): row for row in rows}


@pytest.fixture
def hostile(db, console):
    """A company name with the separator, a formula, a quote and a line break in it."""
    company = console["exhibitor"].company
    company.legal_name = 'ООО Ромашка;=1+1;"цветы"\nи травы'
    db.session.commit()
    return company.legal_name


def test_csv_for_excel(client, console, hostile):
    response = client.get(f"{LIST}.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    raw = response.data.decode("utf-8-sig")
    assert raw.startswith('"Компания";')  # every cell quoted, `;` between them
    rows = by_company(read_csv(response.data, ";"), "Компания")
    row = rows[hostile]  # one text cell, whole
    assert row["Страна"] == "Беларусь"
    assert row["Регион"] == "г. Минск"
    assert row["Стенд"] == "Стенд в павильоне"
    assert row["Площадь, м²"] == "12,5"
    assert (row["Электричество"], row["Вода"], row["Интернет"]) == ("да", "да", "нет")
    assert row["Экспонируемая продукция"] == "Мебель из массива"
    assert row["Комментарий для организатора"] == "Нужен угловой стенд"
    # Readable in Excel: a leading tab (shown as an indent) keeps "+375…" text, not a formula.
    assert row["Телефон"] == GUARD + "+375 17 123-45-67"
    assert row["Отрасли"] == "Лесная промышленность, Пищевая промышленность"
    visitor = rows["ООО «Вятка»"]
    assert visitor["Состав делегации"] == "Петров Иван, директор; Сидорова Анна"
    assert visitor["Цели визита"] == "Продажи, Поиск партнёров"
    assert visitor["Электричество"] == ""  # a delegation asks for no stand
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["Подана"])  # Minsk time, no seconds


def test_csv_cells_starting_like_a_formula_are_guarded(client, db, console):
    company = console["visitor"].company
    company.legal_name = '=HYPERLINK("http://evil")'
    db.session.commit()
    rows = read_csv(client.get(f"{LIST}.csv").data, ";")
    assert GUARD + '=HYPERLINK("http://evil")' in [r["Компания"] for r in rows]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_csv_for_other_programs(client, console, hostile):
    response = client.get(f"{LIST}-comma.csv")
    assert (
        'filename="belagro-test-registrations-comma.csv"' in response.headers["Content-Disposition"]
    )
    rows = by_company(read_csv(response.data, ","), "Компания")
    row = rows[hostile]
    assert row["Площадь, м²"] == "12.5"
    assert row["Телефон"] == GUARD + "+375171234567"  # E.164 for machines, still guarded


def test_xlsx_matches_the_csv(client, console, hostile):
    book = load_workbook(io.BytesIO(client.get(f"{LIST}.xlsx").data))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    rows = {
        row[0].value: {h: c for h, c in zip(header, row, strict=True)}
        for row in sheet.iter_rows(min_row=2)
    }
    row = rows[hostile]
    assert row["Компания"].data_type == "s"
    assert row["Регион"].value == "г. Минск"
    assert row["Площадь, м²"].value == 12.5
    assert row["Телефон"].value == "+375 17 123-45-67"
    assert row["Телефон"].data_type == "s"
    assert row["Электричество"].value == "да"
    applied = row["Подана"]
    assert applied.is_date
    assert applied.number_format == "dd.mm.yyyy hh:mm"
    csv_rows = by_company(read_csv(client.get(f"{LIST}.csv").data, ";"), "Компания")
    assert applied.value.strftime("%Y-%m-%d %H:%M") == csv_rows[hostile]["Подана"]


def test_xlsx_in_english_keeps_iso_like_dates(client, console):
    data = client.get(f"{LIST}.xlsx", headers={"Accept-Language": "en"}).data
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert "Electricity" in header
    assert sheet.cell(row=2, column=header.index("Applied") + 1).number_format == (
        "yyyy-mm-dd hh:mm"
    )


def test_the_page_names_both_csv_variants(client, console):
    html = client.get(LIST).get_data(as_text=True)
    assert "CSV для Excel (через точку с запятой)" in html
    assert "CSV для других программ (через запятую)" in html
    assert f"{LIST}-comma.csv" in html
