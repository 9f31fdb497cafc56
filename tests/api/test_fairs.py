"""The public fair list and fair on both databases: the catalogue's filters and search,
cursor pages with no gap or repeat, drafts hidden, and statements that do not grow with rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fairplanner.catalogue.models import FairKind, FairStatus, Oblast
from fairplanner.i18n import minsk_today


def days(n: int):
    return minsk_today() + timedelta(days=n)


def slugs(client, **args) -> list[str]:
    response = client.get("/api/v1/fairs", query_string=args)
    assert response.status_code == 200, response.get_json()
    return [item["slug"] for item in response.get_json()["items"]]


@pytest.fixture
def catalogue(factories, make_fair):
    gomel = factories.city("gomel", name_ru="Гомель", name_en="Gomel", oblast=Oblast.GOMEL)
    minsk = factories.city("minsk", name_ru="Минск", name_en="Minsk")
    make_fair(
        slug="mebel",
        name_ru="Мебель и интерьер",
        name_en="Furniture",
        city=minsk,
        sectors=["furniture"],
        starts_on=days(10),
    )
    make_fair(
        slug="prodexpo",
        name_ru="Продэкспо",
        name_en="Prodexpo",
        city=gomel,
        sectors=["food"],
        kind=FairKind.FAIR,
        organizer="gomelexpo",
        starts_on=days(20),
    )
    make_fair(slug="cancelled", status=FairStatus.CANCELLED, starts_on=days(30), sectors=["crops"])
    make_fair(slug="draft", status=FairStatus.DRAFT, starts_on=days(5))
    make_fair(slug="past", starts_on=days(-40))


def test_lists_published_and_cancelled_never_drafts(client, catalogue):
    response = client.get("/api/v1/fairs")
    items = response.get_json()["items"]
    assert [i["slug"] for i in items] == ["mebel", "prodexpo", "cancelled"]
    assert [i["cancelled"] for i in items] == [False, False, True]
    assert client.get("/api/v1/fairs/draft").status_code == 404
    assert "past" in slugs(client, past="true")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"sector": "food"}, ["prodexpo"]),
        ({"city": "gomel"}, ["prodexpo"]),
        ({"oblast": "gomel"}, ["prodexpo"]),
        ({"organizer": "gomelexpo"}, ["prodexpo"]),
        ({"kind": "fair"}, ["prodexpo"]),
        ({"from": str(days(15)), "to": str(days(25))}, ["prodexpo"]),
        ({"q": "мебель"}, ["mebel"]),
        ({"q": "Мебели"}, ["mebel"]),  # stemmed, as the catalogue's search
        ({"q": "Гомель"}, ["prodexpo"]),
        ({"q": "furniture"}, ["mebel"]),
    ],
)
def test_filters_and_search_are_the_catalogues(client, catalogue, args, expected):
    assert slugs(client, **args) == expected


def test_cursor_pages_have_no_gap_and_no_repeat(client, make_fair):
    made = [make_fair(starts_on=days(1 + i)).slug for i in range(7)]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        args = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/fairs", query_string=args).get_json()
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made


def test_fair_has_its_programme_places_and_both_languages(client, make_fair):
    make_fair(slug="one", name_ru="Выставка", name_en="Show", programme=2, sectors=["food"])
    body = client.get("/api/v1/fairs/one").get_json()
    assert body["name"] == {"ru": "Выставка", "en": "Show"}
    assert body["city"]["slug"] == "minsk"
    assert body["venue"]["city"]["slug"] == "minsk"
    # Codes as the filters take them (kind=exhibition, oblast=...), not Python's enum names.
    assert (body["kind"], body["status"]) == ("exhibition", "published")
    assert body["city"]["oblast"] == body["city"]["oblast"].lower()
    assert body["organizer"]["slug"] == "belexpo"
    assert [s["code"] for s in body["sectors"]] == ["food"]
    assert len(body["programme"]) == 2
    # 07:00 UTC is 10:00 in Minsk, written with its offset.
    assert body["programme"][0]["starts_at"].endswith("T10:00:00+03:00")
    assert body["starts_on"] == body["programme"][0]["starts_at"][:10]


def test_reference_lists(client, catalogue):
    assert {s["code"] for s in client.get("/api/v1/sectors").get_json()} >= {"food", "furniture"}
    cities = client.get("/api/v1/cities").get_json()
    assert [c["slug"] for c in cities] == ["gomel", "minsk"]
    organizers = client.get("/api/v1/organizers").get_json()
    assert [o["slug"] for o in organizers] == ["belexpo", "gomelexpo"]


@pytest.mark.parametrize("args", [{}, {"q": "выставка"}])
def test_statements_do_not_grow_with_rows(client, make_fair, count_queries, args):
    make_fair(starts_on=days(1), sectors=["food", "crops"])
    with count_queries() as one:
        client.get("/api/v1/fairs", query_string=args)
    for i in range(12):
        make_fair(starts_on=days(2 + i), sectors=["food", "crops"], city=f"c{i}", organizer=f"o{i}")
    with count_queries() as many:
        response = client.get("/api/v1/fairs", query_string=args)
    assert len(response.get_json()["items"]) == 13
    assert many.count == one.count, many.statements


def test_a_mistyped_search_pages_through_its_correction(client, make_fair):
    for i in range(3):
        make_fair(name_ru=f"Белагро {i}", name_en=f"Belagro {i}", starts_on=days(1 + i))
    make_fair(name_ru="Продэкспо", starts_on=days(9))
    first = client.get("/api/v1/fairs", query_string={"q": "белогро", "limit": 2}).get_json()
    assert first["corrected_q"] == "Белагро"
    second = client.get("/api/v1/fairs", query_string={"cursor": first["next_cursor"]}).get_json()
    assert second["corrected_q"] == "Белагро"
    assert second["next_cursor"] is None
    assert len(first["items"]) + len(second["items"]) == 3


def test_venues_lists_every_place_with_its_city(client, factories, make_fair):
    make_fair(venue=factories.venue("miec", name_ru="Футбольный манеж"))
    factories.venue("empty-hall", city=factories.city("gomel", name_ru="Гомель"))
    factories.session.commit()
    answer = client.get("/api/v1/venues")
    assert answer.status_code == 200
    slugs = [v["slug"] for v in answer.json]
    assert {"miec", "empty-hall"} <= set(slugs)  # a venue without a fair yet too
    gomel = next(v for v in answer.json if v["slug"] == "empty-hall")
    assert gomel["city"]["slug"] == "gomel"
    assert gomel["city"]["name"]["ru"] == "Гомель"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.headers["ETag"]
