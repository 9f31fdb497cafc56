"""The organizer staff's application endpoints on both databases: the console list's filters
with cursor pages, an application with its history and notes (each saying whether it came
through the API and with which token), decisions one and many, notes, stands and the exports."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import Country
from fairplanner.organizers.models import RegistrationNote
from fairplanner.registrations.models import (
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)
from fairplanner.spreadsheets import GUARD
from tests.api.staff import API, build_org

PROBLEM = "application/problem+json"
org_fixture = pytest.fixture(name="org")(build_org)


@pytest.fixture
def apps(org, factories):
    """Three submitted exhibitors (12 m² each), a submitted visitor and an approved exhibitor
    at `belagro`; an application at the other organizer's fair."""
    submitted = [
        factories.registration(
            org.fair,
            factories.company(legal_name=f"ООО «Мебель {n}»"),
            status=RegistrationStatus.SUBMITTED,
        )
        for n in range(3)
    ]
    visitor = factories.registration(
        org.fair,
        factories.company(
            legal_name="ОАО «Минскдрев»",
            country=Country.BELARUS,
            region="minsk-city",
            tax_id="100219673",
        ),
        role=RegistrationRole.VISITOR,
        status=RegistrationStatus.SUBMITTED,
        stand_type=None,
        area=None,
    )
    approved = factories.registration(org.fair, factories.company(legal_name="ЗАО «Стенд»"))
    foreign = factories.registration(org.rival_fair, factories.company())
    return SimpleNamespace(submitted=submitted, visitor=visitor, approved=approved, foreign=foreign)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_list_with_the_consoles_filters(client, org, apps):
    url = f"{API}/fairs/belagro/applications"
    everything = client.get(url, headers=org.read)
    assert everything.headers["Cache-Control"] == "private, no-store"
    assert everything.get_json()["total"] == 5
    assert len(ids(everything)) == 5
    submitted = ids(client.get(url, query_string={"status": "submitted"}, headers=org.read))
    assert sorted(submitted) == sorted([r.id for r in apps.submitted] + [apps.visitor.id])
    assert ids(client.get(url, query_string={"role": "visitor"}, headers=org.read)) == [
        apps.visitor.id
    ]
    assert ids(client.get(url, query_string={"q": "минскдрев"}, headers=org.read)) == [
        apps.visitor.id
    ]
    assert ids(
        client.get(url, query_string={"country": "BY", "region": "minsk-city"}, headers=org.read)
    ) == [apps.visitor.id]
    for direction, position in (("asc", 0), ("desc", -1)):
        by_company = client.get(
            url, query_string={"sort": "company", "dir": direction}, headers=org.read
        )
        assert ids(by_company)[position] == apps.approved.id  # «ЗАО …» before «ОАО», «ООО»


@pytest.mark.parametrize(
    "args",
    [{"status": "maybe"}, {"role": "x"}, {"sort": "price"}, {"limit": "0"}, {"cursor": "forged"}],
)
def test_a_bad_filter_is_a_422_naming_it(client, org, apps, args):
    response = client.get(f"{API}/fairs/belagro/applications", query_string=args, headers=org.read)
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert list(response.get_json()["errors"]) == list(args)


def test_cursor_pages_have_no_gap_and_no_repeat(client, org, apps):
    url = f"{API}/fairs/belagro/applications"
    seen, args = [], {"limit": 2}
    while True:
        body = client.get(url, query_string=args, headers=org.read).get_json()
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        args = {"cursor": body["next_cursor"]}
    assert sorted(seen) == sorted(
        [r.id for r in apps.submitted] + [apps.visitor.id, apps.approved.id]
    )
    assert len(seen) == len(set(seen))


def test_statements_do_not_grow_with_rows(client, org, apps, count_queries, factories):
    url = f"{API}/fairs/belagro/applications"
    client.get(url, headers=org.read)
    with count_queries() as few:
        client.get(url, headers=org.read)
    for _n in range(4):
        factories.registration(org.fair, factories.company(), status=RegistrationStatus.SUBMITTED)
    with count_queries() as many:
        assert len(ids(client.get(url, headers=org.read))) == 9
    assert many.count == few.count


