"""An organizer uploads a fair's logo and cover in the console; visitors see them on the
catalogue card and the fair page. A file that is no image is refused in the form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fairplanner.accounts.models import User
from fairplanner.catalogue.models import Organizer
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.media.models import Image
from tests.browser.test_company_landing import demo_account, log_in
from tests.factories import Factories
from tests.media import images

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fair_of_the_staff(live):
    with live.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == demo_account("staff")["email"]))
        fair = Factories(db.session).fair(
            slug="media-fair",
            name_ru="Мебель и интерьер: тест логотипа",
            name_en="Furniture: logo test",
            starts_on=minsk_today() + timedelta(days=45),
            organizer=db.session.get(Organizer, staff.organizer_id),
        )
        return fair.slug


def image_count(live) -> int:
    with live.app.app_context():
        return db.session.scalar(select(func.count()).select_from(Image))


def loaded(page, selector: str) -> bool:
    return page.locator(selector).first.evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_fair_logo_uploaded_in_the_console_shows_on_the_card_and_the_page(
    live, page, chromium, fair_of_the_staff, tmp_path
):
    from playwright.sync_api import expect

    slug = fair_of_the_staff
    hostile = tmp_path / "logo.png"
    hostile.write_bytes(images.HTML)
    logo = tmp_path / "real-logo.png"
    logo.write_bytes(images.png((300, 200)))

    log_in(page, live.url, demo_account("staff"))
    page.goto(f"{live.url}/organizer/fairs/{slug}/edit")
    before = image_count(live)
    section = page.locator("#logo")
    section.get_by_label("Изображение (PNG, JPEG или WebP, не больше 5 МБ)").set_input_files(
        str(hostile)
    )
    section.get_by_role("button", name="Загрузить").click()
    expect(page.locator("#logo .field-errors")).to_contain_text(
        "Этот файл — не изображение PNG, JPEG или WebP."
    )
    assert image_count(live) == before
    # A decompression bomb: a small PNG that declares 100,000 × 100,000 pixels.
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(images.bomb())
    page.locator("#logo").get_by_label(
        "Изображение (PNG, JPEG или WebP, не больше 5 МБ)"
    ).set_input_files(str(bomb))
    page.locator("#logo").get_by_role("button", name="Загрузить").click()
    expect(page.locator("#logo .field-errors")).to_contain_text("слишком много пикселей")
    assert image_count(live) == before

    page.locator("#logo").get_by_label(
        "Изображение (PNG, JPEG или WebP, не больше 5 МБ)"
    ).set_input_files(str(logo))
    page.locator("#logo").get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text("Изображение сохранено.")).to_be_visible()
    expect(page.locator("#logo img")).to_be_visible()
    assert image_count(live) == before + 1

    visitor = chromium.new_context(locale="ru-RU")
    try:
        card_page = visitor.new_page()
        card_page.goto(f"{live.url}/?q=Мебель")
        card = card_page.locator("article.fair-card").filter(
            has_text="Мебель и интерьер: тест логотипа"
        )
        expect(card.locator("img.fair-card-logo")).to_be_visible()
        assert card.locator("img.fair-card-logo").evaluate(
            "img => img.complete && img.naturalWidth > 0"
        )
        card_page.goto(f"{live.url}/fairs/{slug}")
        expect(
            card_page.get_by_role("img", name="Логотип: Мебель и интерьер: тест логотипа")
        ).to_be_visible()
        assert loaded(card_page, "img.fair-logo")
        og = card_page.locator('meta[property="og:image"]').get_attribute("content")
        assert og.startswith(live.url + "/media/")
        response = card_page.request.get(og)
        assert response.status == 200
        assert response.headers["content-type"] == "image/png"
        assert "immutable" in response.headers["cache-control"]
    finally:
        visitor.close()


def test_a_file_over_the_upload_limit_gets_the_413_page(live, page, fair_of_the_staff, tmp_path):
    from playwright.sync_api import expect

    huge = tmp_path / "huge.png"
    with huge.open("wb") as out:
        out.write(images.png())
        out.write(b"\x00" * (50 * 1024 * 1024))
    log_in(page, live.url, demo_account("member"))
    page.goto(f"{live.url}/company")
    before = image_count(live)
    page.locator("#logo").get_by_label(
        "Изображение (PNG, JPEG или WebP, не больше 5 МБ)"
    ).set_input_files(str(huge))
    # "Загрузить", or "Заменить" when another test of the session gave the company a logo.
    page.locator("#logo").get_by_role("button", name=re.compile("^(Загрузить|Заменить)$")).click()
    expect(page.get_by_role("heading", name="Слишком большой запрос")).to_be_visible()
    assert image_count(live) == before
