"""The check-in desk's endpoints: who may use them, the answers in words, one stored row per scan
id, and a device's offline queue."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from babel.dates import format_date
from flask import Flask
from sqlalchemy import func, select

import config
from fairplanner import create_app
from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import FairStatus
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, minsk_today
from fairplanner.tickets import services
from fairplanner.tickets.models import CheckIn, ScanResult, TicketRole
from tests.accounts.apps import limited_app
from tests.factories import Factories

# The answers' rules, races and the lock on a ticket run on PostgreSQL in tests/tickets; these
# tests check what the endpoints make of them.
pytestmark = pytest.mark.sqlite_only

EN = {"Accept-Language": "en"}


@pytest.fixture
def desk(factories):
    """A fair running today with an exhibitor's person, a walk-in whose ticket was taken back,
    a fair of next month and a fair of another organizer, each with a ticket; the fair's staff,
    another organizer's staff and a company member."""
    fair = factories.fair(
        starts_on=minsk_today() - timedelta(days=1),
        days=3,
        organizer="belexpo",
        name_ru="Белагро",
        name_en="Belagro",
    )
    later = factories.fair(organizer="belexpo", name_ru="Деревообработка", name_en="Woodworking")
    company = factories.company(legal_name="ОАО «Минскдрев»")
    member = factories.user(company=company)
    staff = factories.user(role=Role.STAFF, organizer_id=fair.organizer_id)
    other = factories.organizer("other-expo", name_ru="Другой", name_en="Other")
    foreign = factories.fair(organizer=other)
    stand = factories.registration(fair, company)
    olga = services.add_person(stand, name="Ольга Петрова", actor=member)
    gone = services.register_at_desk(fair, name="Гость", role=TicketRole.VISITOR, actor=staff)
    services.revoke_at_desk(gone, actor=staff)
    next_month = services.register_at_desk(later, name="Пётр", role=TicketRole.PRESS, actor=staff)
    elsewhere = services.register_at_desk(foreign, name="Ян", role=TicketRole.VISITOR, actor=None)
    db.session.commit()
    return {
        "fair": fair,
        "later": later,
        "olga": olga,
        "gone": gone,
        "next_month": next_month,
        "elsewhere": elsewhere,
        "staff": staff,
        "member": member,
        "foreign_staff": factories.user(role=Role.STAFF, organizer_id=other.id),
    }


def scan(code: str, scan_id: str | None = None, **extra) -> dict:
    data = {"scan_id": scan_id or str(uuid.uuid4()), "code": code, "gate": "Вход 2"}
    data.update(extra)
    return data


def stored() -> int:
    return db.session.scalar(select(func.count(CheckIn.id)))


def routes(slug: str, code: str) -> list[tuple[str, str, dict]]:
    base = f"/organizer/fairs/{slug}/checkin"
    return [
        ("get", base, {}),
        ("post", f"{base}/scan", {"json": scan(code)}),
        ("post", f"{base}/sync", {"json": {"scans": [scan(code)]}}),
        ("get", f"{base}/search?q=Ольга", {}),
    ]


@pytest.mark.parametrize("who", ["anonymous", "member", "foreign_staff"])
def test_only_the_fairs_staff_may_use_the_desk(client, login_as, desk, who):
    if who != "anonymous":
        login_as(desk[who])
    for method, url, kwargs in routes(desk["fair"].slug, desk["olga"].code):
        response = getattr(client, method)(url, **kwargs)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login"), url
        else:
            # A company member is refused; another organizer's fair does not exist for its staff.
            assert response.status_code == (403 if who == "member" else 404), url
            assert "Петрова" not in response.get_data(as_text=True)
    assert stored() == 0