def test_another_organizers_applications_are_404(client, org, apps):
    assert client.get(f"{API}/applications/{apps.foreign.id}", headers=org.read).status_code == 404
    assert client.get(f"{API}/fairs/gomel-fair/applications", headers=org.read).status_code == 404
    assert (
        client.get(f"{API}/applications/{apps.visitor.id}", headers=org.rival_token).status_code
        == 404
    )
    assert (
        client.get(f"{API}/applications/{apps.visitor.id}", headers=org.member_token).status_code
        == 403
    )
    assert client.get(f"{API}/applications/{apps.visitor.id}").status_code == 401


def test_decide_one_with_the_version_read(client, db, org, apps, login_as):
    target = apps.submitted[0]
    url = f"{API}/applications/{target.id}"
    read = client.get(url, headers=org.read).get_json()
    assert read["actions"] == ["approve", "reject", "waitlist"]
    response = client.post(
        f"{url}/decision", json={"action": "approve", "version": read["version"]}, headers=org.write
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "approved"
    assert body["actions"] == []
    [entry] = body["history"]
    assert (entry["action"], entry["via"], entry["token"]) == ("approved", "api", "test")
    assert entry["actor"] == "staff@belexpo.by"
    assert entry["at"].endswith("+03:00")
    change = db.session.scalar(
        select(RegistrationChange).where(RegistrationChange.registration_id == target.id)
    )
    assert change.api_token_id == org.write_id
    login_as(org.staff)
    page = client.get(f"/organizer/registrations/{target.id}")
    assert page.status_code == 200
    assert client.get("/organizer/fairs/belagro/log").status_code == 200


def test_a_stale_version_is_a_409_and_nothing_changes(client, db, org, apps):
    target = apps.submitted[0]
    response = client.post(
        f"{API}/applications/{target.id}/decision",
        json={"action": "waitlist", "version": target.version + 1},
        headers=org.write,
    )
    assert response.status_code == 409
    assert response.mimetype == PROBLEM
    db.session.expire_all()
    assert db.session.get(Registration, target.id).status == RegistrationStatus.SUBMITTED
    assert not db.session.scalars(
        select(RegistrationChange).where(RegistrationChange.registration_id == target.id)
    ).all()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"action": "maybe", "version": 1}, {"action"}),
        ({"action": "approve", "version": 0}, {"version"}),
        ({"action": "reject", "version": 1, "reason": "x" * 2001}, {"reason"}),
        ({"version": 1}, {"action"}),
    ],
)
def test_a_bad_decision_is_a_422_naming_the_field(client, db, org, apps, body, fields):
    target = apps.submitted[0]
    response = client.post(f"{API}/applications/{target.id}/decision", json=body, headers=org.write)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == fields
    db.session.expire_all()
    assert db.session.get(Registration, target.id).status == RegistrationStatus.SUBMITTED


def test_a_rejection_needs_a_reason_and_a_final_state_takes_no_decision(client, db, org, apps):
    target = apps.submitted[0]
    url = f"{API}/applications/{target.id}/decision"
    bare = client.post(url, json={"action": "reject", "version": target.version}, headers=org.write)
    assert bare.status_code == 422
    assert "detail" in bare.get_json()
    done = client.post(
        url,
        json={"action": "reject", "version": target.version, "reason": "Нет мест"},
        headers=org.write,
    ).get_json()
    assert done["reject_reason"] == "Нет мест"
    again = client.post(
        url, json={"action": "approve", "version": done["version"]}, headers=org.write
    )
    assert again.status_code == 409


