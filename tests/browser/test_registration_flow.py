"""A new company signs up, fills its profile, registers as an exhibitor, edits and withdraws."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_mail_flow import deliver, last_link
from tests.factories import valid_inn

pytestmark = pytest.mark.browser


def test_company_signs_up_registers_edits_and_withdraws(live, open_fair, page):
    from playwright.sync_api import expect

    base = live.url
    # Sign up, in Russian (the browser asks for ru-RU).
    page.goto(base + "/")
    page.get_by_role("link", name="Регистрация").click()
    page.get_by_label("Название компании").fill("ООО «Кировский лес»")
    page.get_by_label("Эл. почта").fill("browser@kirov-les.example")
    page.get_by_label("Пароль", exact=True).fill("очень надёжный пароль")
    page.get_by_label("Повторите пароль").fill("очень надёжный пароль")
    page.get_by_label("Даю согласие на обработку персональных данных").check()
    page.get_by_role("button", name="Создать аккаунт").click()
    # Sign-up answers alike for every address: the account opens from the link in the mail.
    expect(page.locator(".flash-info")).to_contain_text("Мы отправили письмо")
    deliver(live)
    page.goto(last_link(live, "browser@kirov-les.example"))

    # The company profile: the country first, then a Russian ИНН with a typo, then the right one.
    expect(page.locator("h1")).to_have_text("Профиль компании")
    page.get_by_label("Страна").select_option(label="Россия")
    page.get_by_label("Регион").select_option(label="Кировская область")
    page.get_by_label(re.compile("^Налоговый номер")).fill("4345497286")
    page.get_by_label("Контактное лицо").fill("Петрова Анна")
    page.get_by_label("Телефон", exact=True).fill("8 (8332) 64-12-34")
    page.get_by_label("Контактная эл. почта").fill("export@kirov-les.example")
    page.get_by_role("button", name="Сохранить профиль").click()
    expect(page.locator(".field-errors")).to_contain_text("Контрольная цифра не сходится")
    page.get_by_label(re.compile("^Налоговый номер")).fill(valid_inn(90210))
    page.get_by_role("button", name="Сохранить профиль").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_label("Телефон", exact=True)).to_have_value("+7 833 264-12-34")

    # Register as an exhibitor.
    page.goto(f"{base}/fairs/{open_fair}")
    page.get_by_role("link", name="Зарегистрироваться как экспонент").click()
    page.locator("input[name=stand_type][value=indoor]").check()
    page.get_by_label("Площадь, м²").fill("12,5")
    page.locator("input[name=needs_power]").check()
    page.get_by_role("button", name="Отправить заявку").click()
    expect(page.locator(".status-line")).to_contain_text("Подана")

    # It is in "My fairs".
    page.get_by_role("link", name="Мои выставки").first.click()
    row = page.locator("table.registrations tbody tr").filter(has_text="Лесдревтех")
    expect(row).to_contain_text("Подана")
    row.get_by_role("link").click()

    # Edit it: the history shows the change.
    page.get_by_role("link", name="Изменить заявку").click()
    expect(page.get_by_label("Площадь, м²")).to_have_value("12.5")
    page.get_by_label("Площадь, м²").fill("20")
    page.get_by_role("button", name="Сохранить изменения").click()
    expect(page.locator(".history")).to_contain_text("12,5")
    expect(page.locator(".history ins").first).to_have_text("20")

    # Withdraw it: a confirmation page says what happens, then it is done.
    page.get_by_role("button", name="Отозвать заявку").click()
    expect(page.locator("h1")).to_have_text("Отозвать заявку?")
    expect(page.locator(".confirm")).to_contain_text("Организатор сразу увидит")
    page.get_by_role("button", name="Отозвать заявку").click()
    expect(page.locator(".status-line")).to_contain_text("Отозвана")
    expect(page.get_by_role("link", name="Изменить заявку")).to_have_count(0)

    # The same pages in English.
    page.get_by_role("button", name="English").click()
    expect(page.locator(".status-line")).to_contain_text("Withdrawn")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    page.get_by_role("link", name="My fairs").first.click()
    expect(page.locator("h1")).to_have_text("My fairs")
    expect(page.locator("table.registrations")).to_contain_text("Lesdrevtech test fair")
    expect(page.locator("table.registrations")).to_contain_text("Withdrawn")
    page.get_by_role("link", name="Company", exact=True).click()
    expect(page.locator("h1")).to_have_text("Company profile")
    page.goto(f"{base}/fairs/{open_fair}/register/visitor")
    expect(page.locator("h1")).to_contain_text("Register for Lesdrevtech test fair")


def test_a_delegation_larger_than_the_form_adds_rows(live, open_fair, page):
    from playwright.sync_api import expect

    from fairplanner.demo.catalogue import load_demo_file

    account = load_demo_file()["accounts"][0]
    page.goto(live.url + "/login")
    page.get_by_label("Эл. почта").fill(account["email"])
    page.get_by_label("Пароль").fill(account["password"])
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{live.url}/fairs/{open_fair}/register/visitor")
    rows = page.locator("table.delegates tbody tr")
    expect(rows).to_have_count(10)
    page.get_by_role("button", name="Добавить участника").click()
    expect(rows).to_have_count(11)
    page.get_by_label("Участник делегации 11: ФИО").fill("Сидоров Пётр")
    page.get_by_label("Участник делегации 1: ФИО", exact=True).fill("Иванова Мария")
    page.get_by_label("Закупки").check()
    page.get_by_role("button", name="Отправить заявку").click()
    expect(page.locator(".status-line")).to_contain_text("Подана")
    expect(page.locator(".facts ol li")).to_have_text(["Иванова Мария", "Сидоров Пётр"])