def test_the_desk_page_is_in_the_fairs_console(client, login_as, desk):
    login_as(desk["staff"])
    slug = desk["fair"].slug
    html = client.get(f"/organizer/fairs/{slug}/registrations").get_data(as_text=True)
    assert f'href="/organizer/fairs/{slug}/checkin"' in html
    page = client.get(f"/organizer/fairs/{slug}/checkin", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-scan-url="/organizer/fairs/{slug}/checkin/scan"' in html
    assert "/static/vendor/jsqr/jsQR.js" in html
    # Every text the script shows comes from the page, in its language.
    texts = json.loads(re.search(r'id="checkin-texts">(.*?)</script>', html).group(1))
    assert texts["saved"] == "Saved on this device"
    assert texts["matches"] == "Found: %(count)s"
    assert all(isinstance(text, str) and text for text in texts.values())


def post_scan(client, slug, data, headers=None):
    return client.post(f"/organizer/fairs/{slug}/checkin/scan", json=data, headers=headers or EN)


def test_a_first_entry_then_already_entered_with_its_time_and_gate(client, login_as, desk):
    login_as(desk["staff"])
    slug, olga = desk["fair"].slug, desk["olga"]
    # A minute ago (the server takes no device time later than its own), still today.
    midnight = datetime.combine(minsk_today(), time(0), MINSK)
    at = max(datetime.now(MINSK) - timedelta(minutes=1), midnight).replace(microsecond=0)
    at_text = at.strftime("%H:%M")
    first = post_scan(
        client, slug, scan(olga.grouped_code.lower(), scanned_at=at.astimezone(UTC).isoformat())
    )
    assert first.status_code == 200
    answer = first.get_json()
    assert answer["result"] == "valid"
    assert answer["admits"] is True
    assert answer["title"] == "Valid"
    assert answer["name"] == "Ольга Петрова"
    assert answer["company"] == "ОАО «Минскдрев»"
    assert answer["role"] == "Exhibitor"
    assert answer["time"] == at_text  # Minsk time, as the site gives every time
    assert "code" not in answer
    again = post_scan(client, slug, scan(olga.code, gate="Main")).get_json()
    assert again["result"] == "already_entered"
    assert again["admits"] is True
    assert again["message"] == f"First entry today at {at_text}, gate: Вход 2."
    rows = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
    assert [r.result for r in rows] == [ScanResult.VALID, ScanResult.ALREADY_ENTERED]
    assert rows[0].staff_id == desk["staff"].id
    assert rows[0].gate == "Вход 2"
    assert rows[0].scanned_at == at.astimezone(UTC)
    assert not rows[0].offline


@pytest.mark.parametrize(
    ("ticket", "result", "message"),
    [
        ("gone", "revoked", "The person was taken off the list"),
        ("next_month", "wrong_fair", "This ticket is for Woodworking ("),
        ("elsewhere", "wrong_fair", "This ticket is for "),
    ],
)
def test_refusals_say_why_and_not_whose(client, login_as, desk, ticket, result, message):
    login_as(desk["staff"])
    answer = post_scan(client, desk["fair"].slug, scan(desk[ticket].code))
    data = answer.get_json()
    assert answer.status_code == 200
    assert data["result"] == result
    assert data["admits"] is False
    assert data["message"].startswith(message)
    # Another fair's ticket names its fair, not its holder; a revoked one of this fair both.
    assert ("name" in data) == (result == "revoked")
    assert stored() == 1


def test_the_answer_is_in_the_staff_members_language(client, login_as, desk):
    login_as(desk["staff"])
    code = desk["next_month"].code
    ru = post_scan(client, desk["fair"].slug, scan(code), headers={"Accept-Language": "ru"})
    en = post_scan(client, desk["fair"].slug, scan(code), headers=EN)
    starts = desk["later"].starts_on
    assert format_date(starts, "MMM", locale="ru") in ru.get_json()["message"]
    assert format_date(starts, "MMM", locale="en_GB") in en.get_json()["message"]


def test_a_ticket_scanned_at_its_fair_before_the_fair_is_the_wrong_day(client, login_as, desk):
    login_as(desk["staff"])
    later = desk["later"]
    data = post_scan(client, later.slug, scan(desk["next_month"].code)).get_json()
    assert data["result"] == "wrong_day"
    assert data["title"] == "Not valid today"
    assert data["name"] == "Пётр"
    assert data["role"] == "Press"
    assert data["message"].startswith("The ticket admits only on the days of the fair: ")


@pytest.mark.parametrize("code", ["hello", "https://example.com/", "A" * 28])
def test_anything_else_is_an_unknown_code(client, login_as, desk, code):
    login_as(desk["staff"])
    data = post_scan(client, desk["fair"].slug, scan(code)).get_json()
    assert data["result"] == "unknown"
    assert data["message"] == "No ticket has this code. Check it, or search by name."
    assert stored() == 1


def test_the_same_scan_id_twice_answers_the_same_and_stores_one_row(client, login_as, desk):
    login_as(desk["staff"])
    data = scan(desk["olga"].code)
    first = post_scan(client, desk["fair"].slug, data).get_json()
    second = post_scan(client, desk["fair"].slug, data).get_json()
    assert first == second
    assert first["result"] == "valid"
    assert stored() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, "The request is not a scan."),
        ([1, 2], "The request is not a scan."),
        ({"code": "X"}, "The scan has no readable id."),
        ({"scan_id": "12345678-aaaa", "code": 5}, "The scan has no readable code."),
        ({"scan_id": "12345678-aaaa", "code": "X\x00"}, "The scan has no readable code."),
        ({"scan_id": "12345678-aaaa", "code": "X", "scanned_at": "noon"}, "no readable time"),
        ({"scan_id": "no", "code": "X"}, "The scan has no valid id."),
    ],
)
def test_a_request_that_is_not_a_scan_is_refused_in_words(client, login_as, desk, body, message):
    login_as(desk["staff"])
    url = f"/organizer/fairs/{desk['fair'].slug}/checkin/scan"
    if body is None:
        response = client.post(url, data="{not json", content_type="application/json", headers=EN)
    else:
        response = client.post(url, json=body, headers=EN)
    assert response.status_code in (400, 409)
    assert message in response.get_json()["message"]
    assert stored() == 0


