"""A fair's exhibitor catalogue in the API on both databases: only what the public page shows,
in its order, filtered and paged; 404 for drafts; an ETag that follows the applications and
companies as well as the catalogue."""

from __future__ import annotations

import pytest

from fairplanner.accounts.models import Country
from fairplanner.catalogue.models import FairStatus
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus

URL = "/api/v1/fairs/belagro/exhibitors"


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


def names(client, url=URL, **args) -> list[str]:
    response = client.get(url, query_string=args)
    assert response.status_code == 200, response.get_json()
    return [item["name"] for item in response.get_json()["items"]]


def test_a_card_has_what_the_page_shows_in_both_languages(client, factories, fair):
    exhibit(
        factories,
        fair,
        "ООО «Вятка»",
        sectors=["agro"],
        website="https://vyatka.example",
        entry_ru="Комбайны",
        hall="Павильон 1",
        stand="A 12",
    )
    response = client.get(URL)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1
    assert body["next_cursor"] is None
    (card,) = body["items"]
    assert card["name"] == "ООО «Вятка»"
    assert card["company_url"].endswith(f"/companies/{card['company_slug']}")
    assert (card["country"], card["region"]) == ("RU", "43")
    assert card["place"] == {"ru": "Россия · Кировская область", "en": "Russia · Kirov Oblast"}
    assert card["website"] == "https://vyatka.example"
    assert card["logo"] is None
    assert card["sectors"][0]["code"] == "agro"
    assert set(card["sectors"][0]["name"]) == {"ru", "en"}
    assert card["entry"] == {"ru": "Комбайны", "en": None}
    assert (card["hall"], card["stand"]) == ("Павильон 1", "A 12")
    # Nothing that the public page does not show: no tax number, contact, application id.
    assert set(card) == {
        "name",
        "company_slug",
        "company_url",
        "country",
        "region",
        "place",
        "website",
        "logo",
        "sectors",
        "entry",
        "hall",
        "stand",
    }


@pytest.mark.postgres
def test_only_public_entries_in_the_pages_order(client, factories, fair):
    for name in ("Яблоко", "«Ежевика»", "Абрикос", "Ёлка"):
        exhibit(factories, fair, name)
    exhibit(factories, fair, "Unlisted Ltd", listed=False)
    exhibit(factories, fair, "Hidden Ltd", entry_hidden=True)
    exhibit(factories, fair, "Submitted Ltd", status=RegistrationStatus.SUBMITTED)
    exhibit(
        factories, fair, "Visitor Ltd", role=RegistrationRole.VISITOR, stand_type=None, area=None
    )
    assert names(client) == ["Абрикос", "«Ежевика»", "Ёлка", "Яблоко"]


@pytest.mark.postgres
def test_filters_search_and_cursor_pages(client, factories, fair):
    exhibit(factories, fair, "Агро", sectors=["agro"], country=Country.BELARUS, region="MINSK")
    exhibit(factories, fair, "Молоко", sectors=["food"], entry_en="Cheese and milk")
    exhibit(factories, fair, "Сеялки", sectors=["agro"], hall="2")
    assert names(client, sector="agro") == ["Агро", "Сеялки"]
    assert names(client, country="BY") == ["Агро"]
    assert names(client, hall="2") == ["Сеялки"]
    assert names(client, q="cheese") == ["Молоко"]
    seen, cursor = [], None
    for _ in range(5):
        args = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get(URL, query_string=args).get_json()
        assert body["total"] == 3
        seen += [item["name"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Агро", "Молоко", "Сеялки"]


def test_drafts_and_unknown_fairs_are_404_problems(client, factories, make_fair):
    draft = make_fair(slug="draft-fair", status=FairStatus.DRAFT)
    exhibit(factories, draft, "Секрет")
    for url in ("/api/v1/fairs/draft-fair/exhibitors", "/api/v1/fairs/nope/exhibitors"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("args", "field"),
    [({"cursor": "forged"}, "cursor"), ({"limit": "0"}, "limit"), ({"country": "XX"}, "country")],
)
def test_bad_parameters_are_422(client, fair, args, field):
    response = client.get(URL, query_string=args)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


def test_a_fair_cursor_is_not_an_exhibitor_cursor(client, make_fair, fair):
    for _ in range(3):
        make_fair()
    cursor = client.get("/api/v1/fairs", query_string={"limit": 1}).get_json()["next_cursor"]
    assert client.get(URL, query_string={"cursor": cursor}).status_code == 422


@pytest.mark.postgres
def test_the_etag_follows_a_changed_entry(client, db, factories, fair):
    registration = exhibit(factories, fair, "Вятка", entry_ru="Комбайны")
    db.session.commit()
    first = client.get(URL)
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert client.get(URL, headers={"If-None-Match": tag}).status_code == 304
    # A change to the application alone (not the catalogue's generation) is seen at once.
    registration.entry_ru = "Сеялки"
    db.session.commit()
    fresh = client.get(URL, headers={"If-None-Match": tag})
    assert fresh.status_code == 200
    assert fresh.get_json()["items"][0]["entry"]["ru"] == "Сеялки"
    assert fresh.headers["ETag"] != tag
    # So is a company's, and one that leaves the catalogue.
    tag = fresh.headers["ETag"]
    registration.company.short_name = "Вятка-Агро"
    db.session.commit()
    renamed = client.get(URL, headers={"If-None-Match": tag})
    assert renamed.get_json()["items"][0]["name"] == "Вятка-Агро"
    registration.listed = False
    db.session.commit()
    gone = client.get(URL, headers={"If-None-Match": renamed.headers["ETag"]})
    assert gone.status_code == 200
    assert gone.get_json()["items"] == []


@pytest.mark.postgres
def test_statements_do_not_grow_with_cards(client, factories, fair, count_queries):
    exhibit(factories, fair, "Один", sectors=["agro"], entry_ru="Текст")
    with count_queries() as one:
        client.get(URL, headers={"Accept-Language": "en"})
    for i in range(8):
        exhibit(factories, fair, f"Компания {i}", sectors=["agro", "food"], entry_en="Text")
    with count_queries() as many:
        response = client.get(URL, headers={"Accept-Language": "en"})
    assert len(response.get_json()["items"]) == 9
    assert many.count == one.count, many.statements
