"""The company profile: the region list follows the chosen country (a static script)."""

from __future__ import annotations

import pytest

from tests.browser.test_company_landing import demo_account, log_in

pytestmark = pytest.mark.browser


def region_labels(page) -> list[str]:
    return page.locator("#region option").all_text_contents()


def test_the_region_list_follows_the_country(live, page):
    from playwright.sync_api import expect

    log_in(page, live.url, demo_account("member"))
    page.goto(live.url + "/company")
    expect(page.get_by_role("group", name="Реквизиты")).to_be_visible()
    region = page.get_by_label("Регион")
    # The demo company is Russian: only Russian regions, by name.
    assert "Кировская область" in region_labels(page)
    assert "Гомельская область" not in region_labels(page)
    expect(region).to_have_value("43")

    page.get_by_label("Страна").select_option(label="Беларусь")
    labels = region_labels(page)
    assert labels[0] == "Выберите…"
    assert sorted(labels[1:]) == sorted(
        [
            "г. Минск",
            "Брестская область",
            "Витебская область",
            "Гомельская область",
            "Гродненская область",
            "Минская область",
            "Могилёвская область",
        ]
    )
    expect(region).to_have_value("")  # Kirov is not in Belarus
    region.select_option(label="Гомельская область")
    expect(region).to_have_value("gomel")

    page.get_by_label("Страна").select_option(label="Другая страна")
    expect(region).to_be_hidden()
    page.get_by_label("Страна").select_option(label="Россия")
    expect(region).to_be_visible()
    assert "Кировская область" in region_labels(page)


def test_without_script_every_country_shows_its_group(live, chromium):
    context = chromium.new_context(locale="ru-RU", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live.url, demo_account("member"))
        page.goto(live.url + "/company")
        groups = page.locator("#region optgroup")
        assert [groups.nth(i).get_attribute("label") for i in range(groups.count())] == [
            "Беларусь",
            "Россия",
        ]
    finally:
        context.close()
