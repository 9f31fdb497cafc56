"""A visitor misspells a fair's name: the catalogue shows the nearest fairs and offers the
corrected search, in Russian and in English (vnu and axe check every page visited)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("language", "typed", "label", "button", "said", "corrected"),
    [
        ("ru", "белогро", "Поиск", "Показать", "Возможно, вы искали:", "Белагро"),
        ("en", "belogro", "Search", "Show", "Did you mean:", "Belagro"),
    ],
)
def test_a_misspelt_search_offers_the_fair_meant(
    live_server, chromium, language, typed, label, button, said, corrected
):
    from playwright.sync_api import expect

    context = chromium.new_context(
        locale=language, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_label(label, exact=True).fill(typed)
    page.get_by_role("button", name=button).click()
    suggestion = page.locator(".suggestion")
    expect(suggestion).to_contain_text(said)
    expect(suggestion).to_contain_text(typed)  # what was typed, and that nothing matched it
    expect(page.locator(".fair-card").first).to_contain_text(corrected)

    suggestion.get_by_role("link", name=corrected).click()
    expect(page).to_have_url(re.compile(r"\?q="))
    expect(page.get_by_label(label, exact=True)).to_have_value(corrected)
    expect(page.locator(".suggestion")).to_have_count(0)  # found as typed now
    expect(page.locator(".fair-card").first).to_contain_text(corrected)
    context.close()


@pytest.mark.parametrize(
    ("language", "typed", "label", "button", "said"),
    [
        (
            "ru",
            "мебельная выставка в Витебске",
            "Поиск",
            "Показать",
            "Ни одна выставка не подходит под все слова",
        ),
        ("en", "furniture Vitebsk", "Search", "Show", "No fair matches all the words"),
    ],
)
def test_words_that_never_meet_show_the_fairs_with_some_of_them(
    live_server, chromium, language, typed, label, button, said
):
    from playwright.sync_api import expect

    context = chromium.new_context(
        locale=language, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_label(label, exact=True).fill(typed)
    page.get_by_role("button", name=button).click()
    expect(page.locator(".suggestion")).to_contain_text(said)
    expect(page.locator(".suggestion a")).to_have_count(0)  # nothing to correct
    # Nor a calendar or feed of them: those take every word (they would be empty).
    expect(page.locator(".view-links")).to_have_count(0)
    expect(page.locator(".fair-card").first).to_be_visible()
    context.close()
