"""A company adds a fair to its calendar and subscribes to its own feed."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest

from fairplanner.demo.catalogue import load_demo_file

pytestmark = pytest.mark.browser


def test_add_a_fair_to_the_calendar_and_subscribe_to_my_fairs(live, open_fair, chromium):
    from playwright.sync_api import expect

    context = chromium.new_context(locale="ru-RU", accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    page = context.new_page()

    # The fair page's menu: the .ics download is a calendar with the fair and its programme.
    page.goto(f"{live.url}/fairs/{open_fair}")
    menu = page.locator("header .add-to-calendar")
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="Добавить в Google Календарь")).to_be_visible()
    with page.expect_download() as download:
        menu.get_by_role("link", name="Скачать .ics").click()
    path = download.value.path()
    cal = icalendar.Calendar.from_ical(Path(path).read_bytes())
    assert "Лесдревтех: тестовая выставка" in [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    webcal = menu.get_by_role("link", name="Подписаться в приложении календаря (обновляется само)")
    assert webcal.get_attribute("href").startswith("webcal://127.0.0.1:")

    # Log in, apply as an exhibitor, then subscribe to "My fairs".
    account = load_demo_file()["accounts"][0]
    page.goto(live.url + "/login")
    page.get_by_label("Эл. почта").fill(account["email"])
    page.get_by_label("Пароль").fill(account["password"])
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{live.url}/fairs/{open_fair}/register/exhibitor")
    page.locator("input[name=stand_type][value=outdoor]").check()
    page.get_by_label("Площадь, м²").fill("24")
    page.get_by_role("button", name="Отправить заявку").click()
    page.get_by_role("link", name="Мои выставки").first.click()
    section = page.locator("#calendar")
    address = section.locator("input.copy-field").input_value()
    assert address.startswith(live.url + "/calendar/")
    section.get_by_role("button", name="Копировать").click()
    expect(section.get_by_role("button", name="Скопировано")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == address

    # The address works without a login, as a calendar client would fetch it.
    feed = context.request.get(address, headers={"Cookie": ""})
    anonymous = chromium.new_context().request.get(address)
    for response in (feed, anonymous):
        assert response.status == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    entries = icalendar.Calendar.from_ical(anonymous.body()).walk("VEVENT")
    assert any(
        str(e["SUMMARY"]).startswith("Лесдревтех: тестовая выставка [Подана]") for e in entries
    )
    context.close()
