"""A visitor opens a fair's exhibitor catalogue: an approved exhibitor with a logo shows with
its stand, an unlisted or unapproved one does not, the sector filter and a Russian search
narrow the list, and the company's name opens its page. (Hostile uploads are refused in
test_media_uploads.py.)"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from fairplanner.accounts.services import set_company_logo
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.media.services import store_image
from fairplanner.registrations.models import RegistrationStatus
from tests.factories import Factories
from tests.media import images

pytestmark = pytest.mark.browser

PLYWOOD = "Лесная фанера (тест)"
SWEETS = "Кондитерская Вятка (тест)"
UNLISTED = "Скрытная мебель (тест)"
PENDING = "Ожидающий завод (тест)"


@pytest.fixture(scope="module")
def catalogue(live) -> str:
    """A fair with two listed approved exhibitors (one with a logo), an approved one that
    chose not to be listed and one still waiting for the decision."""
    with live.app.app_context():
        make = Factories(db.session)
        fair = make.fair(
            slug="catalogue-fair",
            name_ru="Деревообработка и продукты: тестовый каталог",
            name_en="Woodworking and food: test catalogue",
            starts_on=minsk_today() + timedelta(days=60),
            sectors=("forestry", "food"),
        )
        forestry, food = make.sector("forestry"), make.sector("food")
        plywood = make.company(short_name=PLYWOOD, sectors=[forestry])
        set_company_logo(plywood, store_image(io.BytesIO(images.png((240, 240)))))
        make.registration(
            fair, plywood, entry_ru="Берёзовая фанера и мебельный щит", hall="4", stand="Б-7"
        )
        sweets = make.company(short_name=SWEETS, sectors=[food])
        make.registration(fair, sweets, entry_ru="Пряники, вафли и зефир", hall="4", stand="Б-8")
        hidden = make.company(short_name=UNLISTED, sectors=[forestry])
        make.registration(fair, hidden, listed=False, entry_ru="Шкафы", hall="5", stand="1")
        pending = make.company(short_name=PENDING, sectors=[forestry])
        make.registration(
            fair, pending, status=RegistrationStatus.SUBMITTED, entry_ru="Фанера и брус"
        )
        db.session.commit()
        return fair.slug


def card(page, name: str):
    return page.locator("article.exhibitor").filter(has=page.get_by_role("heading", name=name))


def test_approved_listed_exhibitors_show_with_logo_and_stand(live, page, catalogue):
    from playwright.sync_api import expect

    page.goto(f"{live.url}/fairs/{catalogue}/exhibitors")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Экспоненты")
    expect(page.locator("article.exhibitor")).to_have_count(2)
    plywood = card(page, PLYWOOD)
    expect(plywood).to_contain_text("Зал 4, стенд Б-7")
    expect(plywood).to_contain_text("Берёзовая фанера и мебельный щит")
    logo = plywood.locator("img.exhibitor-logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(card(page, SWEETS)).to_contain_text("Зал 4, стенд Б-8")
    expect(card(page, SWEETS).locator("img")).to_have_count(0)  # no logo: no empty frame
    for absent in (UNLISTED, PENDING):
        expect(page.get_by_text(absent)).to_have_count(0)


def test_the_sector_filter_and_a_russian_search_narrow_the_list(live, page, catalogue):
    from playwright.sync_api import expect

    page.goto(f"{live.url}/fairs/{catalogue}/exhibitors")
    page.locator("select#sector").select_option("food")
    page.get_by_role("button", name="Показать экспонентов").click()
    expect(page).to_have_url(re.compile(r"/exhibitors\?(.*&)?sector=food"))
    expect(page.locator("article.exhibitor")).to_have_count(1)
    expect(card(page, SWEETS)).to_be_visible()

    page.goto(f"{live.url}/fairs/{catalogue}/exhibitors")
    page.locator("input#q").fill("фанеру")  # another case of «фанера»: the stem matches
    page.get_by_role("button", name="Показать экспонентов").click()
    expect(page.locator("article.exhibitor")).to_have_count(1)
    expect(card(page, PLYWOOD)).to_be_visible()

    page.locator("input#q").fill("трактор")
    page.get_by_role("button", name="Показать экспонентов").click()
    expect(page.locator("article.exhibitor")).to_have_count(0)
    page.get_by_role("link", name="Показать всех экспонентов").click()
    expect(page.locator("article.exhibitor")).to_have_count(2)


def test_the_company_link_opens_its_page(live, page, catalogue):
    from playwright.sync_api import expect

    page.goto(f"{live.url}/fairs/{catalogue}/exhibitors")
    card(page, PLYWOOD).get_by_role("link", name=PLYWOOD).click()
    expect(page).to_have_url(f"{live.url}/companies/lesnaia-fanera-test")
    expect(page.get_by_role("heading", level=1)).to_contain_text(PLYWOOD)
    fair_link = page.get_by_role("link", name="Деревообработка и продукты: тестовый каталог")
    expect(fair_link).to_be_visible()  # among the fairs where it exhibits
