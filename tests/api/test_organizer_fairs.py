"""The organizer staff's fair and programme endpoints on both databases: the console's forms
and services behind them (its rules, its refusals, its audit log, now saying which token), a
token's scope, and another organizer's fairs out of reach."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.organizers.models import FairChange
from tests.api.staff import API, build_org, event_body, fair_body, fair_count

PROBLEM = "application/problem+json"
org_fixture = pytest.fixture(name="org")(build_org)


def test_lists_the_organizers_fairs_drafts_too(client, db, org, make_fair):
    make_fair(slug="belagro-draft", organizer=org.organizer, status=FairStatus.DRAFT)
    response = client.get(f"{API}/fairs", headers=org.read)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Access-Control-Allow-Origin" not in response.headers
    slugs = [f["slug"] for f in response.get_json()["items"]]
    assert sorted(slugs) == ["belagro", "belagro-draft"]
    drafts = client.get(f"{API}/fairs", query_string={"status": "draft"}, headers=org.read)
    assert [f["slug"] for f in drafts.get_json()["items"]] == ["belagro-draft"]
    assert (
        client.get(f"{API}/fairs", query_string={"status": "x"}, headers=org.read).status_code
        == 422
    )
    everything = client.get(f"{API}/fairs", headers=org.admin_token).get_json()["items"]
    assert {"belagro", "belagro-draft", "gomel-fair"} <= {f["slug"] for f in everything}


def test_the_fair_list_statements_do_not_grow_with_fairs(client, org, make_fair, count_queries):
    client.get(f"{API}/fairs", headers=org.read)
    with count_queries() as few:
        client.get(f"{API}/fairs", headers=org.read)
    for n in range(3):
        make_fair(slug=f"more-{n}", organizer=org.organizer, programme=2, sectors=["forestry"])
    with count_queries() as many:
        assert len(client.get(f"{API}/fairs", headers=org.read).get_json()["items"]) == 4
    assert many.count == few.count


def test_one_fair_with_its_programme_and_rules(client, org):
    body = client.get(f"{API}/fairs/belagro", headers=org.read).get_json()
    assert body["status"] == "published"
    assert body["revision"] == org.fair.revision
    assert body["name"] == {"ru": org.fair.name_ru, "en": org.fair.name_en}
    assert body["capacity"] == 100
    assert body["capacity_unit"] == "stands"
    [item] = body["programme"]
    assert {"id", "revision", "title", "starts_at"} <= item.keys()
    assert item["starts_at"].endswith("+03:00")


@pytest.mark.parametrize(
    "who", ["rival_token", "nobody", "member_token"], ids=["other-organizer", "no-token", "member"]
)
def test_only_the_organizers_staff_read_its_fair(client, org, who):
    headers = {} if who == "nobody" else getattr(org, who)
    response = client.get(f"{API}/fairs/belagro", headers=headers)
    expected = {"rival_token": 404, "nobody": 401, "member_token": 403}[who]
    assert response.status_code == expected
    assert response.mimetype == PROBLEM


def test_create_a_draft_through_the_console_service(client, db, org, login_as):
    response = client.post(f"{API}/fairs", json=fair_body(), headers=org.write)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft"
    assert body["organizer"]["slug"] == "belexpo"
    assert body["venue"]["slug"] == "manege"
    assert [s["code"] for s in body["sectors"]] == ["food"]
    assert response.headers["Location"].endswith(f"{API}/fairs/belagro-new")
    fair = db.session.scalar(select(Fair).where(Fair.slug == "belagro-new"))
    [change] = db.session.scalars(select(FairChange).where(FairChange.fair_id == fair.id))
    assert (change.action, change.actor_id, change.api_token_id) == (
        "created",
        org.staff.id,
        org.write_id,
    )
    login_as(org.staff)
    assert client.get("/organizer/fairs/belagro-new/log").status_code == 200


def test_a_new_venue_named_in_the_body(client, db, org):
    body = fair_body(venue=None, new_venue={"name": "Новый зал", "city": "minsk"})
    response = client.post(f"{API}/fairs", json=body, headers=org.write)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["venue"]["name"]["ru"] == "Новый зал"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"slug": "Не латиница"}, {"slug"}),
        ({"name": {"en": "No Russian"}}, {"name.ru"}),
        ({"venue": "atlantis"}, {"venue"}),
        ({"venue": None, "new_venue": {"name": "Зал", "city": "atlantis"}}, {"new_venue.city"}),
        ({"kind": "party", "capacity": 0}, {"kind", "capacity"}),
        ({"stand_area_min": 0}, {"stand_area_min"}),
        ({"starts_on": "not a date"}, {"starts_on"}),
        ({"unknown": 1}, {"unknown"}),
    ],
)
def test_bad_fields_are_a_422_naming_them_and_nothing_is_saved(client, org, changes, fields):
    before = fair_count()
    response = client.post(f"{API}/fairs", json=fair_body(**changes), headers=org.write)
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert set(response.get_json()["errors"]) == fields
    assert fair_count() == before


def test_a_rule_of_the_service_is_a_422_with_its_message(client, org):
    start = fair_body()["starts_on"]
    body = fair_body(ends_on=start, starts_on=(fair_body()["ends_on"]))
    before = fair_count()
    response = client.post(
        f"{API}/fairs", json=body, headers={**org.write, "Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert response.get_json()["detail"] == "The fair cannot end before it starts."
    assert fair_count() == before
    taken = client.post(f"{API}/fairs", json=fair_body(slug="gomel-fair"), headers=org.write)
    assert taken.status_code == 422
    assert fair_count() == before


def test_an_admin_without_an_organizer_adds_no_fair(client, org):
    response = client.post(f"{API}/fairs", json=fair_body(), headers=org.admin_token)
    assert response.status_code == 403


def test_edit_with_the_revision_read_and_a_stale_one_is_a_409(client, db, org):
    revision = client.get(f"{API}/fairs/belagro", headers=org.read).get_json()["revision"]
    response = client.patch(
        f"{API}/fairs/belagro",
        json={"revision": revision, "name": {"en": "Belagro 2"}, "capacity": 150},
        headers=org.write,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"]["en"] == "Belagro 2"
    assert body["name"]["ru"] == org.fair.name_ru  # not given: kept
    assert body["capacity"] == 150
    assert body["revision"] > revision
    change = db.session.scalar(
        select(FairChange).where(FairChange.fair_id == org.fair.id, FairChange.action == "edited")
    )
    assert change.api_token_id == org.write_id
    assert change.changes["name_en"][1] == "Belagro 2"
    stale = client.patch(
        f"{API}/fairs/belagro",
        json={"revision": revision, "name": {"en": "Lost"}},
        headers=org.write,
    )
    assert stale.status_code == 409
    assert stale.mimetype == PROBLEM
    db.session.expire_all()
    assert db.session.get(Fair, org.fair.id).name_en == "Belagro 2"


def test_edit_without_a_revision_or_with_a_bad_field_is_a_422(client, db, org):
    assert client.patch(
        f"{API}/fairs/belagro", json={"name": {"en": "X"}}, headers=org.write
    ).get_json()["errors"] == {"revision": ["Missing data for required field."]}
    response = client.patch(
        f"{API}/fairs/belagro",
        json={"revision": org.fair.revision, "name": {"ru": ""}},
        headers=org.write,
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"name.ru"}
    db.session.expire_all()
    assert db.session.get(Fair, org.fair.id).name_ru == org.fair.name_ru


def test_draft_programme_publish_cancel_and_copy(client, db, org):
    created = client.post(f"{API}/fairs", json=fair_body(), headers=org.write).get_json()
    slug = created["slug"]
    refused = client.post(f"{API}/fairs/{slug}/publish", headers=org.write)
    assert refused.status_code == 422  # no programme yet
    first_day = created["starts_on"]
    item = client.post(
        f"{API}/fairs/{slug}/programme",
        json=event_body(Fair.starts_on.type.python_type.fromisoformat(first_day)),
        headers=org.write,
    )
    assert item.status_code == 201, item.get_json()
    published = client.post(f"{API}/fairs/{slug}/publish", headers=org.write)
    assert published.get_json()["status"] == "published"
    no_reason = client.post(
        f"{API}/fairs/{slug}/cancel", json={"reason": {"en": "Flood"}}, headers=org.write
    )
    assert no_reason.status_code == 422
    assert set(no_reason.get_json()["errors"]) == {"reason.ru"}
    cancelled = client.post(
        f"{API}/fairs/{slug}/cancel",
        json={"reason": {"ru": "Паводок", "en": "Flood"}},
        headers=org.write,
    ).get_json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancel_reason"] == {"ru": "Паводок", "en": "Flood"}
    again = client.post(
        f"{API}/fairs/{slug}/cancel", json={"reason": {"ru": "Ещё раз"}}, headers=org.write
    )
    assert again.status_code == 422
    copied = client.post(f"{API}/fairs/{slug}/copy", headers=org.write)
    assert copied.status_code == 201
    edition = copied.get_json()
    assert edition["status"] == "draft"
    assert len(edition["programme"]) == 1
    actions = db.session.scalars(
        select(FairChange.action).join(Fair).where(Fair.slug == slug).order_by(FairChange.id)
    ).all()
    assert actions == ["created", "event added", "published", "cancelled"]
    tokens = db.session.scalars(
        select(FairChange.api_token_id).join(Fair).where(Fair.slug.in_([slug, edition["slug"]]))
    ).all()
    assert set(tokens) == {org.write_id}


def test_programme_add_edit_delete(client, db, org):
    day = org.fair.starts_on
    programme = f"{API}/fairs/belagro/programme"
    added = client.post(programme, json=event_body(day), headers=org.write)
    assert added.status_code == 201, added.get_json()
    item = added.get_json()
    assert item["hall"] == {"ru": "Зал 1", "en": None}
    assert item["starts_at"] == f"{day.isoformat()}T10:00:00+03:00"
    clash = client.post(
        programme, json=event_body(day, title={"ru": "Другое"}, start="10:30"), headers=org.write
    )
    assert clash.status_code == 422
    assert "Зал 1" in clash.get_json()["detail"]
    outside = client.post(programme, json=event_body(day - timedelta(days=1)), headers=org.write)
    assert outside.status_code == 422
    bad = client.post(
        programme, json=event_body(day, kind="party", title={"ru": ""}), headers=org.write
    )
    assert set(bad.get_json()["errors"]) == {"kind", "title.ru"}
    late = client.post(programme, json=event_body(day, start="25:00"), headers=org.write)
    assert set(late.get_json()["errors"]) == {"start"}
    edited = client.patch(
        f"{programme}/{item['id']}",
        json={"revision": item["revision"], "end": "12:00"},
        headers=org.write,
    )
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["ends_at"] == f"{day.isoformat()}T12:00:00+03:00"
    assert edited.get_json()["title"]["ru"] == "Открытие"
    stale = client.patch(
        f"{programme}/{item['id']}",
        json={"revision": item["revision"], "end": "13:00"},
        headers=org.write,
    )
    assert stale.status_code == 409
    listed = client.get(programme, headers=org.read).get_json()
    assert len(listed) == 2
    assert client.delete(f"{programme}/{item['id']}", headers=org.write).status_code == 204
    assert client.delete(f"{programme}/{item['id']}", headers=org.write).status_code == 404
    other = org.rival_fair.programme[0].id
    assert client.delete(f"{programme}/{other}", headers=org.write).status_code == 404
    assert len(client.get(programme, headers=org.read).get_json()) == 1


WRITES = [
    ("post", "/fairs", lambda o: fair_body()),
    ("patch", "/fairs/{slug}", lambda o: {"revision": 1, "name": {"en": "Changed"}}),
    ("post", "/fairs/{slug}/publish", None),
    ("post", "/fairs/{slug}/cancel", lambda o: {"reason": {"ru": "Причина"}}),
    ("post", "/fairs/{slug}/copy", None),
    ("post", "/fairs/{slug}/programme", lambda o: event_body(o.fair.starts_on)),
]


REFUSALS = {"read": 403, "nobody": 401, "member_token": 403, "rival_token": 404}


@pytest.mark.parametrize(
    ("method", "path", "body", "who"),
    [
        (*write, who)
        for write in WRITES
        for who in REFUSALS
        # A new fair is nobody else's: the other organizer's staff may add their own.
        if not (write[1] == "/fairs" and who == "rival_token")
    ],
)
def test_writes_need_the_organizers_write_token(client, db, org, method, path, body, who):
    headers = {} if who == "nobody" else getattr(org, who)
    before = (fair_count(), db.session.scalar(select(FairChange.id).order_by(FairChange.id.desc())))
    response = getattr(client, method)(
        API + path.format(slug=org.fair.slug), json=body(org) if body else None, headers=headers
    )
    assert response.status_code == REFUSALS[who]
    assert response.mimetype == PROBLEM
    after = (fair_count(), db.session.scalar(select(FairChange.id).order_by(FairChange.id.desc())))
    assert after == before
    db.session.expire_all()
    fair = db.session.get(Fair, org.fair.id)
    assert (fair.status, fair.name_en) == (FairStatus.PUBLISHED, org.fair.name_en)


@pytest.mark.sqlite_only
def test_the_document_describes_every_organizer_operation(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = {
        (path, method): operation
        for path, item in document["paths"].items()
        if path.startswith(API + "/")
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }
    routed = {
        (rule.rule, method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("api_organizer.", "api_webhooks."))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert len(operations) == len(routed) == 25
    for (path, method), operation in operations.items():
        where = f"{method.upper()} {path}"
        assert operation["summary"], where
        assert "\n" not in operation["summary"], where
        # The token's scope as the requirement's role: a read for GET, a write otherwise.
        scope = "read" if method == "get" else "write"
        assert operation["security"] == [{"bearerAuth": [scope]}], where
        assert {"401", "403", "429"} <= operation["responses"].keys(), where
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert len(success) == 1, where
        if "{" in path:
            assert "404" in operation["responses"], where
        if method in ("post", "put", "patch") and "requestBody" in operation:
            assert "422" in operation["responses"], where
    taking = {p for (p, m), o in operations.items() if "requestBody" in o}
    assert f"{API}/fairs/{{slug}}/publish" not in taking
    assert f"{API}/fairs/{{slug}}/cancel" in taking
    for path, method in [
        (f"{API}/fairs/{{slug}}", "patch"),
        (f"{API}/fairs/{{slug}}/programme/{{event_id}}", "patch"),
        (f"{API}/applications/{{registration_id}}/decision", "post"),
        (f"{API}/applications/{{registration_id}}/stand", "put"),
    ]:
        assert "409" in operations[(path, method)]["responses"], path
