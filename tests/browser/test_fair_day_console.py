"""The organizer's fair day in a browser: a walk-in registered at the desk in a few keystrokes,
and the numbers page's fair-day figures refreshing themselves while the fair is on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import User
from fairplanner.catalogue.models import Organizer
from fairplanner.demo.catalogue import load_demo_file
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.tickets import services
from fairplanner.tickets.models import Ticket
from tests.factories import Factories

pytestmark = pytest.mark.browser


@pytest.fixture
def running_fair(live):
    """A fair of the demo organizer on its first day."""
    staff_account = load_demo_file()["accounts"][1]
    with live.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == staff_account["email"]))
        fair = Factories(db.session).fair(
            slug="browser-fair-day",
            name_ru="Продэкспо: сегодня",
            name_en="Prodexpo: today",
            starts_on=minsk_today(),
            days=2,
            organizer=db.session.get(Organizer, staff.organizer_id),
        )
        return fair.slug, staff_account


def login(page, base: str, account: dict) -> None:
    page.goto(base + "/login")
    page.get_by_label("Эл. почта").fill(account["email"])
    page.get_by_label("Пароль").fill(account["password"])
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()


def test_a_walk_in_is_registered_and_the_fair_day_refreshes(live, page, running_fair):
    from playwright.sync_api import expect

    slug, account = running_fair
    page.clock.install()  # the page's 30-second refresh runs on this clock
    login(page, live.url, account)
    page.goto(f"{live.url}/organizer/fairs/{slug}/numbers")
    expect(page.locator("#fair-day")).to_contain_text("Билетов пока нет")

    # The desk: the name box has the focus; type, choose the role, register.
    page.goto(f"{live.url}/organizer/fairs/{slug}/badges/new")
    expect(page.get_by_label("ФИО")).to_be_focused()
    page.keyboard.type("Гостев Иван")
    page.get_by_label("Компания или СМИ").fill("БелТА")
    page.get_by_label("Пресса").check()
    page.get_by_role("button", name="Зарегистрировать и напечатать бейдж").click()
    expect(page.locator("h1")).to_have_text("Билет выдан: Гостев Иван")
    expect(page.get_by_role("link", name="Зарегистрировать следующего")).to_be_focused()
    expect(page.get_by_role("link", name="Напечатать бейдж")).to_have_attribute("target", "_blank")

    # The numbers page counts the ticket; a scan at the door shows within 30 seconds.
    page.goto(f"{live.url}/organizer/fairs/{slug}/numbers")
    expect(page.locator("#fair-day")).to_contain_text("Выдан 1 билет")
    with live.app.app_context():
        # (The live server's database is shared: another test's walk-in may have this name.)
        ticket = db.session.scalars(
            select(Ticket).where(Ticket.name == "Гостев Иван", Ticket.fair.has(slug=slug))
        ).one()
        scan = services.Scan(scan_id="00000000-0000-4000-8000-00000000f00d", code=ticket.code)
        assert services.check_in(ticket.fair, scan, staff=None).result.admits
        db.session.commit()
    entries = page.locator("#fair-day .kpi").filter(has_text="Входы").locator(".kpi-value")
    expect(entries).to_have_count(0)
    page.clock.run_for(31_000)
    expect(entries).to_have_text("1")
    expect(page.locator("#fair-day")).to_have_attribute(
        "data-refresh", f"/organizer/fairs/{slug}/numbers/fair-day"
    )
