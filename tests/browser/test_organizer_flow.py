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
    staff.get_by_label("Тип", exact=True).select_option("exhibition")  # no default: a placeholder
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
        staff.get_by_role("link", name="CSV для Excel (через точку с запятой)").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][0] == company_account["company"]["legal_name"]
    assert rows[1][5] == "Одобрена"
    with staff.expect_download() as download:
        staff.get_by_role("link", name="Excel (XLSX)").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.active["A2"].value == company_account["company"]["legal_name"]

    company.reload()
    expect(company.locator(".status-line")).to_contain_text("Одобрена")
    staff_ctx.close()
    company_ctx.close()


SIDEWAYS = """[...document.querySelectorAll('body *')]
  .filter(el => el.scrollWidth > el.clientWidth + 1
    && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
  .map(el => el.tagName + '.' + el.className)"""


@pytest.fixture
def applied_fair(live, open_fair):
    """The open fair with a submitted exhibitor application from a company in Minsk."""
    from fairplanner.accounts.models import Country
    from fairplanner.catalogue.models import Fair
    from fairplanner.extensions import db
    from fairplanner.registrations.models import Registration
    from tests.factories import Factories

    with live.app.app_context():
        factories = Factories(db.session)
        fair = db.session.scalar(db.select(Fair).where(Fair.slug == open_fair))
        company = factories.company(
            legal_name="ОАО «Очень длинное название мебельного комбината имени Минска»",
            country=Country.BELARUS,
            region="minsk-city",
            tax_id=None,
        )
        factories._save(
            Registration(
                fair_id=fair.id,
                company_id=company.id,
                role="exhibitor",
                status="submitted",
                stand_type="collective",
                area=9,
                needs_power=True,
            )
        )
        return {"slug": open_fair, "company": company.legal_name}


def test_attendee_list_fits_a_phone_and_bulk_reject_asks_first(live, chromium, applied_fair):
    from playwright.sync_api import expect

    staff_account = load_demo_file()["accounts"][1]
    context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    staff = context.new_page()
    login(staff, live.url, staff_account)
    staff.goto(f"{live.url}/organizer/fairs/{applied_fair['slug']}/registrations")
    card = staff.locator("table.attendee-table tbody tr", has_text=applied_fair["company"])
    expect(card).to_contain_text("Беларусь · г. Минск")
    expect(card).to_contain_text("Место на коллективном региональном стенде, 9 м²")
    width = staff.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px wide at 390px"
    # Nor does any part of it (a table in a scrolling box counts as scrolling sideways).
    scrolling = staff.evaluate(SIDEWAYS)
    assert scrolling == [], f"these scroll sideways at 390px: {scrolling}"

    staff.get_by_role("checkbox", name=f"Выбрать: {applied_fair['company']}").check()
    staff.get_by_label("Причина (для отказа; её увидит компания)").fill("Нет места")
    staff.get_by_role("button", name="Отклонить выбранные").click()
    expect(staff.locator("h1")).to_contain_text("Отклонить 1 заявку?")
    expect(staff.locator(".confirm-items")).to_contain_text(applied_fair["company"])
    staff.get_by_role("button", name="Отклонить", exact=True).click()
    expect(staff.locator(".flash-success")).to_contain_text("1")
    expect(card).to_contain_text("Отклонена")
    context.close()