def test_a_scan_id_of_another_fair_is_refused(client, login_as, desk):
    login_as(desk["staff"])
    data = scan(desk["olga"].code)
    assert post_scan(client, desk["fair"].slug, data).status_code == 200
    again = post_scan(client, desk["later"].slug, data)
    assert again.status_code == 409
    assert again.get_json()["message"] == "This scan id belongs to another fair."
    assert stored() == 1


def test_an_offline_queue_is_answered_per_scan_and_once(client, login_as, desk):
    login_as(desk["staff"])
    url = f"/organizer/fairs/{desk['fair'].slug}/checkin/sync"
    now = datetime.now(UTC)
    olga = desk["olga"].code
    # Sent in a muddled order: the earlier scan of Olga is her entry.
    queue = [
        scan(olga, scanned_at=(now - timedelta(minutes=1)).isoformat()),
        scan(olga, scanned_at=(now - timedelta(minutes=5)).isoformat()),
        scan(desk["gone"].code),
        scan("nonsense"),
        scan(olga, scanned_at="yesterday-ish"),
        {"code": olga},  # no id: nothing the device could match an answer to
    ]
    response = client.post(url, json={"scans": queue}, headers=EN)
    assert response.status_code == 200
    answers = {a["scan_id"]: a for a in response.get_json()["results"]}
    assert [answers[s["scan_id"]]["result"] for s in queue[:5]] == [
        "already_entered",
        "valid",
        "revoked",
        "unknown",
        "refused",
    ]
    assert answers[queue[4]["scan_id"]]["message"] == "The scan has no readable time."
    assert stored() == 4
    assert db.session.scalar(select(func.count()).where(CheckIn.offline.is_(True))) == 4
    # The device did not hear the answer and sends the queue again: the same answers.
    again = client.post(url, json={"scans": queue}, headers=EN).get_json()["results"]
    assert {a["scan_id"]: a for a in again} == answers
    assert stored() == 4


