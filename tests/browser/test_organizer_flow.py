"""Organizer staff publish a fair, a company applies, staff approve and export the list."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fairplanner.demo.catalogue import load_demo_file
from fairplanner.i18n import minsk_today

pytestmark = pytest.mark.browser


def login(page, base: str, account: dict) -> None:
    page.goto(base + "/login")
    page.get_by_label("Эл. почта").fill(account["email"])
    page.get_by_label("Пароль").fill(account["password"])
    page.get_by_role("button", name="Войти").click()


def test_staff_publish_company_applies_staff_approve_and_export(live, chromium):
    from playwright.sync_api import expect

    company_account, staff_account = load_demo_file()["accounts"][:2]
    start = minsk_today() + timedelta(days=30)
    staff_ctx = chromium.new_context(locale="ru-RU", accept_downloads=True)
    staff = staff_ctx.new_page()
    login(staff, live.url, staff_account)

    # A new fair, its programme, publication.
    staff.get_by_role("link", name="Кабинет организатора").click()
    staff.get_by_role("link", name="Новая выставка").click()
    staff.get_by_label("Адрес (slug)").fill("kirov-week")
    staff.get_by_label("Название (по-русски)").fill("Неделя Кировской области")
    staff.get_by_label("Название (по-английски)").fill("Kirov Region Week")
    staff.get_by_label("Первый день").fill(start.isoformat())
    staff.get_by_label("Последний день").fill((start + timedelta(days=2)).isoformat())
    staff.get_by_label("Площадка", exact=True).select_option(index=1)
    staff.get_by_label("Начало регистрации").fill((minsk_today() - timedelta(days=1)).isoformat())
    staff.get_by_label("Срок регистрации").fill((start - timedelta(days=3)).isoformat())
    staff.get_by_label("Объём экспозиции").fill("20")
    staff.get_by_label("Наименьший стенд, м²").fill("4")
    staff.get_by_label("Наибольший стенд, м²").fill("60")
    staff.get_by_role("button", name="Сохранить").click()
    expect(staff.locator("h1")).to_contain_text("программа")
    staff.get_by_label("Название (по-русски)").fill("Открытие недели")
    staff.get_by_label("Начало (по минскому времени)").fill("10:00")
    staff.get_by_label("Окончание (по минскому времени)").fill("11:00")
    staff.get_by_role("button", name="Сохранить").click()
    expect(staff.locator(".events")).to_contain_text("Открытие недели")
    staff.get_by_role("link", name="Изменить выставку").click()
    staff.get_by_role("button", name="Опубликовать").click()
    expect(staff.locator(".flash-success")).to_contain_text("опубликована")

    # The company applies.
    company_ctx = chromium.new_context(locale="ru-RU")
    company = company_ctx.new_page()
    login(company, live.url, company_account)
    company.goto(f"{live.url}/fairs/kirov-week")
    company.get_by_role("link", name="Зарегистрироваться как экспонент").click()
    company.locator("input[name=stand_type][value=collective]").check()
    company.get_by_label("Площадь, м²").fill("9")
    company.get_by_role("button", name="Отправить заявку").click()
    expect(company.locator(".status-line")).to_contain_text("Подана")

    # Staff approve it and export the list.
    staff.goto(f"{live.url}/organizer/fairs/kirov-week/registrations")
    staff.get_by_role("link", name=company_account["company"]["legal_name"]).click()
    staff.get_by_role("button", name="Одобрить", exact=True).click()
    expect(staff.locator(".flash-success")).to_be_visible()
    staff.goto(f"{live.url}/organizer/fairs/kirov-week/registrations")
    with staff.expect_download() as download:
        staff.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == company_account["company"]["legal_name"]
    assert rows[1][5] == "Одобрена"
    with staff.expect_download() as download:
        staff.get_by_role("link", name="XLSX").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.active["A2"].value == company_account["company"]["legal_name"]

    company.reload()
    expect(company.locator(".status-line")).to_contain_text("Одобрена")
    staff_ctx.close()
    company_ctx.close()
