"""The public reads' answers are kept under their ETag: served again without the view's
queries, and never after the catalogue changes."""

from __future__ import annotations

from fairplanner.extensions import db as _db


def test_a_second_read_is_served_stored_until_the_catalogue_changes(
    client, db, make_fair, caching, count_queries
):
    fair = make_fair(slug="stored", name_ru="Белагро")
    first = client.get("/api/v1/fairs/stored")
    assert first.status_code == 200
    with count_queries() as counted:
        again = client.get("/api/v1/fairs/stored")
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert counted.count <= 1  # the generations, nothing of the fair
    fair.name_ru = "Белагро-2027"
    _db.session.commit()
    changed = client.get("/api/v1/fairs/stored")
    assert changed.json["name"]["ru"] == "Белагро-2027"
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_each_language_and_query_is_its_own_answer(client, db, make_fair, caching):
    make_fair(slug="one")
    english = client.get("/api/v1/fairs/none", headers={"Accept-Language": "en"})
    russian = client.get("/api/v1/fairs/none", headers={"Accept-Language": "ru"})
    assert english.json["title"] == "Not Found"
    assert russian.json["title"] == "Не найдено"
    assert client.get("/api/v1/fairs?limit=1").json["items"] != []
    assert client.get("/api/v1/fairs?q=nothing-like-this").json["items"] == []
