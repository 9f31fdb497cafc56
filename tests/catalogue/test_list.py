"""The fair list at `/`: filters, search, ordering, pagination and bad parameters."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from fairplanner.catalogue.models import FairKind, FairStatus, Oblast
from fairplanner.i18n import minsk_today


def slugs(response) -> list[str]:
    """The fair slugs listed on a catalogue page, in order."""
    return re.findall(r'href="/fairs/([\w-]+)"', response.get_data(as_text=True))


@pytest.fixture
def catalogue(factories, make_fair):
    """A small catalogue spread over cities, sectors, organizers and kinds."""
    today = minsk_today()
    gomel = factories.city("gomel", name_ru="Гомель", name_en="Gomel", oblast=Oblast.GOMEL)
    brest = factories.city("brest", name_ru="Брест", name_en="Brest", oblast=Oblast.BREST)
    mozyr = factories.city("mozyr", name_ru="Мозырь", name_en="Mozyr", oblast=Oblast.GOMEL)
    return {
        "agro": make_fair(
            slug="agro",
            name_ru="Белагро",
            name_en="Belagro",
            sectors=["crops"],
            starts_on=today + timedelta(days=10),
            kind=FairKind.EXHIBITION,
        ),
        "wood": make_fair(
            slug="wood",
            name_ru="Деревообработка",
            name_en="Woodworking",
            sectors=["forestry"],
            city=gomel,
            organizer="cci-gomel",
            starts_on=today + timedelta(days=40),
            kind=FairKind.FAIR,
        ),
        "light": make_fair(
            slug="light",
            name_ru="Лёгкая промышленность",
            name_en="Light industry",
            sectors=["light-industry", "forestry"],
            city=brest,
            starts_on=today + timedelta(days=70),
            kind=FairKind.FORUM,
            description_ru="Ткани, одежда и обувь для экспортёров из Минска.",
        ),
        "mozyr": make_fair(
            slug="mozyr",
            name_ru="Мозырская ярмарка",
            name_en="Mozyr fair",
            city=mozyr,
            sectors=["food"],
            starts_on=today + timedelta(days=100),
            kind=FairKind.FAIR,
        ),
        "past": make_fair(
            slug="past",
            name_ru="Прошедшая",
            name_en="Past show",
            starts_on=today - timedelta(days=60),
        ),
        "ongoing": make_fair(
            slug="ongoing",
            name_ru="Идёт сейчас",
            name_en="Running now",
            starts_on=today - timedelta(days=1),
            days=4,
        ),
        "draft": make_fair(
            slug="draft",
            name_ru="Черновик",
            status=FairStatus.DRAFT,
            starts_on=today + timedelta(days=5),
        ),
        "cancelled": make_fair(
            slug="cancelled",
            name_ru="Отменённая",
            name_en="Called off",
            status=FairStatus.CANCELLED,
            cancel_reason_ru="Перенос",
            starts_on=today + timedelta(days=20),
        ),
    }


def test_lists_upcoming_visible_fairs_soonest_first(client, catalogue):
    response = client.get("/")
    assert response.status_code == 200
    assert slugs(response) == ["ongoing", "agro", "cancelled", "wood", "light", "mozyr"]


@pytest.mark.parametrize(
    ("language", "text"), [("en", "6 fairs found"), ("ru", "Найдено 6 выставок")]
)
def test_count_is_shown(client, catalogue, language, text):
    html = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    assert text in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sector=forestry", ["wood", "light"]),
        ("sector=crops", ["agro"]),
        ("city=gomel", ["wood"]),
        ("oblast=gomel", ["wood", "mozyr"]),
        ("oblast=brest", ["light"]),
        ("organizer=cci-gomel", ["wood"]),
        ("kind=fair", ["wood", "mozyr"]),
        ("kind=forum", ["light"]),
        ("past=1", ["past", "ongoing", "agro", "cancelled", "wood", "light", "mozyr"]),
        ("sector=forestry&oblast=gomel", ["wood"]),
        ("sector=forestry&kind=forum&city=brest", ["light"]),
        ("oblast=gomel&kind=fair&sector=food", ["mozyr"]),
        ("sector=crops&city=gomel", []),
    ],
)
def test_filters_and_their_combinations(client, catalogue, query, expected):
    assert slugs(client.get(f"/?{query}")) == expected


def test_date_range_keeps_fairs_that_overlap_it(client, catalogue):
    today = minsk_today()
    start, end = today + timedelta(days=35), today + timedelta(days=75)
    assert slugs(client.get(f"/?from={start}&to={end}")) == ["wood", "light"]
    # An explicit start in the past shows past fairs without past=1.
    early = today - timedelta(days=61)
    assert slugs(client.get(f"/?from={early}&to={today}"))[:2] == ["past", "ongoing"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("обувь", ["light"]),  # in a description, lower-case query
        ("ОБУВЬ", ["light"]),
        ("Обуви", ["light"]),  # another case of the word
        ("легкая", ["light"]),  # е finds ё
        ("лёгкая", ["light"]),
        ("ЛЕГКАЯ промышленность", ["light"]),
        ("belagro", ["agro"]),  # the English name
        ("WOODWORKING", ["wood"]),
        ("ярмарка мозыр", ["mozyr"]),  # every word must match
        ("100%", []),  # LIKE wildcards are literal
        ("_", []),
    ],
)
def test_search_is_case_and_yo_insensitive(client, catalogue, q, expected):
    assert slugs(client.get("/", query_string={"q": q})) == expected


def test_name_matches_rank_above_description_matches(client, make_fair):
    today = minsk_today()
    make_fair(
        slug="in-text",
        name_ru="Промышленный форум",
        starts_on=today + timedelta(days=3),
        description_ru="Секция о деревообработке и мебели.",
    )
    make_fair(slug="in-name", name_ru="Деревообработка", starts_on=today + timedelta(days=90))
    assert slugs(client.get("/", query_string={"q": "деревообработк"})) == ["in-name", "in-text"]


def test_drafts_are_never_listed(client, catalogue):
    assert "draft" not in slugs(client.get("/?past=1"))
    assert "draft" not in slugs(client.get("/", query_string={"q": "Черновик"}))


def test_cancelled_fair_is_marked(client, catalogue):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Cancelled" in html


def test_each_active_filter_can_be_cleared(client, catalogue):
    html = client.get("/?sector=forestry&oblast=gomel").get_data(as_text=True)
    # The chip for the sector links to the same list without the sector, and vice versa.
    assert 'href="/?oblast=gomel"' in html
    assert 'href="/?sector=forestry"' in html
    assert 'class="clear-all" href="/"' in html


@pytest.fixture
def many(make_fair):
    today = minsk_today()
    return [make_fair(slug=f"f{i:02d}", starts_on=today + timedelta(days=i + 1)) for i in range(45)]


@pytest.mark.parametrize(
    ("page", "first", "count", "notice"),
    [
        ("1", "f00", 20, False),
        ("2", "f20", 20, False),
        ("3", "f40", 5, False),
        ("4", "f40", 5, True),  # past the end: the last page, with a notice
        ("999999999999", "f00", 20, True),  # beyond any sensible page: ignored
        ("9223372036854775807", "f00", 20, True),
        ("abc", "f00", 20, True),
        ("-1", "f00", 20, True),
        ("0", "f00", 20, True),
        ("", "f00", 20, False),
    ],
)
def test_pagination_edges(client, many, page, first, count, notice):
    response = client.get(f"/?page={page}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    listed = slugs(response)
    assert listed[0] == first
    assert len(listed) == count
    html = response.get_data(as_text=True)
    assert ('role="status"' in html) is notice


def test_pagination_links_keep_the_filters(client, many):
    html = client.get("/?sector=food&page=2").get_data(as_text=True)
    assert 'href="/?page=3&amp;sector=food"' in html
    assert 'href="/?page=1&amp;sector=food"' in html


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("from=2027-13-45", "2027-13-45"),
        ("to=yesterday", "yesterday"),
        ("sector=no-such-sector", "no-such-sector"),
        ("city=atlantis", "atlantis"),
        ("oblast=moscow", "moscow"),
        ("kind=party", "party"),
        ("organizer=nobody", "nobody"),
    ],
)
def test_malformed_parameters_are_ignored_with_a_notice(client, catalogue, query, fragment):
    response = client.get(f"/?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="status"' in html
    assert "was ignored" in html
    assert fragment in html
    assert slugs(response) == ["ongoing", "agro", "cancelled", "wood", "light", "mozyr"]


def test_notice_is_in_russian_by_default(client, catalogue):
    html = client.get("/?sector=nope").get_data(as_text=True)
    assert "не распознано и не учтено" in html


def test_huge_query_is_shortened_with_a_notice(client, catalogue):
    response = client.get("/", query_string={"q": "л" * 10_000}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "shortened to 200 characters" in html
    assert slugs(response) == []


def test_end_before_start_is_dropped(client, catalogue):
    today = minsk_today()
    response = client.get(
        f"/?from={today + timedelta(days=50)}&to={today}", headers={"Accept-Language": "en"}
    )
    assert "end date is before the start date" in response.get_data(as_text=True)
    assert slugs(response) == ["light", "mozyr"]


def test_hostile_text_is_escaped(client, catalogue):
    html = client.get("/", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_statement_count_does_not_grow_with_rows(client, make_fair, count_queries):
    today = minsk_today()
    make_fair(slug="one", starts_on=today + timedelta(days=1), sectors=["food", "crops"])
    with count_queries() as one:
        client.get("/")
    for i in range(15):
        make_fair(
            slug=f"n{i}",
            starts_on=today + timedelta(days=2 + i),
            sectors=["food", "crops"],
            city=f"city{i}",
            organizer=f"org{i}",
        )
    with count_queries() as many:
        client.get("/")
    assert many.count == one.count, many.statements
