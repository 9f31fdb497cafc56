"""An organizer uploads a hall plan, marks a stand by clicking on it, and a visitor follows
the exhibitor catalogue's link to the stand's marker on the public plan."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import User
from fairplanner.catalogue.models import Fair, Organizer
from fairplanner.exhibitors.models import HallPlan
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from tests.browser.test_company_landing import demo_account, log_in
from tests.factories import Factories
from tests.media import images

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir()) / "shots-i16-plans"  # screenshots to look at


@pytest.fixture(scope="module")
def fair_with_stands(live):
    with live.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == demo_account("staff")["email"]))
        factories = Factories(db.session)
        fair = factories.fair(
            slug="plan-fair",
            name_ru="Деревообработка: тест плана",
            name_en="Woodworking: plan test",
            starts_on=minsk_today() + timedelta(days=45),
            organizer=db.session.get(Organizer, staff.organizer_id),
        )
        for n, name in enumerate(("ООО «Бук»", "ООО «Дуб»", "ООО «Ель»"), start=1):
            company = factories.company(legal_name=name, short_name=name)
            factories.registration(fair, company, hall="Павильон 1", stand=f"А-{n}")
        db.session.commit()
        return fair.slug


def positions(live, slug: str) -> list[tuple[str, float, float]]:
    with live.app.app_context():
        fair = db.session.scalars(select(Fair).where(Fair.slug == slug)).one()
        plan = db.session.scalars(select(HallPlan).where(HallPlan.fair_id == fair.id)).one()
        return [(p.stand, p.x, p.y) for p in plan.positions]


def test_an_organizer_marks_a_stand_by_clicking_and_the_catalogue_links_to_it(
    live, page, chromium, fair_with_stands, tmp_path
):
    from playwright.sync_api import expect

    slug = fair_with_stands
    plan_file = tmp_path / "plan.png"
    plan_file.write_bytes(images.png((800, 400), color=(230, 240, 250)))
    log_in(page, live.url, demo_account("staff"))
    page.goto(f"{live.url}/organizer/fairs/{slug}/halls")
    page.locator("#plan-image-1").set_input_files(str(plan_file))
    page.locator("#plan-image-1").locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).click()
    expect(page).to_have_url(re.compile(r"/organizer/fairs/plan-fair/halls/\d+$"))

    # The module shows the click-to-place column; the first stand is chosen.
    expect(page.locator('input[name="selected"]').first).to_be_visible()
    expect(page.locator('input[name="selected"]').first).to_be_checked()
    plan = page.locator("svg[data-plan]")
    box = plan.bounding_box()
    plan.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    expect(page.locator("#x-0")).to_have_value(re.compile(r"^2[45](\.\d)?$|^25$"))
    expect(page.locator("#y-0")).to_have_value(re.compile(r"^7[45](\.\d)?$|^75$"))
    marker = page.locator('[data-marker="0"]')
    expect(marker).to_be_visible()
    # The next unmarked stand is chosen: a second click places it.
    expect(page.locator('input[name="selected"]').nth(1)).to_be_checked()
    plan.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    expect(page.locator("#x-1")).to_have_value(re.compile(r"^(49|50)(\.\d)?$"))
    page.get_by_role("button", name=re.compile("Сохранить места|Save the positions")).click()
    expect(page.locator(".flash, [role=status], .messages").first).to_be_visible()

    placed = positions(live, slug)
    assert [stand for stand, _x, _y in placed] == ["А-1", "А-2"]
    _stand, x, y = placed[0]
    assert abs(x - 0.25) < 0.02
    assert abs(y - 0.75) < 0.02
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"marking-ru-{width}.png"), full_page=True)

    # A visitor: the catalogue's stand links to the marker on the public plan.
    context = chromium.new_context(locale="en-GB")
    visitor = context.new_page()
    visitor.goto(f"{live.url}/fairs/{slug}/exhibitors")
    link = visitor.locator(".exhibitor-plan").first
    expect(link).to_have_attribute("href", re.compile(r"/fairs/plan-fair/halls/.+#stand-А-1$"))
    link.click()
    expect(visitor).to_have_url(re.compile(r"#stand-%D0%90-1$|#stand-А-1$"))
    target = visitor.locator("svg.hall-plan g.plan-marker:target")
    expect(target).to_have_count(1)
    expect(target).to_have_attribute("id", "stand-А-1")
    assert visitor.locator("svg.hall-plan g.plan-marker").count() == 2
    for lang in ("en", "ru"):
        other = chromium.new_context(locale="ru-RU" if lang == "ru" else "en-GB")
        shot = other.new_page()
        for width in (1280, 390):
            shot.set_viewport_size({"width": width, "height": 900})
            shot.goto(f"{live.url}/fairs/{slug}/halls/Павильон 1#stand-А-1")
            shot.screenshot(path=str(SHOTS / f"public-{lang}-{width}.png"), full_page=True)
        other.close()
    context.close()
