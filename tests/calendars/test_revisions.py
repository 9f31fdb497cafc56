"""Feed bodies as a function of the data alone: the same revision gives the same bytes in any
process at any hour, and the validators never let a client keep a stale body."""

from __future__ import annotations

import gzip
import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import icalendar
import pytest

import config
from fairplanner import create_app
from fairplanner.accounts.models import Role
from fairplanner.calendars import views
from fairplanner.calendars.models import CalendarToken
from fairplanner.organizers import services
from fairplanner.registrations.models import Registration, RegistrationStatus
from tests.factories import Factories


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def registration(fair, company, status=RegistrationStatus.SUBMITTED) -> Registration:
    return Registration(
        fair_id=fair.id,
        company_id=company.id,
        role="visitor",
        status=status,
        delegates=[{"name": "А", "position": ""}],
        aims=["sales"],
    )


def events(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_same_data_gives_the_same_bytes_in_two_processes_at_different_times(
    committed, database_url, monkeypatch
):
    factories = Factories(committed.session)
    fair = factories.fair(programme=2)
    cancelled = factories.fair(programme=1)
    cancelled.status = "cancelled"
    cancelled.cancelled_at = datetime.now(UTC)
    company = factories.company()
    committed.session.add_all(
        [
            registration(fair, company, RegistrationStatus.APPROVED),
            registration(cancelled, company),
            CalendarToken(company_id=company.id, token="t" * 43),
        ]
    )
    committed.session.commit()
    # A deleted item: its tombstone is in the fair's feeds and answers its own address.
    gone = fair.programme[1]
    services.delete_event(fair, gone, actor=factories.user(role=Role.STAFF, company=None))
    committed.session.commit()
    paths = [
        ("/calendar.ics?lang=ru", 200),
        ("/calendar.ics?lang=en", 200),
        ("/calendar.ics?lang=ru&detail=programme", 200),
        (f"/calendar/{'t' * 43}.ics?lang=ru", 200),
        (f"/fairs/{fair.slug}.ics?lang=en", 200),
        (f"/fairs/{fair.slug}/events/{fair.programme[0].id}.ics?lang=ru", 200),
        (f"/fairs/{fair.slug}/events/{gone.id}.ics?lang=ru", 410),
    ]
    bodies = []
    for hours in (0, 5):  # a second worker, or the same one after a restart, hours later
        time.sleep(1.1 * hours / 5)  # the real clock moves on too
        later = datetime.now(UTC) + timedelta(hours=hours)
        monkeypatch.setattr(views, "utcnow", lambda later=later: later)
        app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
        client = app.test_client()
        for headers in ({}, {"Accept-Encoding": "gzip"}):
            responses = [client.get(path, headers=headers) for path, _status in paths]
            assert [r.status_code for r in responses] == [status for _path, status in paths]
            bodies.append([(r.headers["ETag"], r.data) for r in responses])
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
    plain, packed, plain_later, packed_later = bodies
    assert plain == plain_later
    assert packed == packed_later  # the gzip bytes too: no time or name in them
    for (etag, body), (gzip_etag, gzip_body) in zip(plain, packed, strict=True):
        assert gzip_etag == etag[:-1] + '-gzip"'
        assert gzip.decompress(gzip_body) == body
    # Every DTSTAMP is its event's LAST-MODIFIED, not the time the feed was built.
    for _etag, body in plain:
        for event in events(body).values():
            assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt
    cancelled = events(plain[4][1])[f"event-{gone.id}@127.0.0.1"]
    assert cancelled["STATUS"] == "CANCELLED"


def test_unchanged_events_keep_their_bytes_when_another_changes(client, db, make_fair):
    one, two = make_fair(programme=1), make_fair(programme=1)
    path = "/calendar.ics?lang=ru&detail=programme"
    before = events(client.get(path).data)
    two.name_ru = "Другое имя"
    two.updated_at += timedelta(minutes=1)  # (the calendar's times are whole seconds)
    db.session.commit()
    after = events(client.get(path).data)
    for uid in (f"fair-{one.id}@127.0.0.1", f"event-{one.programme[0].id}@127.0.0.1"):
        assert after[uid].to_ical() == before[uid].to_ical()
    changed = f"fair-{two.id}@127.0.0.1"
    assert after[changed]["DTSTAMP"].dt > before[changed]["DTSTAMP"].dt


def test_status_change_moves_the_private_events_last_modified(app, client, db, make_fair):
    fair = make_fair(programme=1)
    company = Factories(db.session).company()
    application = registration(fair, company)
    # Without the deadline's event, which shows no status.
    token = CalendarToken(company_id=company.id, token="p" * 43, include_deadlines=False)
    db.session.add_all([application, token])
    db.session.commit()
    # The application changes later than the fair did.
    application.updated_at = fair.updated_at + timedelta(minutes=1)
    db.session.commit()
    anonymous = app.test_client()
    url = f"/calendar/{'p' * 43}.ics?lang=ru"
    first = events(anonymous.get(url).data)
    application.status = RegistrationStatus.APPROVED
    application.updated_at = fair.updated_at + timedelta(minutes=2)
    db.session.commit()
    response = anonymous.get(url)
    second = events(response.data)
    assert set(first) == set(second)
    assert len(first) == 2  # the fair and its programme item
    for uid, event in second.items():
        assert "[Одобрена]" in str(event["SUMMARY"])
        assert event["SEQUENCE"] > first[uid]["SEQUENCE"]
        assert event["LAST-MODIFIED"].dt > first[uid]["LAST-MODIFIED"].dt
        assert event["LAST-MODIFIED"].dt == application.updated_at.replace(microsecond=0)
        assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt
    assert response.last_modified == application.updated_at.replace(microsecond=0)


@pytest.mark.parametrize("path", ["/calendar.ics", "/fairs/{slug}.ics", "/calendar/{token}.ics"])
def test_two_changes_in_one_second_never_keep_the_stale_body(app, db, make_fair, path, monkeypatch):
    """A client with only If-Modified-Since, which polled between two changes made within the
    same second, gets the second change."""
    fair = make_fair(programme=1)
    company = Factories(db.session).company()
    db.session.add_all(
        [
            registration(fair, company, RegistrationStatus.APPROVED),
            CalendarToken(company_id=company.id, token="s" * 43),
        ]
    )
    db.session.commit()
    path = path.format(slug=fair.slug, token="s" * 43)
    client = app.test_client()
    second = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=10)
    fair.updated_at = second + timedelta(microseconds=100_000)
    db.session.commit()
    monkeypatch.setattr(views, "utcnow", lambda: second + timedelta(microseconds=200_000))
    first = client.get(path)
    assert first.status_code == 200
    held = first.headers["Last-Modified"]
    # Sent within the changed second: earlier than the change, never a 304 with it yet.
    assert first.last_modified == second
    assert client.get(path, headers={"If-Modified-Since": held}).status_code == 200
    fair.name_ru = "Новое имя в ту же секунду"
    db.session.commit()
    fair.updated_at = second + timedelta(microseconds=300_000)
    db.session.commit()
    again = client.get(path, headers={"If-Modified-Since": held})
    assert again.status_code == 200
    assert "Новое имя в ту же секунду" in again.get_data(as_text=True)
    # Once the second is over, Last-Modified is rounded up and covers the change: a 304.
    monkeypatch.setattr(views, "utcnow", lambda: second + timedelta(seconds=1, microseconds=1))
    settled = client.get(path, headers={"If-Modified-Since": held})
    assert settled.status_code == 200
    assert settled.last_modified == second + timedelta(seconds=1)
    settled_date = settled.headers["Last-Modified"]
    assert client.get(path, headers={"If-Modified-Since": settled_date}).status_code == 304
    # A later change, however soon, is newer than that date.
    fair.name_ru = "Ещё позже"
    db.session.commit()
    fair.updated_at = second + timedelta(seconds=1, microseconds=2)
    db.session.commit()
    assert client.get(path, headers={"If-Modified-Since": settled_date}).status_code == 200
    # If-None-Match, when sent, decides alone.
    current = client.get(path)
    both = {"If-None-Match": current.headers["ETag"], "If-Modified-Since": http_date(second)}
    assert client.get(path, headers=both).status_code == 304


