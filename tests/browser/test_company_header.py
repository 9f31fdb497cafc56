"""The header at 390 px: one row with a menu (<details>, no script), usable from the keyboard."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_company_landing import demo_account, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_menu_opens_and_its_links_work(live, phone):
    from playwright.sync_api import expect

    phone.goto(live.url + "/")
    header = phone.locator(".site-header")
    menu = header.locator("details.header-menu")
    # One row: the brand and the menu button side by side, no visible links.
    brand_box = header.locator(".brand").bounding_box()
    button_box = menu.locator("summary").bounding_box()
    assert (
        abs(brand_box["y"] + brand_box["height"] / 2 - button_box["y"] - button_box["height"] / 2)
        < 8
    )
    assert header.bounding_box()["height"] < 80
    expect(header.get_by_role("link", name="Календарь")).to_be_hidden()

    menu.get_by_text("Меню").click()
    expect(menu.get_by_role("link", name="Войти")).to_be_visible()
    expect(menu.get_by_role("button", name="English")).to_be_visible()
    menu.get_by_role("link", name="Календарь").click()
    expect(phone).to_have_url(re.compile(r"/calendar/\d{4}/\d{1,2}$"))


def test_the_menu_works_from_the_keyboard(live, phone):
    from playwright.sync_api import expect

    log_in(phone, live.url, demo_account("member"))
    expect(phone).to_have_url(live.url + "/my/fairs")
    phone.keyboard.press("Tab")  # the skip link
    phone.keyboard.press("Tab")  # the brand
    phone.keyboard.press("Tab")  # the menu
    expect(phone.locator("details.header-menu summary")).to_be_focused()
    phone.keyboard.press("Enter")
    menu = phone.locator("details.header-menu")
    expect(menu).to_have_attribute("open", "")
    expect(menu.get_by_role("link", name="Компания")).to_be_visible()
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")  # Fairs, Calendar, My fairs, then Company
    phone.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Компания")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.locator("h1")).to_have_text("Профиль компании")
    # The language switch is in the menu too.
    phone.locator("details.header-menu summary").click()
    phone.locator("details.header-menu").get_by_role("button", name="English").click()
    expect(phone.locator("h1")).to_have_text("Company profile")


def test_wide_screens_keep_the_row_of_links(live, page):
    from playwright.sync_api import expect

    page.goto(live.url + "/")
    expect(page.locator("details.header-menu")).to_be_hidden()
    row = page.locator(".header-wide")
    expect(row.get_by_role("link", name="Календарь")).to_be_visible()
    expect(row.get_by_role("button", name="English")).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 80
