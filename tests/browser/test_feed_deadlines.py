"""Issue 14: a company follows two fairs and subscribes to its feed; the organizer moves one
registration deadline in the console; the feed shows the new date with a higher SEQUENCE."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
import vobject

from fairplanner.demo.catalogue import load_demo_file
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from tests.factories import PASSWORD, Factories

pytestmark = pytest.mark.browser


def deadlines(body: bytes) -> dict[str, tuple]:
    """The deadline events as (summary, date, sequence), read by icalendar and by vobject,
    which must agree."""
    first = {
        str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART"), int(e["SEQUENCE"]))
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(e["UID"]).startswith("deadline-")
    }
    second = {
        e.uid.value: (e.summary.value, e.dtstart.value, int(e.sequence.value))
        for e in vobject.readOne(body.decode()).vevent_list
        if e.uid.value.startswith("deadline-")
    }
    assert first == second
    return first


def test_followed_deadlines_reach_the_feed_and_move_with_the_organizers_edit(live, chromium):
    from playwright.sync_api import expect

    with live.app.app_context():
        factories = Factories(db.session)
        start = minsk_today() + timedelta(days=70)
        fairs = [
            factories.fair(slug=f"watched-{n}", name_ru=f"Выставка наблюдения {n}", starts_on=start)
            for n in (1, 2)
        ]
        user = factories.user("watcher@example.com")
        db.session.commit()
        ids = [fair.id for fair in fairs]
        company_id = user.company_id
        old = fairs[0].registration_deadline

    context = chromium.new_context(locale="ru-RU")
    page = context.new_page()
    page.goto(live.url + "/login")
    page.get_by_label("Эл. почта").fill("watcher@example.com")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    # It follows both fairs from their pages.
    for n in (1, 2):
        page.goto(f"{live.url}/fairs/watched-{n}")
        page.get_by_role("button", name=f"Следить за выставкой «Выставка наблюдения {n}»").click()
        expect(page.locator(".flash-success")).to_contain_text("Вы следите")
    page.goto(live.url + "/my/fairs")
    section = page.locator("#calendar")
    address = section.locator("input.copy-field").input_value()
    # The company keeps the deadlines and drops the programme items.
    section.get_by_label("Пункты программы: семинары, B2B-сессии и остальное").uncheck()
    section.get_by_role("button", name="Сохранить выбор").click()
    expect(page.locator(".flash-success")).to_contain_text("Выбор сохранён")
    expect(
        page.locator("#calendar").get_by_label("Сроки регистрации — событиями на весь день")
    ).to_be_checked()

    calendar = chromium.new_context().request  # a calendar client: no cookies
    before = deadlines(calendar.get(address).body())
    assert sorted(before) == sorted(f"deadline-{i}.c{company_id}@127.0.0.1" for i in ids)
    uid = f"deadline-{ids[0]}.c{company_id}@127.0.0.1"
    assert before[uid] == ("Последний день регистрации: Выставка наблюдения 1", old, 0)

    # The organizer moves the first fair's deadline three days earlier.
    staff_account = load_demo_file()["accounts"][1]
    staff_ctx = chromium.new_context(locale="ru-RU")
    staff = staff_ctx.new_page()
    staff.goto(live.url + "/login")
    staff.get_by_label("Эл. почта").fill(staff_account["email"])
    staff.get_by_label("Пароль").fill(staff_account["password"])
    staff.get_by_role("button", name="Войти").click()
    staff.goto(f"{live.url}/organizer/fairs/watched-1/edit")
    new = old - timedelta(days=3)
    staff.get_by_label("Срок регистрации").fill(new.isoformat())
    staff.get_by_role("button", name="Сохранить").first.click()
    expect(staff.locator(".flash-success")).to_be_visible()

    after = deadlines(calendar.get(address).body())
    assert after[uid] == ("Последний день регистрации: Выставка наблюдения 1", new, 1)
    other = f"deadline-{ids[1]}.c{company_id}@127.0.0.1"
    assert after[other] == before[other]
    staff_ctx.close()
    context.close()
