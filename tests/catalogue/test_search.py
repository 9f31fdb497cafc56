"""Search on both databases: every word must match, ranking, places in every spelling, the
index kept current at write time, the fuzzy suggestion, and the statements it costs."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import delete, func, select

from fairplanner.catalogue.models import Oblast, fair_terms
from fairplanner.catalogue.search.index import reindex
from fairplanner.i18n import minsk_today


def slugs(response) -> list[str]:
    """The fair slugs a catalogue or month page lists, in order."""
    return re.findall(r'href="/fairs/([\w-]+)"', response.get_data(as_text=True))


def search(client, q: str, **args: str) -> list[str]:
    return slugs(client.get("/", query_string={"q": q, **args}))


def days(n: int):
    return minsk_today() + timedelta(days=n)


@pytest.fixture
def places(factories):
    return {
        "minsk": factories.city("minsk", name_ru="Минск", name_en="Minsk"),
        "gomel": factories.city("gomel", name_ru="Гомель", name_en="Gomel", oblast=Oblast.GOMEL),
        "mogilev": factories.city(
            "mogilev", name_ru="Могилёв", name_en="Mogilev", oblast=Oblast.MOGILEV
        ),
    }


def test_every_word_must_match_something(client, make_fair, places):
    make_fair(slug="agro-minsk", name_ru="Белагро", city=places["minsk"])
    make_fair(slug="agro-gomel", name_ru="Белагро", city=places["gomel"])
    make_fair(slug="wood-gomel", name_ru="Деревообработка", city=places["gomel"])
    assert search(client, "Белагро Гомель") == ["agro-gomel"]
    assert search(client, "Белагро Гомель мебель") == []
    assert sorted(search(client, "Гомель")) == ["agro-gomel", "wood-gomel"]


def test_inflected_words_find_the_fair(client, make_fair):
    make_fair(
        slug="machines", name_ru="Машиностроение", description_ru="Станки и металлообработка."
    )
    assert search(client, "выставки машиностроения") == ["machines"]
    assert search(client, "станков металлообработки") == ["machines"]
    assert search(client, "мебели") == []


def test_a_word_finds_longer_words_it_begins(client, make_fair):
    make_fair(slug="wood", name_ru="Деревообработка", description_ru="Для мебельного производства.")
    assert search(client, "мебель") == ["wood"]  # мебел… begins мебельн…
    assert search(client, "деревообр") == ["wood"]


def test_name_ranks_above_sector_place_and_organizer_above_description(
    client, factories, make_fair
):
    factories.sector("furniture", name_ru="Мебель", name_en="Furniture")
    make_fair(slug="in-text", starts_on=days(5), description_ru="Раздел мебели.")
    make_fair(slug="in-sector", starts_on=days(10), sectors=["furniture"])
    make_fair(
        slug="by-organizer",
        starts_on=days(15),
        organizer=factories.organizer("mebel-org", name_ru="Мебельный союз"),
    )
    make_fair(slug="in-name", name_ru="Мебель", starts_on=days(90))
    found = search(client, "мебель")
    assert found[0] == "in-name"
    assert set(found[1:3]) == {"in-sector", "by-organizer"}
    assert found[3] == "in-text"


def test_the_phrase_as_typed_ranks_first_then_the_soonest(client, make_fair):
    make_fair(slug="words", name_ru="Техника сельская и лесная", starts_on=days(5))
    make_fair(slug="phrase", name_ru="Выставка «Сельская техника»", starts_on=days(50))
    make_fair(slug="begins", name_ru="Сельская техника", starts_on=days(70))
    make_fair(slug="other", name_ru="Техника сельская", starts_on=days(3))
    assert search(client, "сельская техника") == ["begins", "phrase", "other", "words"]


def test_generic_words_do_not_exclude_a_fair_of_another_kind(client, make_fair):
    make_fair(
        slug="wood", name_ru="Деревообработка", name_en="Woodworking", description_ru="Мебель."
    )
    assert search(client, "ярмарку мебели") == ["wood"]
    assert search(client, "forum") == []  # alone, a generic word is required


def test_stop_words_alone_find_nothing(client, make_fair):
    make_fair(slug="any", name_ru="Выставка и ярмарка")
    assert search(client, "и в на") == []


SPELLINGS = ["Минск", "минске", "Мінск", "Minsk", "MINSK", "Miensk"]


@pytest.mark.parametrize("q", SPELLINGS)
def test_every_spelling_of_a_city_finds_what_the_city_filter_does(client, make_fair, places, q):
    for n in range(3):
        make_fair(slug=f"minsk-{n}", city=places["minsk"], starts_on=days(10 + n))
    make_fair(slug="gomel", city=places["gomel"])
    by_filter = slugs(client.get("/?city=minsk"))
    assert len(by_filter) == 3
    assert sorted(search(client, q)) == sorted(by_filter)


@pytest.mark.parametrize(
    ("q", "city"),
    [
        ("Homieĺ", "gomel"),
        ("Homiel", "gomel"),
        ("Гомеля", "gomel"),
        ("Mahilioŭ", "mogilev"),
        ("Mahiliou", "mogilev"),
        ("Магілёў", "mogilev"),
        ("могилеве", "mogilev"),
    ],
)
def test_belarusian_and_romanized_place_names(client, make_fair, places, q, city):
    for slug in places:
        make_fair(slug=f"fair-in-{slug}", city=places[slug])
    assert search(client, q) == [f"fair-in-{city}"]


def test_the_terms_follow_a_fair_and_every_name_it_depends_on(client, db, factories, make_fair):
    venue = factories.venue("hall", name_ru="Манеж")
    fair = make_fair(slug="f", name_ru="Продэкспо", venue=venue, sectors=["food"])
    db.session.commit()
    assert search(client, "Продэкспо манеж") == ["f"]

    fair.name_ru = "Продмаш"
    venue.name_ru = "Арена"
    db.session.commit()
    assert search(client, "Продэкспо") == []
    assert search(client, "Продмаш арена") == ["f"]

    venue.city.name_ru = "Заславль"
    fair.organizer.name_ru = "Союз кондитеров"
    factories.sector("food").name_ru = "Сладости"
    db.session.commit()
    assert search(client, "заславль кондитеров сладости") == ["f"]

    fair.sectors = [factories.sector("wood", name_ru="Лес")]
    db.session.commit()
    assert search(client, "сладости") == []
    assert search(client, "лес продмаш") == ["f"]

    db.session.delete(fair)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(fair_terms)) == 0


def test_reindex_rebuilds_what_bulk_writes_left_out(db, make_fair):
    make_fair(slug="f", name_ru="Белагро")
    db.session.flush()
    db.session.execute(delete(fair_terms))
    assert reindex(db.session.connection()) == 1
    stems = set(db.session.scalars(select(fair_terms.c.term)))
    assert {"белагр", "минск"} <= stems


def test_a_typo_is_corrected_and_the_page_says_so(client, make_fair):
    make_fair(slug="agro", name_ru="Белагро", name_en="Belagro")
    ru = client.get("/", query_string={"q": "белогро"}, headers={"Accept-Language": "ru"})
    html = ru.get_data(as_text=True)
    assert slugs(ru) == ["agro"]
    assert "Возможно, вы искали:" in html
    assert '<a href="/?q=%D0%91%D0%B5%D0%BB%D0%B0%D0%B3%D1%80%D0%BE">Белагро</a>' in html
    # The feed offered for the fairs shown is the corrected search's too.
    feeds = re.findall(r'calendar\.ics\?[^"]*', html)
    assert feeds
    assert all("q=%D0%91%D0%B5%D0%BB%D0%B0%D0%B3%D1%80%D0%BE" in feed for feed in feeds)
    en = client.get("/", query_string={"q": "belogro"}, headers={"Accept-Language": "en"})
    assert slugs(en) == ["agro"]
    assert 'Did you mean: <a href="/?q=Belagro">Belagro</a>' in en.get_data(as_text=True)


def test_the_suggestion_keeps_the_other_filters_and_words(client, make_fair):
    make_fair(slug="agro", name_ru="Белагро", kind="exhibition")
    html = client.get("/?q=белогро+2026&kind=exhibition").get_data(as_text=True)
    # "2026" is in no fair: the whole search is corrected word by word, or not at all.
    assert "Возможно" not in html
    html = client.get("/?q=Выставка+белогро&kind=exhibition").get_data(as_text=True)
    assert 'href="/?kind=exhibition&amp;q=%D0%92%D1%8B%D1%81%D1%82%D0%B0%D0%B2%D0%BA%D0%B0+' in html


def test_no_suggestion_when_the_words_exist_but_never_meet(client, make_fair, places):
    make_fair(slug="agro", name_ru="Белагро", city=places["minsk"])
    make_fair(slug="gomel", name_ru="Весна", city=places["gomel"])
    response = client.get("/", query_string={"q": "Белагро Весна Гомель"})
    html = response.get_data(as_text=True)
    assert "Возможно" not in html
    # Relaxed instead: the fairs with the most of the words, and the page says so.
    assert slugs(response) == ["gomel", "agro"]
    assert "Ни одна выставка не подходит под все слова" in html
    assert "calendar.ics" not in html  # a feed takes every word: it would be empty
    en = client.get("/?q=Белагро+Гомель", headers={"Accept-Language": "en"})
    assert "No fair matches all the words" in en.get_data(as_text=True)
    # Not when a word is in no fair at all, nor for a search that finds its fairs.
    none = client.get("/", query_string={"q": "Белагро Гомель zzzzzz"})
    assert slugs(none) == []
    assert "Ни одна выставка" not in none.get_data(as_text=True)
    assert "Ни одна выставка" not in client.get("/?q=Белагро").get_data(as_text=True)


def test_the_relaxed_fallback_keeps_the_other_filters(client, make_fair, places):
    make_fair(slug="agro", name_ru="Белагро", city=places["minsk"])
    make_fair(slug="gomel", name_ru="Весна", city=places["gomel"])
    response = client.get("/", query_string={"q": "Белагро Гомель", "city": "minsk"})
    assert slugs(response) == ["agro"]


def test_fleeting_vowel_plurals_are_generic_words(client, make_fair, places):
    make_fair(slug="gomel", name_ru="Весна", city=places["gomel"], kind="fair")
    for q in ["ярмарок в Гомеле", "выставок Гомеля", "ярмарок Гомель"]:
        response = client.get("/", query_string={"q": q})
        assert slugs(response) == ["gomel"], q
        assert "Возможно" not in response.get_data(as_text=True), q


def test_two_letters_swapped_are_corrected(client, make_fair):
    make_fair(slug="weld", name_ru="Сварка и резка")
    response = client.get("/", query_string={"q": "свакра и резка"})
    assert slugs(response) == ["weld"]
    assert "Возможно, вы искали:" in response.get_data(as_text=True)


def test_it_finds_the_ict_fair_not_every_english_pronoun(client, factories, make_fair, places):
    factories.sector("ict", name_ru="ИКТ", name_en="ICT")
    make_fair(slug="ict", name_ru="ТИБО", kind="forum", sectors=["ict"], city=places["minsk"])
    make_fair(slug="pronoun", name_ru="Прочее", description_en="It is held in Minsk.")
    assert search(client, "IT forum Minsk") == ["ict"]
    assert search(client, "ИТ форум") == ["ict"]
    assert search(client, "айти") == ["ict"]


def test_abbreviations_and_compounds_meet_the_words_spelt_out(client, make_fair, places):
    make_fair(
        slug="agri", name_ru="Сельскохозяйственная ярмарка", kind="fair", city=places["mogilev"]
    )
    make_fair(slug="tech", name_ru="Сельхозтехника", description_ru="Медтехника.")
    assert search(client, "сельхозярмарка Могилев") == ["agri"]
    assert search(client, "сельскохозяйственная техника") == ["tech"]
    assert search(client, "медицинская техника") == ["tech"]
    assert sorted(search(client, "сельхоз")) == ["agri", "tech"]


def test_a_place_in_the_name_weighs_as_a_place_and_the_kind_counts(
    client, factories, make_fair, places
):
    factories.sector("food", name_ru="Продукты питания", name_en="Food")
    factories.sector("industry", name_ru="Промышленность", name_en="Industry")
    make_fair(
        slug="region",
        name_en="Minsk Region Fair",
        sectors=["industry"],
        description_en="Food too.",
        city=places["minsk"],
        kind="fair",
        starts_on=days(5),
    )
    make_fair(
        slug="food",
        name_en="Prodexpo",
        sectors=["food"],
        city=places["minsk"],
        kind="fair",
        starts_on=days(50),
    )
    make_fair(
        slug="expo",
        name_en="Foodexpo",
        sectors=["food"],
        city=places["minsk"],
        kind="exhibition",
        starts_on=days(20),
    )
    # A sector above a description; the Minsk in a name no more than a fair held in Minsk;
    # a fair of the kind asked for above an exhibition.
    assert search(client, "the food fair in Minsk") == ["food", "expo", "region"]


def test_the_month_view_offers_the_suggestion(client, make_fair):
    fair = make_fair(slug="agro", name_ru="Белагро", starts_on=days(400))
    start = fair.starts_on
    html = client.get(
        f"/calendar/{start.year}/{start.month}", query_string={"q": "белогро"}
    ).get_data(as_text=True)
    assert "Возможно, вы искали:" in html
    assert f'href="/calendar/{start.year}/{start.month}?q=' in html


def test_the_feed_searches_the_same_way(client, make_fair, places):
    make_fair(slug="gomel", name_ru="Весна", city=places["gomel"])
    make_fair(slug="minsk", name_ru="Белагро", city=places["minsk"])
    cal = icalendar.Calendar.from_ical(client.get("/calendar.ics?q=Homieĺ").data)
    assert [str(e["URL"]).rsplit("/", 1)[1] for e in cal.walk("VEVENT")] == ["gomel"]


def test_statements_of_a_search_do_not_grow_with_the_results(client, db, make_fair, count_queries):
    def statements(q: str) -> int:
        client.get("/", query_string={"q": q})  # warm: the choices of the filter form
        with count_queries() as counter:
            assert client.get("/", query_string={"q": q}).status_code == 200
        return counter.count

    make_fair(name_ru="Белагро", sectors=["food", "crops"])
    one = statements("Белагро")
    for _ in range(25):
        make_fair(name_ru="Белагро", sectors=["food", "crops"])
    assert statements("Белагро") == one
    # A typo costs the search, one statement for the unknown words, the vocabulary (SQLite; on
    # PostgreSQL the trigram threshold and the candidates) and the corrected search (ids,
    # fairs, sectors): never a statement per word or per fair.
    vocabulary = 2 if db.engine.dialect.name == "postgresql" else 1
    assert statements("Белогро") == one + 2 + vocabulary
    # Every word known but never together: as for the typo, the search (its ids, no fairs to
    # load), the unknown words and the relaxed search (ids, fairs, sectors).
    make_fair(name_ru="Весна")
    assert statements("Белагро Весна") == one + 2


def test_the_reindex_command_rebuilds_every_fair(runner, db, make_fair):
    make_fair(slug="f", name_ru="Белагро")
    db.session.flush()
    db.session.execute(delete(fair_terms))
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "reindexed 1 fairs" in result.output
    assert "белагр" in set(db.session.scalars(select(fair_terms.c.term)))
