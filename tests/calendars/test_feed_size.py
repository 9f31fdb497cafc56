"""The public feed's size: one event per fair by default, programmes behind `detail`, a window
on past fairs, and gzip negotiated with its own ETag."""

from __future__ import annotations

import gzip
from datetime import timedelta

import icalendar
import pytest
import vobject

from fairplanner.calendars.views import negotiate_encoding
from fairplanner.i18n import minsk_today
from tests.calendars.test_feeds import parse_both

GZIP = {"Accept-Encoding": "gzip"}


def uids(body: bytes) -> list[str]:
    return [str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]


@pytest.fixture
def fairs(make_fair):
    return [make_fair(slug=f"f{i}", programme=3) for i in range(4)]


def test_default_feed_holds_one_event_per_fair(client, fairs):
    body = client.get("/calendar.ics?lang=ru").data
    assert uids(body) == [f"fair-{f.id}@127.0.0.1" for f in fairs]
    assert b"BEGIN:VTIMEZONE" not in body  # all-day events only
    assert "X-WR-CALNAME:Выставки Беларуси · FairPlanner".encode() in body
    full = client.get("/calendar.ics?lang=ru&detail=programme").data
    assert len(uids(full)) == 4 + 4 * 3
    assert b"BEGIN:VTIMEZONE" in full
    assert len(body) < len(full)
    for variant in (body, full):
        first, second = parse_both(variant)
        assert first == second
    # An unknown detail is the default, like any junk parameter.
    assert client.get("/calendar.ics?lang=ru&detail=everything").data == body
    # The per-fair download keeps its programme.
    assert len(uids(client.get("/fairs/f0.ics").data)) == 4


def test_the_variants_have_their_own_validators(client, fairs):
    plain = client.get("/calendar.ics?lang=ru")
    full = client.get("/calendar.ics?lang=ru&detail=programme")
    assert plain.headers["ETag"] != full.headers["ETag"]
    # The default's ETag never answers for the programme feed.
    again = client.get(
        "/calendar.ics?lang=ru&detail=programme", headers={"If-None-Match": plain.headers["ETag"]}
    )
    assert again.status_code == 200
    assert again.data == full.data


def test_the_variants_are_cached_apart(client, fairs, caching):
    plain = client.get("/calendar.ics?lang=ru").data
    full = client.get("/calendar.ics?lang=ru&detail=programme").data
    assert client.get("/calendar.ics?lang=ru").data == plain
    assert client.get("/calendar.ics?lang=ru&detail=programme").data == full
    assert plain != full


def test_the_past_window_is_a_setting(app, client, make_fair, monkeypatch):
    today = minsk_today()
    make_fair(slug="ended-60-days-ago", starts_on=today - timedelta(days=60), days=1)
    make_fair(slug="upcoming")
    assert len(uids(client.get("/calendar.ics").data)) == 1
    monkeypatch.setitem(app.config, "FEED_PAST_DAYS", 90)
    assert len(uids(client.get("/calendar.ics").data)) == 2


@pytest.mark.parametrize("query", ["", "?detail=programme"])
def test_building_either_feed_does_not_grow_with_it(client, db, make_fair, count_queries, query):
    make_fair(slug="one", programme=2)
    db.session.expire_all()
    with count_queries() as small:
        client.get(f"/calendar.ics{query}")
    for i in range(10):
        make_fair(slug=f"more-{i}", programme=3, sectors=["a", "b"], city=f"c{i}")
    db.session.expire_all()
    with count_queries() as big:
        client.get(f"/calendar.ics{query}")
    assert small.count == big.count


def test_the_default_feed_reads_no_programme(client, fairs, count_queries):
    with count_queries() as plain:
        client.get("/calendar.ics")
    with count_queries() as full:
        client.get("/calendar.ics?detail=programme")
    # The programme items and the deleted ones: two reads more (and a wider fingerprint).
    assert full.count == plain.count + 2


# Compression -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        (None, "identity"),
        ("", "identity"),
        ("gzip", "gzip"),
        ("GZIP", "gzip"),
        ("x-gzip", "gzip"),
        ("gzip, deflate, br", "gzip"),
        ("deflate, br", "identity"),
        ("*", "gzip"),
        ("gzip;q=0", "identity"),
        ("gzip;q=0.5, identity;q=0.8", "identity"),
        ("gzip;q=0.8, identity;q=0.5", "gzip"),
        ("gzip;q=1.0, identity; q=1.0", "gzip"),
        ("identity", "identity"),
        ("identity;q=0", None),
        ("gzip;q=0, identity;q=0", None),
        ("*;q=0", None),
        ("gzip, *;q=0", "gzip"),
        ("identity, *;q=0", "identity"),
        ("br;q=1, *;q=0.1", "gzip"),
        ("gzip;q=bad", "identity"),
        ("gzip;q=5", "gzip"),
        (" , ;", "identity"),
    ],
)
def test_encoding_negotiation(header, coding):
    assert negotiate_encoding(header) == coding