def test_decide_many_as_the_consoles_bulk_action(client, db, org, apps):
    first, second, third = apps.submitted
    response = client.post(
        f"{API}/fairs/belagro/applications/decisions",
        json={
            "action": "waitlist",
            "items": [
                {"id": first.id, "version": first.version},
                {"id": second.id, "version": second.version},
                {"id": third.id, "version": third.version + 5},
                {"id": apps.foreign.id, "version": 1},
            ],
        },
        headers=org.write,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert sorted(body["decided"]) == sorted([first.id, second.id])
    assert [r["id"] for r in body["refused"]] == [third.id]
    assert body["unknown"] == [apps.foreign.id]
    db.session.expire_all()
    statuses = {r.id: r.status for r in db.session.scalars(select(Registration))}
    assert statuses[first.id] == statuses[second.id] == RegistrationStatus.WAITLISTED
    assert statuses[third.id] == RegistrationStatus.SUBMITTED
    assert statuses[apps.foreign.id] == RegistrationStatus.APPROVED
    tokens = db.session.scalars(
        select(RegistrationChange.api_token_id).where(
            RegistrationChange.registration_id.in_([first.id, second.id])
        )
    ).all()
    assert tokens == [org.write_id, org.write_id]


def test_bulk_rejection_without_a_reason_is_refused_whole(client, db, org, apps):
    first = apps.submitted[0]
    response = client.post(
        f"{API}/fairs/belagro/applications/decisions",
        json={"action": "reject", "items": [{"id": first.id, "version": first.version}]},
        headers=org.write,
    )
    assert response.status_code == 422
    empty = client.post(
        f"{API}/fairs/belagro/applications/decisions",
        json={"action": "approve", "items": []},
        headers=org.write,
    )
    assert list(empty.get_json()["errors"]) == ["items"]
    huge = client.post(
        f"{API}/fairs/belagro/applications/decisions",
        json={"action": "approve", "items": [{"id": 2**40, "version": 1}]},
        headers=org.write,
    )
    assert huge.status_code == 422
    db.session.expire_all()
    assert db.session.get(Registration, first.id).status == RegistrationStatus.SUBMITTED


def test_notes(client, db, org, apps, login_as):
    target = apps.visitor
    url = f"{API}/applications/{target.id}/notes"
    response = client.post(url, json={"text": "Позвонить в понедельник"}, headers=org.write)
    assert response.status_code == 201, response.get_json()
    note = response.get_json()
    assert (note["text"], note["via"], note["token"]) == ("Позвонить в понедельник", "api", "test")
    assert note["author"] == "staff@belexpo.by"
    stored = db.session.scalar(select(RegistrationNote))
    assert stored.api_token_id == org.write_id
    for bad in ({"text": ""}, {"text": "x" * 4001}):
        refused = client.post(url, json=bad, headers=org.write)
        assert refused.status_code == 422
        assert list(refused.get_json()["errors"]) == ["text"]
    assert client.post(url, json={"text": "x"}, headers=org.read).status_code == 403
    assert (
        client.post(
            f"{API}/applications/{apps.foreign.id}/notes", json={"text": "x"}, headers=org.write
        ).status_code
        == 404
    )
    assert len(db.session.scalars(select(RegistrationNote)).all()) == 1
    detail = client.get(f"{API}/applications/{target.id}", headers=org.read).get_json()
    assert [n["text"] for n in detail["notes"]] == ["Позвонить в понедельник"]
    login_as(org.staff)
    # The console's own note form, through the same service: a page note says "web".
    client.post(f"/organizer/registrations/{target.id}/notes", data={"text": "С сайта"})
    detail = client.get(f"{API}/applications/{target.id}", headers=org.read).get_json()
    assert [(n["text"], n["via"], n["token"]) for n in detail["notes"]] == [
        ("Позвонить в понедельник", "api", "test"),
        ("С сайта", "web", None),
    ]


def test_stands(client, db, org, apps, factories):
    other = factories.registration(org.fair, factories.company(legal_name="ООО «Другой»"))
    listed = client.get(f"{API}/fairs/belagro/stands", headers=org.read).get_json()
    assert sorted(s["application"] for s in listed) == sorted([apps.approved.id, other.id])
    url = f"{API}/applications/{apps.approved.id}/stand"
    version = apps.approved.version
    given = client.put(
        url, json={"hall": "Павильон 1", "stand": "А-12", "version": version}, headers=org.write
    )
    assert given.status_code == 200, given.get_json()
    body = given.get_json()
    assert (body["hall"], body["stand"], body["changed"]) == ("Павильон 1", "А-12", True)
    change = db.session.scalar(
        select(RegistrationChange).where(RegistrationChange.registration_id == apps.approved.id)
    )
    assert (change.action, change.api_token_id) == ("stand", org.write_id)
    taken = client.put(
        f"{API}/applications/{other.id}/stand",
        json={"hall": "Павильон 1", "stand": "А-12", "version": other.version},
        headers=org.write,
    )
    assert taken.status_code == 409
    stale = client.put(
        url, json={"hall": "Павильон 2", "stand": "Б-1", "version": version}, headers=org.write
    )
    assert stale.status_code == 409
    half = client.put(
        url, json={"hall": "Павильон 2", "version": body["version"]}, headers=org.write
    )
    assert half.status_code == 422
    long = client.put(
        url, json={"hall": "x" * 41, "stand": "1", "version": body["version"]}, headers=org.write
    )
    assert list(long.get_json()["errors"]) == ["hall"]
    visitor = client.put(
        f"{API}/applications/{apps.visitor.id}/stand",
        json={"hall": "П", "stand": "1", "version": apps.visitor.version},
        headers=org.write,
    )
    assert visitor.status_code == 409
    db.session.expire_all()
    assert db.session.get(Registration, other.id).stand is None
    assert db.session.get(Registration, apps.approved.id).stand == "А-12"


def test_exports_as_the_console_makes_them(client, db, org, apps):
    apps.visitor.company.legal_name = '=HYPERLINK("http://evil")'
    db.session.commit()
    url = f"{API}/fairs/belagro/applications"
    response = client.get(f"{url}.csv", query_string={"role": "visitor"}, headers=org.read)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="belagro-registrations.csv"'
    )
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2  # the header and the one visitor
    assert rows[1][0] == GUARD + '=HYPERLINK("http://evil")'
    comma = client.get(f"{url}.csv", query_string={"dialect": "comma"}, headers=org.read)
    assert len(list(csv.reader(io.StringIO(comma.get_data().decode("utf-8-sig"))))) == 6
    xlsx = client.get(f"{url}.xlsx", headers=org.read)
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.get_data()[:2] == b"PK"
    assert (
        client.get(f"{url}.csv", query_string={"status": "x"}, headers=org.read).status_code == 422
    )
    assert (
        client.get(f"{url}.csv", query_string={"dialect": "tsv"}, headers=org.read).status_code
        == 422
    )
    assert (
        client.get(f"{API}/fairs/gomel-fair/applications.xlsx", headers=org.read).status_code == 404
    )
    assert client.get(f"{url}.csv").status_code == 401