@pytest.mark.parametrize(
    ("body", "status"),
    [({"scans": "all"}, 400), ({}, 400), ({"scans": [{}] * (services.MAX_BATCH + 1)}, 413)],
)
def test_a_sync_that_is_not_a_queue_is_refused(client, login_as, desk, body, status):
    login_as(desk["staff"])
    url = f"/organizer/fairs/{desk['fair'].slug}/checkin/sync"
    response = client.post(url, json=body, headers=EN)
    assert response.status_code == status
    assert response.get_json()["message"]
    assert stored() == 0


def test_the_name_search_finds_people_of_this_fair_with_their_codes(client, login_as, desk):
    login_as(desk["staff"])
    url = f"/organizer/fairs/{desk['fair'].slug}/checkin/search"
    people = client.get(url, query_string={"q": "минскдрев ольга"}, headers=EN).get_json()["people"]
    assert people == [
        {
            "name": "Ольга Петрова",
            "company": "ОАО «Минскдрев»",
            "role": "Exhibitor",
            "code": desk["olga"].code,
            "note": None,
        }
    ]
    gone = client.get(url, query_string={"q": "гость"}, headers=EN).get_json()["people"]
    assert gone[0]["note"] == "Ticket revoked. The person was taken off the list."
    # Only this fair's people.
    assert client.get(url, query_string={"q": "Пётр"}).get_json()["people"] == []
    short = client.get(url, query_string={"q": "о"}, headers=EN)
    assert short.status_code == 422
    assert short.get_json()["message"] == "Type at least two letters."


@pytest.fixture
def limited() -> Iterator[Flask]:
    """An app of its own with the limits on; one limiter serves every app of the process, so
    it is left as TestingConfig sets it."""
    yield limited_app(CHECKIN_RATE_LIMIT="2 per minute")
    create_app(config.TestingConfig)


def test_scans_are_rate_limited_per_staff_member(limited):
    app = limited
    with app.app_context():
        fair = Factories(db.session).fair(starts_on=minsk_today())
        staff = [
            Factories(db.session).user(role=Role.STAFF, organizer_id=fair.organizer_id)
            for _ in range(2)
        ]
        slug, user_ids = fair.slug, [user.get_id() for user in staff]
        db.session.commit()
    clients = [app.test_client() for _ in user_ids]
    for client, user_id in zip(clients, user_ids, strict=True):
        with client.session_transaction() as session:
            session["_user_id"] = user_id
    statuses = [post_scan(clients[0], slug, scan("x")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # The colleague at the next gate, on the same Wi-Fi, counts on their own.
    assert post_scan(clients[1], slug, scan("x")).status_code == 200


@pytest.mark.parametrize(
    ("shift", "status", "says"),
    [
        (5, FairStatus.PUBLISHED, "The fair has not started"),
        (-10, FairStatus.PUBLISHED, "The fair is over"),
        (0, FairStatus.CANCELLED, "The fair is cancelled"),
        (0, FairStatus.PUBLISHED, None),
    ],
)
def test_the_desk_says_when_the_fair_is_not_on_today(
    client, db, factories, login_as, shift, status, says
):
    fair = factories.fair(starts_on=minsk_today() + timedelta(days=shift), days=3, status=status)
    login_as(factories.user(role=Role.STAFF, organizer_id=fair.organizer_id))
    html = client.get(
        f"/organizer/fairs/{fair.slug}/checkin", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    notice = re.search(r'id="checkin-notice">([^<]*)<', html)
    if says is None:
        assert notice is None
    else:
        assert notice is not None
        assert says in notice.group(1)
