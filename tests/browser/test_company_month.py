"""The month view: an empty month points to the next fair; neighbouring days are legible."""

from __future__ import annotations

import re

import pytest

from fairplanner.i18n import minsk_today

pytestmark = pytest.mark.browser

# The colour of an element and of the first ancestor with a background of its own.
COLOURS = """(el) => {
  const colour = getComputedStyle(el).color;
  let node = el;
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent") { return [colour, bg]; }
    node = node.parentElement;
  }
  return [colour, "rgb(255, 255, 255)"];
}"""


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_an_empty_month_leads_to_the_next_fair(live, open_fair, page):
    from playwright.sync_api import expect

    today = minsk_today()
    # Only the test fair matches, and it starts 60 days from today: this month is empty.
    page.goto(f"{live.url}/calendar/{today.year}/{today.month}?q=Лесдревтех")
    expect(page.locator(".month-empty")).to_contain_text("В этом месяце нет выставок")
    expect(page.locator(".month-empty")).to_contain_text("Лесдревтех: тестовая выставка")
    page.locator(".month-empty").get_by_role("link", name=re.compile("^Календарь на")).click()
    expect(page.locator(".month-list")).to_contain_text("Лесдревтех: тестовая выставка")
    assert "q=" in page.url


def test_with_nothing_ahead_the_month_links_to_the_catalogue(live, page):
    from playwright.sync_api import expect

    page.goto(f"{live.url}/calendar/2100/12")
    expect(page.locator(".month-empty")).to_contain_text("пока не запланировано")
    page.locator(".month-empty").get_by_role("link", name="Посмотреть список выставок").click()
    expect(page).to_have_url(live.url + "/")


def test_days_of_neighbouring_months_have_enough_contrast(live, page):
    page.goto(f"{live.url}/calendar/2027/5")  # 26–30 April and 1–6 June are in the grid
    days = page.locator(".day.other-month")
    assert days.count() >= 7
    colour, background = days.first.evaluate(COLOURS)
    assert contrast(colour, background) >= 4.5, (colour, background)
