"""An organizer imports a season plan: uploads a table, reads the preview (a new fair, an
update, a row with an error), confirms, and finds the new draft in the console. Screenshots of
each step, in Russian and English, 1280 and 390 px wide, go to /tmp/shots-imports-ui."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import Fair, FairStatus, Venue
from fairplanner.extensions import db
from fairplanner.organizers.models import FairImport
from tests.browser.test_company_landing import log_in
from tests.factories import PASSWORD, Factories

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir()) / "shots-imports-ui"  # screenshots to look at
EMAIL = "planner@import.example"


@pytest.fixture(scope="module")
def planner(live):
    """Staff of an organizer of its own (no imports yet), and a plan of three rows in the
    demo catalogue's places: two fairs and one without a start date."""
    with live.app.app_context():
        factories = Factories(db.session)
        organizer = factories.organizer("import-test", name_ru="Гомельэкспо", name_en="GomelExpo")
        factories.user(EMAIL, role=Role.STAFF, organizer_id=organizer.id)
        venue = db.session.scalars(select(Venue).order_by(Venue.id)).first()
        place = f"{venue.city.name_ru};{venue.name_ru}"
        db.session.commit()
        plan = (
            "Название (рус.);Название (англ.);Начало;Окончание;Город;Место проведения;Код\n"
            f"Гомельская ярмарка;Gomel Fair;12.05.2027;14.05.2027;{place};G-1\n"
            f"Полесье-Агро;Polesie Agro;15 сентября 2027;17 сентября 2027;{place};G-2\n"
            f"Ярмарка без даты;;;;{place};G-3\n"
        )
        return {"organizer": organizer.id, "plan": plan.encode("utf-8-sig")}


def shoot(page, name: str, base: str) -> None:
    """The page now, in both languages and both widths."""
    SHOTS.mkdir(exist_ok=True)
    url = page.url
    for lang in ("ru", "en"):
        page.context.add_cookies([{"name": "lang", "value": lang, "url": base}])
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            page.screenshot(path=str(SHOTS / f"{name}-{lang}-{width}.png"), full_page=True)
    page.context.add_cookies([{"name": "lang", "value": "ru", "url": base}])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)


def test_an_organizer_uploads_previews_and_confirms_a_season_plan(live, page, planner, tmp_path):
    from playwright.sync_api import expect

    plan = tmp_path / "plan-2027.csv"
    plan.write_bytes(planner["plan"])
    log_in(page, live.url, {"email": EMAIL, "password": PASSWORD})
    expect(page).to_have_url(re.compile(r"/organizer/$"))
    page.locator('a[href="/organizer/imports"]').first.click()
    expect(page).to_have_url(re.compile(r"/organizer/imports$"))
    expect(page.locator("p.empty")).to_be_visible()  # no imports yet
    shoot(page, "1-import-empty", live.url)

    page.locator("#import-file").set_input_files(str(plan))
    page.locator("#import-upload button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/organizer/imports/\d+$"))
    expect(page.locator("tr.import-new")).to_have_count(2)
    expect(page.locator("tr.import-error")).to_have_count(1)
    shoot(page, "2-preview-with-errors", live.url)
    with live.app.app_context():
        assert (
            db.session.scalars(select(Fair).where(Fair.organizer_id == planner["organizer"])).all()
            == []
        )

    page.locator("#import-confirm button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/organizer/imports/\d+$"))
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#import-confirm")).to_have_count(0)
    shoot(page, "3-after-confirm", live.url)
    with live.app.app_context():
        fairs = db.session.scalars(
            select(Fair).where(Fair.organizer_id == planner["organizer"]).order_by(Fair.starts_on)
        ).all()
        assert [(f.name_ru, f.external_id, f.status) for f in fairs] == [
            ("Гомельская ярмарка", "G-1", FairStatus.DRAFT),
            ("Полесье-Агро", "G-2", FairStatus.DRAFT),
        ]

    # The same file again: nothing to apply; the history lists both imports.
    page.goto(f"{live.url}/organizer/imports")
    page.locator("#import-file").set_input_files(str(plan))
    page.locator("#import-upload button[type=submit]").click()
    expect(page.locator("tr.import-unchanged")).to_have_count(2)
    expect(page.locator("#import-confirm")).to_have_count(0)
    page.goto(f"{live.url}/organizer/imports")
    expect(page.locator(".import-table tbody tr")).to_have_count(2)
    shoot(page, "4-import-with-history", live.url)
    with live.app.app_context():
        statuses = db.session.scalars(
            select(FairImport.status)
            .where(FairImport.organizer_id == planner["organizer"])
            .order_by(FairImport.id)
        ).all()
        assert statuses == ["applied", "pending"]
