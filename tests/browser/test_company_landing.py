"""After logging in, staff land in the organizer console and a company on "My fairs"."""

from __future__ import annotations

import pytest

from fairplanner.demo.catalogue import load_demo_file

pytestmark = pytest.mark.browser


def demo_account(role: str) -> dict:
    return next(a for a in load_demo_file()["accounts"] if a["role"] == role)


def log_in(page, base: str, account: dict, *, next_: str = "") -> None:
    page.goto(base + "/login" + (f"?next={next_}" if next_ else ""))
    page.get_by_label("Эл. почта").fill(account["email"])
    page.get_by_label("Пароль").fill(account["password"])
    page.get_by_role("button", name="Войти").click()


@pytest.mark.parametrize(
    ("role", "next_", "lands_on", "heading"),
    [
        ("staff", "", "/organizer/", "Кабинет организатора"),
        ("staff", "/my/fairs", "/organizer/", "Кабинет организатора"),
        ("member", "", "/my/fairs", "Мои выставки"),
        ("member", "/organizer/", "/my/fairs", "Мои выставки"),
    ],
)
def test_login_lands_where_the_role_works(live, page, role, next_, lands_on, heading):
    from playwright.sync_api import expect

    log_in(page, live.url, demo_account(role), next_=next_)
    expect(page).to_have_url(live.url + lands_on)
    expect(page.locator("h1")).to_contain_text(heading)
