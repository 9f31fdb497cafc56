"""Sign-up confirmed with the link from the delivered message; a password reset end to end."""

from __future__ import annotations

import re

import pytest

from fairplanner.notifications.delivery import Mailer
from fairplanner.notifications.services import run_once

pytestmark = pytest.mark.browser


def deliver(live) -> None:
    """What the outbox worker does, against the real SMTP server of the live fixture, until
    nothing is due (the demo's applications queue mail too, more than one pass sends)."""
    with live.app.app_context():
        mailer = Mailer(live.app.config, live.app.instance_path)
        while any(run_once(mailer)):
            pass


def last_link(live, to: str) -> str:
    message = next(m for m in reversed(live.inbox.messages) if m["To"] == to)
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+", text).group(0)


def test_signup_confirmation_and_password_reset(live, page):
    from playwright.sync_api import expect

    email = "mail-flow@vyatka.example"
    page.goto(live.url + "/signup")
    page.get_by_label("Название компании").fill("ООО «Почта Вятки»")
    page.get_by_label("Эл. почта").fill(email)
    page.get_by_label("Пароль", exact=True).fill("первый надёжный пароль")
    page.get_by_label("Повторите пароль").fill("первый надёжный пароль")
    page.get_by_label("Даю согласие на обработку персональных данных").check()
    page.get_by_role("button", name="Создать аккаунт").click()
    # The same answer as for an address that has an account: the link in the mail goes on.
    expect(page.locator(".flash-info")).to_contain_text("Мы отправили письмо на " + email)

    deliver(live)
    page.goto(last_link(live, email))
    expect(page.locator(".flash-success")).to_contain_text("Адрес эл. почты подтверждён")
    expect(page.locator(".verify-banner")).to_have_count(0)
    expect(page.get_by_label("Полное наименование")).to_be_visible()  # the company profile

    # Forgotten password: request, the link from the message, a new password, a login.
    page.get_by_role("button", name="Выйти").click()
    page.goto(live.url + "/login")
    page.get_by_role("link", name="Забыли пароль?").click()
    page.get_by_label("Эл. почта").fill(email)
    page.get_by_role("button", name="Отправить ссылку").click()
    expect(page.locator(".flash-info")).to_be_visible()
    deliver(live)
    page.goto(last_link(live, email))
    page.get_by_label("Новый пароль", exact=True).fill("второй надёжный пароль")
    page.get_by_label("Повторите новый пароль").fill("второй надёжный пароль")
    page.get_by_role("button", name="Сменить пароль").click()
    expect(page.locator(".flash-success")).to_contain_text("Пароль изменён")
    page.get_by_label("Эл. почта").fill(email)
    page.get_by_label("Пароль").fill("второй надёжный пароль")
    page.get_by_role("button", name="Войти").click()
    expect(page.locator("h1")).to_have_text("Мои выставки")  # logged in with the new password