@pytest.mark.parametrize(
    "path",
    [
        "/calendar.ics?lang=ru",
        "/calendar.ics?lang=ru&detail=programme",
        "/fairs/f0.ics?lang=en",
    ],
)
def test_gzip_bodies(client, fairs, path):
    plain = client.get(path)
    packed = client.get(path, headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) * 3 < len(plain.data)
    # No file name, no time: the same bytes whenever they are made.
    assert packed.data[4:8] == b"\0\0\0\0"  # MTIME
    assert packed.data[3] & 0x08 == 0  # FLG.FNAME
    first, second = parse_both(gzip.decompress(packed.data))
    assert first == second
    assert vobject.readOne(gzip.decompress(packed.data).decode()).name == "VCALENDAR"
    head = client.head(path, headers=GZIP)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == packed.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(packed.data))


def test_if_none_match_for_each_encoding(client, fairs):
    plain = client.get("/calendar.ics?lang=ru")
    packed = client.get("/calendar.ics?lang=ru", headers=GZIP)
    plain_tag, packed_tag = plain.headers["ETag"], packed.headers["ETag"]

    def get(tag: str, **headers: str):
        return client.get("/calendar.ics?lang=ru", headers={"If-None-Match": tag, **headers})

    hit = get(packed_tag, **GZIP)
    assert hit.status_code == 304
    assert hit.headers["ETag"] == packed_tag
    assert "Accept-Encoding" in hit.headers["Vary"]
    assert get(plain_tag).status_code == 304
    # A tag of the other encoding is another representation: the body, in this encoding.
    other = get(plain_tag, **GZIP)
    assert other.status_code == 200
    assert other.headers["Content-Encoding"] == "gzip"
    assert get(packed_tag).status_code == 200
    assert get(f"{plain_tag}, {packed_tag}", **GZIP).status_code == 304


def test_head_with_gzip(client, fairs):
    head = client.head("/calendar.ics?lang=ru", headers=GZIP)
    get = client.get("/calendar.ics?lang=ru", headers=GZIP)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Encoding"] == "gzip"
    assert head.headers["Content-Length"] == str(len(get.data))


def test_nothing_acceptable_is_406_with_words(client, fairs):
    response = client.get("/calendar.ics?lang=en", headers={"Accept-Encoding": "identity;q=0"})
    assert response.status_code == 406
    assert "gzip" in response.get_data(as_text=True)
    ru = client.get("/fairs/f0.ics", headers={"Accept-Encoding": "*;q=0", "Accept-Language": "ru"})
    assert ru.status_code == 406
    assert "сжат" in ru.get_data(as_text=True)


def test_private_feed_is_compressed_too(client, db, factories, fairs):
    from fairplanner.calendars.models import CalendarToken

    company = factories.company()
    factories.registration(fairs[0], company)
    db.session.add(CalendarToken(company_id=company.id, token="p" * 43))
    db.session.commit()
    path = f"/calendar/{'p' * 43}.ics?lang=ru"
    plain, packed = client.get(path), client.get(path, headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["Cache-Control"].startswith("private")
    assert (
        client.get(path, headers={"If-None-Match": packed.headers["ETag"], **GZIP}).status_code
        == 304
    )


def test_the_poll_shortcut_knows_the_encoding(app, client, fairs, caching):
    """AnswerPolls (in front of Flask) answers a gzip poll with the gzip ETag only."""
    path = "/calendar.ics?lang=ru"
    packed = client.get(path, headers=GZIP)
    plain = client.get(path)
    hit = client.get(path, headers={"If-None-Match": packed.headers["ETag"], **GZIP})
    assert hit.status_code == 304
    assert hit.headers["ETag"] == packed.headers["ETag"]
    assert "Accept-Encoding" in hit.headers["Vary"]
    miss = client.get(path, headers={"If-None-Match": plain.headers["ETag"], **GZIP})
    assert miss.status_code == 200
    assert gzip.decompress(miss.data) == plain.data


@pytest.mark.parametrize(
    ("lang", "about", "variant"),
    [
        ("ru", "По одной записи на выставку", "Подписаться с программами выставок"),
        ("en", "One entry per fair", "Subscribe with programmes"),
    ],
)
def test_the_subscribe_menu_says_what_the_feed_holds(client, fairs, lang, about, variant):
    client.set_cookie("lang", lang)
    html = client.get("/?sector=food").get_data(as_text=True)
    assert about in html
    assert "31" in html.split(about, 1)[1].split("</li>", 1)[0]
    assert variant in html
    assert f'webcal://127.0.0.1:5000/calendar.ics?lang={lang}&amp;sector=food"' in html
    assert (
        f"webcal://127.0.0.1:5000/calendar.ics?lang={lang}&amp;sector=food&amp;detail=programme"
        in html
    )
    fair_page = client.get("/fairs/f0").get_data(as_text=True)
    assert "detail=programme" not in fair_page  # the fair's own calendar has its programme
