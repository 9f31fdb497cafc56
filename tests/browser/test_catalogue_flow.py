"""A visitor browses the catalogue in a real browser."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_visitor_filters_searches_switches_language_and_opens_a_fair(live_server, page):
    from playwright.sync_api import expect

    page.goto(live_server + "/")
    expect(page.locator("h1")).to_have_text("Выставки и ярмарки Беларуси")
    total = int(re.search(r"\d+", page.locator(".results-count").inner_text()).group())
    assert total >= 30

    # Filter by a sector, picked by its visible Russian label.
    page.get_by_label("Отрасль").select_option(label="Лесной комплекс и деревообработка")
    page.get_by_role("button", name="Показать").click()
    expect(page).to_have_url(re.compile(r"sector=forestry"))
    forestry = page.locator(".fair-card")
    assert 0 < forestry.count() < total
    expect(page.locator(".chips")).to_contain_text("Лесной комплекс")

    # Search in Cyrillic, without the ё: fairs written with ё are found.
    page.goto(live_server + "/")
    page.get_by_label("Поиск").fill("ЛЕГКАЯ")
    page.get_by_role("button", name="Показать").click()
    expect(page).to_have_url(re.compile(r"q=%D0%9B%D0%95%D0%93%D0%9A%D0%90%D0%AF"))
    cards = page.locator(".fair-card")
    assert cards.count() >= 1
    assert any("ёгк" in text.lower() or "легк" in text.lower() for text in [page.content()])

    # Switch to English: the same results, now in English, and the choice is remembered.
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Trade fairs and exhibitions in Belarus")
    expect(page).to_have_url(re.compile(r"q="))
    page.goto(live_server + "/calendar")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Open a fair page from the list.
    page.goto(live_server + "/")
    first = page.locator(".fair-card h2 a").first
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.get_by_role("heading", name="Programme")).to_be_visible()
    expect(page.get_by_role("heading", name="Registration")).to_be_visible()
    assert page.locator(".events li").count() >= 3


def test_keyboard_user_can_skip_to_content(live_server, page):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"


def test_month_view_draws_fairs_and_navigates(live_server, page):
    from playwright.sync_api import expect

    page.goto(live_server + "/calendar")
    expect(page).to_have_url(re.compile(r"/calendar/\d{4}/\d{1,2}$"))
    for _ in range(12):  # find a month with fairs in it
        if page.locator(".month-list li").count():
            break
        page.get_by_role("link", name=re.compile("Следующий месяц")).click()
    assert page.locator(".month-grid .bar").count() >= 1
    assert page.locator(".month-list li").count() >= 1


def test_catalogue_on_a_phone_has_no_horizontal_scroll(live_server, chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 740}, locale="ru-RU")
    page = context.new_page()
    page.goto(live_server + "/")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 375
