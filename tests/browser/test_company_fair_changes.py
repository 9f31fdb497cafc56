"""The company sees on "My fairs" and the application page that a fair was cancelled or moved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import User
from fairplanner.catalogue.models import FairStatus
from fairplanner.db import utcnow
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.registrations.models import Registration
from tests.browser.test_company_landing import demo_account, log_in
from tests.factories import Factories

pytestmark = pytest.mark.browser


def applied_fair(live, slug: str, name: str, days: int) -> int:
    """A fair the demo company applied for (approved); returns the application's id."""
    with live.app.app_context():
        fair = Factories(db.session).fair(
            slug=slug, name_ru=name, starts_on=minsk_today() + timedelta(days=days)
        )
        user = db.session.scalar(select(User).where(User.email == demo_account("member")["email"]))
        return Factories(db.session).registration(fair, company_id=user.company_id).id


def test_a_cancelled_fair_reads_cancelled_with_the_reason(live, page):
    from playwright.sync_api import expect

    registration_id = applied_fair(live, "cancelled-for-company", "Отменённый Агропром", 90)
    with live.app.app_context():
        registration = db.session.get(Registration, registration_id)
        fair = registration.fair
        fair.status = FairStatus.CANCELLED
        fair.cancelled_at = utcnow()
        fair.cancel_reason_ru = "Павильон закрыт на ремонт"
        fair.cancel_reason_en = "The hall is closed for repairs"
        db.session.commit()

    log_in(page, live.url, demo_account("member"))
    row = page.locator("table.registrations tbody tr").filter(has_text="Отменённый Агропром")
    expect(row).to_contain_text("Выставка отменена")
    expect(row).to_contain_text("Павильон закрыт на ремонт")
    expect(row.locator(".status-approved")).to_have_count(0)
    row.get_by_role("link", name="Отменённый Агропром").click()
    expect(page.locator(".status-line")).to_contain_text("Выставка отменена")
    expect(page.locator(".fair-change")).to_contain_text("Павильон закрыт на ремонт")
    expect(page.locator(".history")).to_contain_text("Организатор отменил выставку")
    expect(page.get_by_role("button", name="Отозвать заявку")).to_have_count(0)
    expect(page.get_by_role("link", name="Изменить заявку")).to_have_count(0)


def test_a_moved_fair_shows_its_new_dates(live, page):
    from playwright.sync_api import expect

    registration_id = applied_fair(live, "moved-for-company", "Перенесённый Лесэкспо", 100)
    with live.app.app_context():
        fair = db.session.get(Registration, registration_id).fair
        fair.starts_on += timedelta(days=7)
        fair.ends_on += timedelta(days=7)
        db.session.commit()

    log_in(page, live.url, demo_account("member"))
    row = page.locator("table.registrations tbody tr").filter(has_text="Перенесённый Лесэкспо")
    expect(row).to_contain_text("Выставка перенесена")
    expect(row).to_contain_text("изменены, было")
    row.get_by_role("link", name="Перенесённый Лесэкспо").click()
    expect(page.locator(".fair-change")).to_contain_text("Новые даты")
    expect(page.locator(".status-line")).to_contain_text("Одобрена")