@pytest.mark.parametrize(
    ("modified", "now", "expected"),
    [
        ("12:00:00.000000", "12:00:00.000000", "12:00:00"),
        ("12:00:00.500000", "12:00:00.900000", "12:00:00"),
        ("12:00:00.500000", "12:00:01.000000", "12:00:01"),
        ("12:00:00.000001", "13:00:00.000000", "12:00:01"),
    ],
)
def test_http_last_modified(modified, now, expected):
    def at(clock: str) -> datetime:
        return datetime.fromisoformat(f"2026-11-27T{clock}+00:00")

    assert views.http_last_modified(at(modified), at(now)) == at(expected)


def test_private_feed_is_named_after_the_company(app, db, make_fair):
    company = Factories(db.session).company(short_name="Вятка-Экспорт")
    db.session.add(CalendarToken(company_id=company.id, token="n" * 43))
    db.session.commit()
    response = app.test_client().get(f"/calendar/{'n' * 43}.ics?lang=ru")
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "FairPlanner — Вятка-Экспорт"
    disposition = response.headers["Content-Disposition"]
    assert "n" * 43 not in disposition
    assert re.search(r"filename\*=UTF-8''FairPlanner%20%E2%80%94%20", disposition)


@pytest.mark.parametrize(("lang", "words"), [("ru", "Скачать отменённое событие"), ("en", None)])
def test_a_cancelled_fair_offers_only_the_cancelled_entry(client, db, make_fair, lang, words):
    fair = make_fair(programme=1)
    fair.status = "cancelled"
    fair.cancelled_at = datetime.now(UTC)
    db.session.commit()
    html = client.get(f"/fairs/{fair.slug}", headers={"Accept-Language": lang}).get_data(
        as_text=True
    )
    assert "calendar.google.com" not in html
    assert "outlook.live.com" not in html
    assert "webcal://" not in html  # nothing to subscribe to any more
    assert f'href="/fairs/{fair.slug}.ics?lang={lang}" download' in html
    item = fair.programme[0]
    assert f'href="/fairs/{fair.slug}/events/{item.id}.ics?lang={lang}" download' in html
    assert (words or "Download the cancelled entry") in html
    download = client.get(f"/fairs/{fair.slug}.ics?lang={lang}")
    assert all(
        str(e["STATUS"]) == "CANCELLED"
        for e in icalendar.Calendar.from_ical(download.data).walk("VEVENT")
    )
