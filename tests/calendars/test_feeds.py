"""Calendar downloads and feeds: content, two independent parsers, updates, caching."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
from sqlalchemy import select

from fairplanner.calendars.models import CalendarToken
from fairplanner.catalogue.models import EventKind, FairStatus, ProgrammeEvent
from fairplanner.db import utcnow
from fairplanner.i18n import minsk_today
from fairplanner.registrations.models import Registration, RegistrationStatus

LONG_NAME = "Международная специализированная выставка «Лесдревтех» — лёгкая промышленность " * 2


@pytest.fixture
def fair(factories, make_fair):
    venue = factories.venue(
        "miec",
        name_ru="Минский международный выставочный центр",
        name_en="Minsk International Exhibition Center",
        address_ru="Северный берег",
        latitude=53.95,
        longitude=27.65,
    )
    fair = make_fair(
        slug="lesdrevtech",
        name_ru=LONG_NAME,
        name_en="Lesdrevtech",
        venue=venue,
        sectors=["forestry"],
        starts_on=minsk_today() + timedelta(days=40),
        days=4,
        description_ru="Описание; с запятыми, и \\ обратной чертой.",
    )
    fair.programme = [
        ProgrammeEvent(
            title_ru="Открытие",
            title_en="Opening",
            kind=EventKind.OPENING,
            hall_ru="Зал 1",
            starts_at=datetime.combine(fair.starts_on, datetime.min.time(), UTC)
            + timedelta(hours=7),
            ends_at=datetime.combine(fair.starts_on, datetime.min.time(), UTC) + timedelta(hours=8),
        ),
        ProgrammeEvent(
            title_ru="B2B-сессия",
            title_en="B2B session",
            kind=EventKind.B2B,
            starts_at=datetime.combine(fair.starts_on, datetime.min.time(), UTC)
            + timedelta(days=1, hours=9),
            ends_at=datetime.combine(fair.starts_on, datetime.min.time(), UTC)
            + timedelta(days=1, hours=11),
        ),
    ]
    factories.session.commit()
    return fair


def parse_both(body: bytes) -> tuple[list[dict], list[dict]]:
    """The events as icalendar and as vobject see them, in comparable form."""

    def instant(value):
        return value.astimezone(UTC) if isinstance(value, datetime) else value

    first = [
        {
            "uid": str(e["UID"]),
            "summary": str(e["SUMMARY"]),
            "start": instant(e.decoded("DTSTART")),
            "end": instant(e.decoded("DTEND")),
        }
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
    ]
    second = [
        {
            "uid": e.uid.value,
            "summary": e.summary.value,
            "start": instant(e.dtstart.value),
            "end": instant(e.dtend.value),
        }
        for e in vobject.readOne(body.decode("utf-8")).vevent_list
    ]
    return first, second


def test_fair_download_is_a_complete_calendar(client, fair):
    response = client.get("/fairs/lesdrevtech.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="lesdrevtech.ics"'
    body = response.data
    for line in (
        b"VERSION:2.0",
        b"CALSCALE:GREGORIAN",
        b"METHOD:PUBLISH",
        b"X-WR-TIMEZONE:Europe/Minsk",
        b"REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        b"X-PUBLISHED-TTL:PT6H",
        b"PRODID:-//FairPlanner",
    ):
        assert line in body
    cal = icalendar.Calendar.from_ical(body)
    assert cal["NAME"] == cal["X-WR-CALNAME"]
    events = cal.walk("VEVENT")
    assert len(events) == 3
    whole = events[0]
    assert whole.decoded("DTSTART") == fair.starts_on
    assert whole.decoded("DTEND") == fair.ends_on + timedelta(days=1)  # exclusive
    assert whole["STATUS"] == "CONFIRMED"
    assert str(whole["UID"]) == f"fair-{fair.id}@127.0.0.1"
    assert "Северный берег" in str(whole["LOCATION"])
    assert whole["GEO"].latitude == pytest.approx(53.95)
    assert str(whole["URL"]).endswith("/fairs/lesdrevtech")
    assert whole["CATEGORIES"].cats == ["Отрасль forestry"]
    for name in ("DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "DESCRIPTION"):
        assert name in whole
    opening = events[1]
    assert opening["DTSTART"].params["TZID"] == "Europe/Minsk"
    assert opening.decoded("DTSTART").hour == 10  # 07:00 UTC is 10:00 in Minsk
    assert "Зал 1" in str(opening["LOCATION"])


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/fairs/lesdrevtech.ics", 3),
        ("/calendar.ics", 1),  # one event per fair
        ("/calendar.ics?lang=en", 1),
        ("/calendar.ics?detail=programme", 3),
        ("/calendar.ics?lang=en&detail=programme", 3),
    ],
)
def test_two_parsers_agree(client, fair, path, count):
    first, second = parse_both(client.get(path).data)
    assert first == second
    assert len(first) == count


def test_lines_are_folded_at_75_octets_without_splitting_characters(client, fair):
    body = client.get("/fairs/lesdrevtech.ics").data
    assert b"\r\n" in body
    assert b"\n" not in body.replace(b"\r\n", b"")  # CRLF everywhere
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no line ends inside a multi-byte character
    assert any(line.startswith(b" ") for line in lines)  # the long name was folded
    summary = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["SUMMARY"]
    assert str(summary) == LONG_NAME


def test_every_tzid_has_its_vtimezone(client, fair):
    cal = icalendar.Calendar.from_ical(client.get("/calendar.ics?detail=programme").data)
    used = {e["DTSTART"].params.get("TZID") for e in cal.walk("VEVENT")} - {None}
    assert used == {"Europe/Minsk"}
    assert {tz["TZID"] for tz in cal.walk("VTIMEZONE")} == used


def test_single_programme_item(client, fair):
    item = fair.programme[1]
    response = client.get(f"/fairs/lesdrevtech/events/{item.id}.ics")
    events = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"event-{item.id}@127.0.0.1"]
    assert client.get("/fairs/lesdrevtech/events/999999.ics").status_code == 404
    assert client.get("/fairs/unknown.ics").status_code == 404


def sequences(client, path="/calendar.ics") -> dict[str, int]:
    cal = icalendar.Calendar.from_ical(client.get(path).data)
    return {str(e["UID"]): int(e["SEQUENCE"]) for e in cal.walk("VEVENT")}


def test_uids_stay_and_sequence_grows_with_each_change(client, db, fair):
    path = "/calendar.ics?detail=programme"
    before = sequences(client, path)
    fair.starts_on += timedelta(days=1)
    fair.ends_on += timedelta(days=1)
    db.session.commit()
    moved = sequences(client, path)
    assert moved.keys() == before.keys()
    assert all(moved[uid] > before[uid] for uid in before)
    fair.programme[0].hall_ru = "Зал 2"
    db.session.commit()
    hall = sequences(client, path)
    opening = f"event-{fair.programme[0].id}@127.0.0.1"
    assert hall[opening] > moved[opening]
    assert hall[f"fair-{fair.id}@127.0.0.1"] == moved[f"fair-{fair.id}@127.0.0.1"]


@pytest.mark.parametrize(("lang", "prefix"), [("ru", "Отменено: "), ("en", "Cancelled: ")])
def test_a_cancellation_reaches_the_feeds(client, db, fair, lang, prefix):
    fair.status = FairStatus.CANCELLED
    fair.cancelled_at = utcnow()
    fair.cancel_reason_en = "The venue is closed"
    db.session.commit()
    path = f"/calendar.ics?lang={lang}&detail=programme"
    events = icalendar.Calendar.from_ical(client.get(path).data).walk("VEVENT")
    assert len(events) == 3
    assert {e["STATUS"] for e in events} == {"CANCELLED"}
    assert all(str(e["SUMMARY"]).startswith(prefix) for e in events)


@pytest.mark.parametrize("query", ["", "?detail=programme"])
def test_old_cancellations_and_old_fairs_leave_the_feed(client, db, make_fair, query):
    today = minsk_today()
    # Fairs that ended up to FEED_PAST_DAYS (31) days ago stay; earlier ones leave.
    make_fair(slug="recent", starts_on=today - timedelta(days=32), days=2)  # ended 31 days ago
    make_fair(slug="last-month", starts_on=today - timedelta(days=33), days=2)  # 32 days ago
    make_fair(slug="long-ago", starts_on=today - timedelta(days=120))
    gone = make_fair(
        slug="cancelled-long-ago", starts_on=today + timedelta(days=10), status=FairStatus.CANCELLED
    )
    gone.cancelled_at = utcnow() - timedelta(days=91)
    make_fair(slug="draft", status=FairStatus.DRAFT)
    db.session.commit()
    urls = {
        str(e["URL"]).rsplit("/", 1)[1]
        for e in icalendar.Calendar.from_ical(client.get(f"/calendar.ics{query}").data).walk(
            "VEVENT"
        )
    }
    assert urls == {"recent"}


def test_feed_filters_are_the_catalogues(client, fair, make_fair):
    make_fair(slug="food-fair", name_ru="Продэкспо", sectors=["food"])

    def slugs(query: str) -> set[str]:
        cal = icalendar.Calendar.from_ical(client.get(f"/calendar.ics?{query}").data)
        return {str(e["URL"]).split("/fairs/")[1].split("#")[0] for e in cal.walk("VEVENT")}

    assert slugs("") == {"lesdrevtech", "food-fair"}
    assert slugs("sector=food") == {"food-fair"}
    assert slugs("q=лесдревтех") == {"lesdrevtech"}
    assert slugs("q=ЛЁГКАЯ") == {"lesdrevtech"}
    assert slugs("sector=no-such") == set()  # an unknown code matches nothing
    assert slugs("kind=party&oblast=mars") == {"lesdrevtech", "food-fair"}  # bad enums ignored
    english = client.get("/calendar.ics?lang=en&sector=forestry").data
    assert b"SUMMARY:Lesdrevtech" in english
    assert b"X-WR-CALNAME:Trade fairs in Belarus" in english


def test_hostile_text_cannot_inject_properties(client, db, fair):
    fair.name_ru = "Выставка\r\nDESCRIPTION:взлом;a,b\\c\nEND:VEVENT"
    db.session.commit()
    body = client.get("/fairs/lesdrevtech.ics").data
    assert b"\r\nDESCRIPTION:\xd0\xb2\xd0\xb7" not in body
    assert b"\r\nEND:VEVENT\r\nEND:VEVENT" not in body
    for events in parse_both(body):
        assert len(events) == 3
        assert "DESCRIPTION:взлом;a,b\\c" in events[0]["summary"]
    assert body.count(b"\r\nBEGIN:VEVENT\r\n") == body.count(b"\r\nEND:VEVENT\r\n") == 3


def test_etag_and_last_modified_give_304_without_building(
    client, db, fair, count_queries, monkeypatch
):
    # Last-Modified covers the last change once its second is over (test_revisions.py).
    later = utcnow() + timedelta(seconds=2)
    monkeypatch.setattr("fairplanner.calendars.views.utcnow", lambda: later)
    first = client.get("/calendar.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    with count_queries() as counter:
        again = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert counter.count == 2  # the fingerprint and the latest change; no fair is loaded
    assert client.get("/calendar.ics", headers={"If-Modified-Since": modified}).status_code == 304
    stale = client.get("/calendar.ics", headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200
    older = (datetime.now(UTC) - timedelta(days=400)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get("/calendar.ics", headers={"If-Modified-Since": older}).status_code == 200
    # A changed fair makes the old validators stale: never a 304 for them.
    fair.name_en = "Lesdrevtech 2"
    db.session.commit()
    changed = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_head_is_supported(client, fair):
    head = client.head("/calendar.ics")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == client.get("/calendar.ics").headers["ETag"]


def test_304_cost_does_not_grow_with_the_feed(client, make_fair, count_queries):
    make_fair(slug="one", programme=3)
    etag = client.get("/calendar.ics").headers["ETag"]
    with count_queries() as small:
        client.get("/calendar.ics", headers={"If-None-Match": etag})
    for i in range(10):
        make_fair(slug=f"more-{i}", programme=3)
    etag = client.get("/calendar.ics").headers["ETag"]
    with count_queries() as big:
        client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert small.count == big.count


def test_building_the_feed_does_not_grow_with_it(client, db, make_fair, count_queries):
    make_fair(slug="one", programme=2)
    db.session.expire_all()
    with count_queries() as small:
        client.get("/calendar.ics")
    for i in range(10):
        make_fair(slug=f"more-{i}", programme=3, sectors=["a", "b"], city=f"c{i}")
    db.session.expire_all()
    with count_queries() as big:
        client.get("/calendar.ics")
    assert small.count == big.count


class TestCompanyFeed:
    @pytest.fixture
    def feed_url(self, client, member):
        html = client.get("/my/fairs").get_data(as_text=True)
        return re.search(
            r'value="http://127\.0\.0\.1:5000(/calendar/[^"]+\.ics\?lang=ru)"', html
        ).group(1)

    def test_private_feed_holds_the_companys_fairs_and_status(
        self, app, client, db, member, fair, make_fair, feed_url
    ):
        other = make_fair(slug="other")
        withdrawn = make_fair(slug="withdrawn")
        for target, status in (
            (fair, RegistrationStatus.APPROVED),
            (withdrawn, RegistrationStatus.WITHDRAWN),
        ):
            db.session.add(
                Registration(
                    fair_id=target.id,
                    company_id=member.company_id,
                    role="visitor",
                    status=status,
                    delegates=[{"name": "А", "position": ""}],
                    aims=["sales"],
                )
            )
        db.session.commit()
        anonymous = app.test_client()  # calendar clients do not log in
        response = anonymous.get(feed_url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"].startswith("private")
        cal = icalendar.Calendar.from_ical(response.data)
        events = cal.walk("VEVENT")
        # The fair's registration deadline has its own event, without the status.
        deadline = [e for e in events if str(e["UID"]).startswith("deadline-")]
        assert [str(e["UID"]) for e in deadline] == [
            f"deadline-{fair.id}.c{member.company_id}@127.0.0.1"
        ]
        events = [e for e in events if e not in deadline]
        assert len(events) == 3  # the approved fair and its two programme items
        assert all("[Одобрена]" in str(e["SUMMARY"]) for e in events)
        assert "Ваша заявка: Одобрена" in str(events[0]["DESCRIPTION"])
        suffix = f".c{member.company_id}-visitor@127.0.0.1"
        assert all(str(e["UID"]).endswith(suffix) for e in events)
        assert other.slug.encode() not in response.data
        # Nothing private reaches the public feed.
        public = anonymous.get("/calendar.ics").data
        assert "Одобрена".encode() not in public

    def test_status_change_updates_the_private_feed(self, app, client, db, member, fair, feed_url):
        registration = Registration(
            fair_id=fair.id,
            company_id=member.company_id,
            role="visitor",
            status=RegistrationStatus.SUBMITTED,
            delegates=[{"name": "А", "position": ""}],
            aims=["sales"],
        )
        db.session.add(registration)
        db.session.commit()
        anonymous = app.test_client()
        first = anonymous.get(feed_url)
        registration.status = RegistrationStatus.APPROVED
        db.session.commit()
        second = anonymous.get(feed_url, headers={"If-None-Match": first.headers["ETag"]})
        assert second.status_code == 200
        before = sequences(anonymous, feed_url)
        assert "[Одобрена]" in second.get_data(as_text=True)
        assert before  # sequences parse

    def test_regenerating_the_address_makes_the_old_one_gone(
        self, app, client, db, member, feed_url
    ):
        anonymous = app.test_client()
        assert anonymous.get(feed_url).status_code == 200
        response = client.post("/my/calendar/regenerate")
        assert response.status_code == 302
        assert anonymous.get(feed_url).status_code == 410
        html = client.get("/my/fairs").get_data(as_text=True)
        new_url = re.search(
            r'value="http://127\.0\.0\.1:5000(/calendar/[^"]+\.ics\?lang=ru)"', html
        ).group(1)
        assert new_url != feed_url
        assert anonymous.get(new_url).status_code == 200
        tokens = db.session.scalars(select(CalendarToken)).all()
        assert len(tokens) == 2
        assert len(tokens[0].token) >= 40

    def test_an_address_that_never_existed_is_404(self, app):
        client = app.test_client()
        assert client.get("/calendar/" + "x" * 43 + ".ics").status_code == 404


def test_add_to_calendar_menu_on_the_fair_page(client, fair):
    html = client.get("/fairs/lesdrevtech").get_data(as_text=True)
    assert 'href="/fairs/lesdrevtech.ics?lang=ru"' in html
    assert 'href="webcal://127.0.0.1:5000/fairs/lesdrevtech.ics?lang=ru"' in html
    assert 'value="http://127.0.0.1:5000/fairs/lesdrevtech.ics?lang=ru"' in html
    start = fair.starts_on.strftime("%Y%m%d")
    end = (fair.ends_on + timedelta(days=1)).strftime("%Y%m%d")
    assert f"dates={start}%2F{end}" in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in html
    item = fair.programme[0]
    assert f'href="/fairs/lesdrevtech/events/{item.id}.ics?lang=ru"' in html
    local = item.starts_at.astimezone(tz=None)
    assert local  # the item's own Google link carries its Minsk time:
    assert re.search(r"dates=\d{8}T100000%2F\d{8}T110000", html)


def test_subscribe_to_this_view_keeps_the_filters(client, fair):
    html = client.get("/?sector=forestry&from=2027-01-01&page=2").get_data(as_text=True)
    assert "webcal://127.0.0.1:5000/calendar.ics?lang=ru&amp;sector=forestry" in html
    html = client.get(f"/calendar/{minsk_today().year}/1?oblast=gomel").get_data(as_text=True)
    assert "/calendar.ics?lang=ru&amp;oblast=gomel" in html


def test_last_modified_moves_when_something_leaves_the_feed(client, db, fair, make_fair):
    """Clients that only send If-Modified-Since must still see an unpublished fair go."""
    other = make_fair(slug="leaving")
    first = client.get("/calendar.ics")
    modified = first.headers["Last-Modified"]
    other.status = FairStatus.DRAFT
    other.updated_at = utcnow() + timedelta(seconds=2)  # HTTP dates count whole seconds
    db.session.commit()
    again = client.get("/calendar.ics", headers={"If-Modified-Since": modified})
    assert again.status_code == 200
    assert b"/fairs/leaving" not in again.data


def test_a_built_feed_is_served_again_from_the_cache(client, db, fair, count_queries):
    first = client.get("/calendar.ics")
    with count_queries() as counter:
        second = client.get("/calendar.ics")
    assert second.status_code == 200
    assert second.data == first.data
    assert counter.count == 2  # fingerprint and latest change; nothing is loaded or built
    fair.name_en = "Changed"
    db.session.commit()
    assert b"SUMMARY:Changed" in client.get("/calendar.ics?lang=en").data


def test_memory_cache_is_bounded():
    from fairplanner.cache import MemoryCache

    cache = MemoryCache(limit=10)
    cache.set("a", b"12345")
    cache.set("b", b"12345")
    assert cache.get("a") == b"12345"  # a is now the most recently used
    cache.set("c", b"123")
    assert cache.get("b") is None
    assert cache.get("a") == b"12345"
    cache.set("huge", b"x" * 11)
    assert cache.get("huge") is None


def test_redis_cache_is_shared(app):
    import redis as redis_client

    from fairplanner.cache import RedisCache

    url = "redis://127.0.0.1:6379/14"
    try:
        redis_client.Redis.from_url(url).flushdb()
    except redis_client.exceptions.ConnectionError:
        import config

        if config.REQUIRE_POSTGRES:
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    one, two = RedisCache(url), RedisCache(url)
    one.set("etag", "календарь".encode())
    assert two.get("etag") == "календарь".encode()
    assert RedisCache("redis://127.0.0.1:1/0").get("etag") is None  # down: build instead
    redis_client.Redis.from_url(url).flushdb()


def test_junk_parameters_make_no_new_version(client, fair):
    etags = {client.get(f"/calendar.ics?utm_source={i}").headers["ETag"] for i in range(5)}
    assert len(etags) == 1


def test_calendar_name_is_escaped_text(client, db, fair):
    fair.name_ru = "A;B,C\\D"
    db.session.commit()
    assert b"NAME:A\\;B\\,C\\\\D" in client.get("/fairs/lesdrevtech.ics").data


def test_deleting_a_programme_item_moves_last_modified(client, db, fair):
    first = client.get("/fairs/lesdrevtech.ics")
    item = fair.programme[1]
    fair.programme.remove(item)
    db.session.delete(item)
    fair.updated_at = utcnow() + timedelta(seconds=2)  # HTTP dates count whole seconds
    db.session.commit()
    again = client.get(
        "/fairs/lesdrevtech.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert again.status_code == 200
    assert again.data.count(b"BEGIN:VEVENT") == 2


def test_sector_changes_raise_the_revision(db, fair, factories):
    food = factories.sector("food")
    before = fair.revision
    fair.sectors.append(food)
    db.session.commit()
    assert fair.revision > before


class TestCompanyFeedIdentity:
    def test_both_roles_have_their_own_uids_and_sequence_never_drops(
        self, app, client, db, member, fair
    ):
        html = client.get("/my/fairs").get_data(as_text=True)
        url = re.search(r'value="http://127\.0\.0\.1:5000(/calendar/[^"]+)"', html).group(1)
        url = url.replace("&amp;", "&")
        for role in ("visitor", "exhibitor"):
            db.session.add(
                Registration(
                    fair_id=fair.id,
                    company_id=member.company_id,
                    role=role,
                    status=RegistrationStatus.SUBMITTED,
                    stand_type="indoor",
                    area=10,
                    delegates=[{"name": "А", "position": ""}],
                    aims=["sales"],
                )
            )
        db.session.commit()
        uids = [
            str(e["UID"])
            for e in icalendar.Calendar.from_ical(app.test_client().get(url).data).walk("VEVENT")
        ]
        # Two roles: the fair and its two items twice, its deadline once.
        assert len(uids) == len(set(uids)) == 7
        before = sequences(app.test_client(), url)
        visitor = db.session.scalar(select(Registration).where(Registration.role == "visitor"))
        visitor.status = RegistrationStatus.WITHDRAWN
        db.session.commit()
        db.session.add(
            Registration(
                fair_id=fair.id,
                company_id=member.company_id,
                role="visitor",
                status=RegistrationStatus.SUBMITTED,
                delegates=[{"name": "Б", "position": ""}],
                aims=["sales"],
            )
        )
        db.session.commit()
        after = sequences(app.test_client(), url)
        assert after.keys() == before.keys()
        assert all(after[uid] >= before[uid] for uid in before)
        visitor_uid = f"fair-{fair.id}.c{member.company_id}-visitor@127.0.0.1"
        assert after[visitor_uid] > before[visitor_uid]