WRITES = [
    ("post", "/applications/{id}/decision", {"action": "approve", "version": 1}),
    ("post", "/applications/{id}/notes", {"text": "x"}),
    ("put", "/applications/{id}/stand", {"hall": "П", "stand": "1", "version": 1}),
    (
        "post",
        "/fairs/belagro/applications/decisions",
        {"action": "approve", "items": [{"id": 0, "version": 1}]},
    ),
]
REFUSALS = {"read": 403, "nobody": 401, "member_token": 403, "rival_token": 404}


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
@pytest.mark.parametrize("who", list(REFUSALS))
def test_writes_need_the_organizers_write_token(client, db, org, apps, method, path, body, who):
    headers = {} if who == "nobody" else getattr(org, who)
    target = apps.submitted[0]
    if "items" in body:
        body = {**body, "items": [{"id": target.id, "version": target.version}]}
    response = getattr(client, method)(API + path.format(id=target.id), json=body, headers=headers)
    assert response.status_code == REFUSALS[who]
    assert response.mimetype == PROBLEM
    db.session.expire_all()
    assert db.session.get(Registration, target.id).status == RegistrationStatus.SUBMITTED
    assert not db.session.scalars(select(RegistrationChange)).all()
    assert not db.session.scalars(select(RegistrationNote)).all()


def test_a_token_needs_no_csrf_token(app, client, org, apps, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    target = apps.submitted[0]
    response = client.post(
        f"{API}/applications/{target.id}/decision",
        json={"action": "waitlist", "version": target.version},
        headers=org.write,
    )
    assert response.status_code == 200, response.get_json()
    note = client.post(
        f"{API}/applications/{target.id}/notes", json={"text": "Без CSRF"}, headers=org.write
    )
    assert note.status_code == 201
