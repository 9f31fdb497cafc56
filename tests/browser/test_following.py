"""A company follows fairs from the catalogue and a fair's page, finds them under "My fairs" →
Followed, and unfollows one from the month view."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from tests.factories import PASSWORD, Factories

pytestmark = pytest.mark.browser

LISTED = "Кедровый форум: проверка слежения"
PAGED = "Пихтовая выставка: проверка слежения"


@pytest.fixture(scope="module")
def follower(live: Any) -> dict[str, Any]:
    """A company of its own (the demo company already follows fairs) and two fairs."""
    with live.app.app_context():
        factories = Factories(db.session)
        user = factories.user("follower@browser.example")
        start = minsk_today() + timedelta(days=100)
        listed = factories.fair(slug="follow-listed", name_ru=LISTED, starts_on=start)
        paged = factories.fair(slug="follow-paged", name_ru=PAGED, starts_on=start)
        return {
            "email": user.email,
            "listed": listed.slug,
            "paged": paged.slug,
            "month": f"/calendar/{start.year}/{start.month}",
        }


def test_follow_from_the_list_and_the_page_then_unfollow_from_the_month(live, page, follower):
    from playwright.sync_api import expect

    page.goto(live.url + "/login")
    page.get_by_label("Эл. почта").fill(follower["email"])
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(live.url + "/my/fairs")

    # The catalogue: the card's button, and back on the same list with the new state.
    page.goto(live.url + "/?q=Кедровый")
    card = page.locator(".fair-card", has_text=LISTED)
    card.get_by_role("button", name=f"Следить за выставкой «{LISTED}»").click()
    expect(page).to_have_url(re.compile(r"/\?q=.*#fair-\d+$"))
    expect(page.locator(".flash-success")).to_contain_text(f"Вы следите за выставкой «{LISTED}»")
    expect(card.locator(".follow-state")).to_have_text("★ Вы следите")
    expect(card.get_by_role("button", name=re.compile("^Больше не следить"))).to_be_visible()

    # The fair's page.
    page.goto(f"{live.url}/fairs/{follower['paged']}")
    page.get_by_role("button", name=f"Следить за выставкой «{PAGED}»").click()
    expect(page).to_have_url(f"{live.url}/fairs/{follower['paged']}")
    expect(page.locator(".fair-header .follow-state")).to_have_text("★ Вы следите")

    # My fairs → Followed lists both.
    page.get_by_role("link", name="Мои выставки").first.click()
    page.get_by_role("link", name=re.compile("^Отслеживаемые")).click()
    expect(page).to_have_url(live.url + "/my/fairs?tab=followed")
    tab = page.get_by_role("link", name=re.compile("^Отслеживаемые"))
    expect(tab).to_have_attribute("aria-current", "page")
    rows = page.locator("table.followed tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=LISTED)).to_contain_text("Регистрация до")
    expect(rows.filter(has_text=PAGED)).to_contain_text("Заявки нет")

    # The month view: unfollow one. Its buttons are named by the fair's link (one copy of
    # the name per fair in a list of hundreds).
    page.goto(live.url + follower["month"])
    item = page.locator(".month-list li", has_text=LISTED)
    item.get_by_role("button", name=f"Больше не следить за выставкой {LISTED}").click()
    expect(page.locator(".flash-success")).to_contain_text("Вы больше не следите")
    expect(
        page.locator(".month-list li", has_text=LISTED).get_by_role(
            "button", name=re.compile("^Следить")
        )
    ).to_be_visible()

    page.goto(live.url + "/my/fairs?tab=followed")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(PAGED)
    expect(page.get_by_role("link", name=re.compile("^Отслеживаемые"))).to_contain_text("1")
