"""Signing up needs the consent to the privacy notice: refused in Russian without the tick,
an account with it; the notice is one click away."""

from __future__ import annotations

import pytest

from tests.browser.test_mail_flow import deliver, last_link

pytestmark = pytest.mark.browser


def fill_signup(page, email: str) -> None:
    page.get_by_label("Название компании").fill("ООО «Согласие»")
    page.get_by_label("Эл. почта").fill(email)
    page.get_by_label("Пароль", exact=True).fill("надёжный пароль для согласия")
    page.get_by_label("Повторите пароль").fill("надёжный пароль для согласия")


def test_signup_needs_the_consent(live, page):
    from playwright.sync_api import expect

    page.goto(live.url + "/signup")
    fill_signup(page, "consent@vyatka.example")
    page.get_by_role("button", name="Создать аккаунт").click()
    expect(page.locator(".field-errors")).to_have_text(
        "Отметьте согласие на обработку персональных данных: "
        "без него мы не можем создать учётную запись."
    )
    consent = page.get_by_label("Даю согласие на обработку персональных данных")
    expect(consent).to_have_attribute("aria-invalid", "true")
    expect(consent).not_to_be_checked()

    fill_signup(page, "consent@vyatka.example")  # passwords are never sent back
    consent.check()
    page.get_by_role("button", name="Создать аккаунт").click()
    # The account opens from the confirmation mail (sign-up says nothing of taken addresses).
    expect(page.locator(".flash")).to_contain_text("consent@vyatka.example")
    deliver(live)
    page.goto(last_link(live, "consent@vyatka.example"))
    expect(page.locator("h1")).to_have_text("Профиль компании")
    expect(page.locator("#your-data")).to_contain_text("по версии 1 политики конфиденциальности")


def test_the_notice_is_linked_from_the_form_and_the_footer(live, page):
    from playwright.sync_api import expect

    page.goto(live.url + "/signup")
    link = page.get_by_role("link", name="Прочитать политику конфиденциальности")
    expect(link).to_have_attribute("href", "/privacy")
    page.get_by_role("contentinfo").get_by_role("link", name="Политика конфиденциальности").click()
    expect(page.locator("h1")).to_have_text("Политика конфиденциальности")
    expect(page.locator("main")).to_contain_text("№ 99-З")
