"""The public exhibitor catalogue of a fair: who is shown, in which order, filters, search."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fairplanner.accounts.models import Country
from fairplanner.catalogue.models import FairStatus
from fairplanner.exhibitors import services
from fairplanner.i18n import minsk_today
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus


@pytest.fixture
def fair(make_fair):
    return make_fair(slug="belagro", name_ru="Белагро", name_en="Belagro", sectors=("agro", "food"))


def exhibit(factories, fair, name, **kw):
    company_kw = {k: kw.pop(k) for k in ("country", "region", "sectors", "website") if k in kw}
    sectors = company_kw.pop("sectors", ())
    company = factories.company(legal_name=name, **company_kw)
    company.sectors = [factories.sector(code) for code in sectors]
    factories.session.commit()
    return factories.registration(fair, company, **kw)


def names(client, url, lang="en"):
    page = client.get(url, headers={"Accept-Language": lang})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html


def test_only_approved_listed_and_visible_exhibitors_are_shown(client, factories, fair):
    exhibit(factories, fair, "Шown Approved", entry_ru="Комбайны и сеялки")
    exhibit(factories, fair, "Unlisted Ltd", listed=False)
    exhibit(factories, fair, "Hidden Ltd", entry_hidden=True)
    exhibit(factories, fair, "Submitted Ltd", status=RegistrationStatus.SUBMITTED)
    exhibit(factories, fair, "Waiting Ltd", status=RegistrationStatus.WAITLISTED)
    exhibit(
        factories, fair, "Visitor Ltd", role=RegistrationRole.VISITOR, stand_type=None, area=None
    )
    html = names(client, "/fairs/belagro/exhibitors")
    assert "Шown Approved" in html
    assert "Комбайны и сеялки" in html
    for hidden in ("Unlisted", "Hidden Ltd", "Submitted", "Waiting", "Visitor Ltd"):
        assert hidden not in html
    assert "1 exhibitor" in html


def test_a_draft_fair_has_no_catalogue(client, factories, make_fair):
    draft = make_fair(slug="draft-fair", status=FairStatus.DRAFT)
    exhibit(factories, draft, "Секрет")
    assert client.get("/fairs/draft-fair/exhibitors").status_code == 404


def test_an_empty_catalogue_says_what_happens_next(client, fair):
    html = names(client, "/fairs/belagro/exhibitors")
    assert "once the organizer approves their applications" in html


def test_sorted_in_russian_order_with_a_letter_index(client, factories, fair):
    for name in ("Ёлка", "«Ежевика»", "Ель", "Абрикос", "Яблоко", "Zeta", "Бобр", "ежи"):
        exhibit(factories, fair, name)
    html = names(client, "/fairs/belagro/exhibitors", lang="ru")
    order = ["Zeta", "Абрикос", "Бобр", "«Ежевика»", "ежи", "Ёлка", "Ель", "Яблоко"]
    positions = [html.index(f">{name}</a>") for name in order]
    assert positions == sorted(positions)
    assert 'id="letter-Е"' in html
    assert 'id="letter-Ё"' not in html  # ё is filed under е
    assert "#letter-Я" in html


def test_the_sort_key_reads_yo_after_ye():
    words = ["ёжик", "ежиха", "Ежи", "ёж", "еж", "Жук", "«Еда»"]
    assert sorted(words, key=services.sort_key) == [
        "«Еда»",
        "еж",
        "ёж",
        "Ежи",
        "ёжик",
        "ежиха",
        "Жук",
    ]


def test_filters_by_sector_and_country(client, factories, fair):
    exhibit(
        factories, fair, "Агро Беларусь", country=Country.BELARUS, region="minsk", sectors=("agro",)
    )
    exhibit(factories, fair, "Пищевик Вятка", sectors=("food",))
    by_sector = names(client, "/fairs/belagro/exhibitors?sector=agro")
    assert "Агро Беларусь" in by_sector
    assert "Пищевик Вятка" not in by_sector
    by_country = names(client, "/fairs/belagro/exhibitors?country=RU", lang="ru")
    assert "Пищевик Вятка" in by_country
    assert "Агро Беларусь" not in by_country
    assert "Кировская область" in by_country  # the region's name, never its code


def test_search_uses_the_catalogues_stemming_in_both_languages(client, factories, fair):
    exhibit(
        factories,
        fair,
        "Вятские комбайны",
        entry_ru="Производим комбайны",
        entry_en="Combine harvesters",
    )
    exhibit(factories, fair, "Молочный двор", entry_ru="Сыры и масло")
    assert "Вятские комбайны" in names(client, "/fairs/belagro/exhibitors?q=комбайнов")
    assert "Молочный двор" not in names(client, "/fairs/belagro/exhibitors?q=комбайнов")
    assert "Вятские комбайны" in names(client, "/fairs/belagro/exhibitors?q=harvester")
    assert "Молочный двор" in names(client, "/fairs/belagro/exhibitors?q=СЫР")
    nothing = names(client, "/fairs/belagro/exhibitors?q=трактор")
    assert "No exhibitor matches these filters." in nothing


def test_the_other_language_falls_back_with_a_marker(client, factories, fair):
    exhibit(factories, fair, "Only Russian", entry_ru="Только по-русски")
    exhibit(factories, fair, "Only English", entry_en="English only")
    html = names(client, "/fairs/belagro/exhibitors")
    assert "Только по-русски" in html
    assert '<p class="exhibitor-entry" lang="ru">Только по-русски' in html
    assert html.count("(in Russian)") == 1
    assert "(in English)" not in html
    russian = names(client, "/fairs/belagro/exhibitors", lang="ru")
    assert '<p class="exhibitor-entry" lang="en">English only' in russian
    assert "(на английском)" in russian
    assert "(на русском)" not in russian


def test_pages_and_statements_do_not_grow_with_the_exhibitors(
    client, factories, fair, count_queries
):
    exhibit(factories, fair, "Первый", sectors=("agro",))
    with count_queries() as few:
        assert client.get("/fairs/belagro/exhibitors").status_code == 200
    for n in range(services.PER_PAGE + 5):
        exhibit(factories, fair, f"Компания {n:03d}", sectors=("agro", "food"))
    with count_queries() as many:
        page = client.get("/fairs/belagro/exhibitors?page=2")
    assert page.status_code == 200
    assert many.count == few.count
    html = page.get_data(as_text=True)
    assert "Компания 034" in html  # the last, on page two
    assert "Компания 000" not in html


def test_the_fair_page_links_the_catalogue_with_the_count(client, factories, fair):
    assert "exhibitor catalogue" not in names(client, "/fairs/belagro")
    exhibit(factories, fair, "Один")
    exhibit(factories, fair, "Два")
    exhibit(factories, fair, "Скрытый", listed=False)
    html = names(client, "/fairs/belagro")
    assert "2 exhibitors: see the exhibitor catalogue" in html
    assert 'href="/fairs/belagro/exhibitors"' in html


def test_bad_filters_are_ignored_not_errors(client, factories, fair):
    exhibit(factories, fair, "Один")
    for query in ("page=0", "page=999", "page=abc", "sector=nope", "hall=1", "q=" + "я" * 500):
        assert client.get(f"/fairs/belagro/exhibitors?{query}").status_code == 200


def test_past_fair_catalogue_stays(client, factories, make_fair):
    past = make_fair(slug="old-fair", starts_on=minsk_today() - timedelta(days=100))
    exhibit(factories, past, "Старый участник")
    assert "Старый участник" in names(client, "/fairs/old-fair/exhibitors")


def test_the_sort_key_files_a_name_under_its_name_not_its_legal_form():
    names = ["ООО «Вятка»", "ОАО Беларуськалий", "ИП Алексеев", "Общество Зенит", "LLC Kirov"]
    assert sorted(names, key=services.sort_key) == [
        "LLC Kirov",
        "ИП Алексеев",
        "ОАО Беларуськалий",
        "ООО «Вятка»",
        "Общество Зенит",
    ]
    assert services.sort_key("ООО")[0] == "ооо"  # a name that is only a form keeps it


@pytest.mark.usefixtures("caching")
def test_cached_cards_are_replaced_by_a_change(client, factories, fair, count_queries):
    first = exhibit(factories, fair, "Первый")
    with count_queries() as cold:
        assert "Первый" in names(client, "/fairs/belagro/exhibitors")
    with count_queries() as warm:
        assert "Первый" in names(client, "/fairs/belagro/exhibitors")
    assert warm.count < cold.count
    first.entry_hidden = True
    exhibit(factories, fair, "Второй")
    html = names(client, "/fairs/belagro/exhibitors")
    assert "Второй" in html
    assert "Первый" not in html
