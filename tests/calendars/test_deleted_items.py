"""A deleted programme item: its own .ics answers 410 Gone with the cancelled event, and the
fair's programme feeds carry it cancelled for FEED_DELETED_DAYS."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
import vobject
from sqlalchemy import select

from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import DeletedProgrammeEvent, Fair, FairStatus
from fairplanner.db import utcnow
from fairplanner.organizers import services


@pytest.fixture
def staff(factories):
    return factories.user(role=Role.STAFF, company=None)


def delete(db, fair, index, staff):
    item = fair.programme[index]
    item_id, sequence = item.id, item.revision + fair.revision
    services.delete_event(fair, item, actor=staff)
    db.session.commit()
    return item_id, sequence


def vevents(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_the_deleted_items_ics_is_410_with_its_cancellation(client, db, make_fair, staff):
    fair = make_fair(slug="belagro", programme=2)
    path = f"/fairs/belagro/events/{fair.programme[0].id}.ics?lang=en"
    before = vevents(client.get(path).data)
    item_id, _sequence = delete(db, fair, 0, staff)
    response = client.get(path)
    assert response.status_code == 410
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.data)
    assert cal["METHOD"] == "CANCEL"
    (event,) = cal.walk("VEVENT")
    uid = f"event-{item_id}@127.0.0.1"
    assert str(event["UID"]) == uid
    assert event["STATUS"] == "CANCELLED"
    assert int(event["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
    assert event.decoded("DTSTART") == before[uid].decoded("DTSTART")
    assert str(event["SUMMARY"]).startswith("Cancelled: Event 0")
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt
    second = vobject.readOne(response.data.decode())
    assert second.method.value == "CANCEL"
    assert second.vevent.uid.value == uid
    assert second.vevent.status.value == "CANCELLED"
    # Compressed too, and HEAD.
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 410
    assert packed.headers["Content-Encoding"] == "gzip"
    assert client.head(path).status_code == 410
    # Ids the fair never had, and the item under another fair's address, are still 404.
    assert client.get("/fairs/belagro/events/999999.ics").status_code == 404
    make_fair(slug="other")
    assert client.get(f"/fairs/other/events/{item_id}.ics").status_code == 404


def test_deleted_before_the_fair_was_public_leaves_no_trace(client, db, make_fair, staff):
    fair = make_fair(slug="draft", programme=1, status=FairStatus.DRAFT)
    item_id, _ = delete(db, fair, 0, staff)
    assert db.session.get(DeletedProgrammeEvent, item_id) is None
    fair.status = FairStatus.PUBLISHED
    db.session.commit()
    assert client.get(f"/fairs/draft/events/{item_id}.ics").status_code == 404


def test_the_fairs_feeds_carry_it_cancelled_for_a_while(app, client, db, make_fair, staff):
    fair = make_fair(slug="belagro", programme=2)
    kept = f"event-{fair.programme[1].id}@127.0.0.1"
    first = client.get("/fairs/belagro.ics")
    item_id, sequence = delete(db, fair, 0, staff)
    uid = f"event-{item_id}@127.0.0.1"
    for path, count in (
        ("/fairs/belagro.ics", 3),
        ("/calendar.ics?detail=programme", 3),
        ("/calendar.ics?detail=programme&lang=en", 3),
        ("/calendar.ics", 1),  # no programme, no deleted items
    ):
        body = client.get(path).data
        events = vevents(body)
        assert len(events) == count, path
        assert len(vobject.readOne(body.decode()).vevent_list) == count
        if count == 3:
            assert events[uid]["STATUS"] == "CANCELLED"
            assert int(events[uid]["SEQUENCE"]) > sequence
            assert events[kept]["STATUS"] == "CONFIRMED"
    again = client.get("/fairs/belagro.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200

    # After FEED_DELETED_DAYS it leaves the feeds (the item's own .ics stays 410), and the
    # validators move with it.
    tombstone = db.session.get(DeletedProgrammeEvent, item_id)
    tombstone.deleted_at = utcnow() - timedelta(days=app.config["FEED_DELETED_DAYS"] + 1)
    fair.updated_at = utcnow() - timedelta(days=60)
    for item in fair.programme:
        item.updated_at = utcnow() - timedelta(days=60)
    db.session.commit()
    carrying = client.get("/fairs/belagro.ics")
    assert uid not in vevents(carrying.data)
    assert uid not in vevents(client.get("/calendar.ics?detail=programme").data)
    assert client.get(f"/fairs/belagro/events/{item_id}.ics").status_code == 410
    # Last-Modified is the midnight it left, later than any change still in the body.
    left = tombstone.deleted_at + timedelta(days=app.config["FEED_DELETED_DAYS"])
    modified = carrying.last_modified
    assert modified is not None
    assert modified >= left.replace(microsecond=0)


def test_a_reused_id_is_the_live_item_not_its_tombstone(client, db, make_fair, staff):
    """SQLite may give the id of the item deleted last to the next one."""
    fair = make_fair(slug="belagro", programme=1)
    item_id, _ = delete(db, fair, 0, staff)
    other = make_fair(slug="other", programme=1)
    tombstone = db.session.get(DeletedProgrammeEvent, item_id)
    # As if `other`'s item had been given the same id: move the tombstone onto that id.
    tombstone.id = other.programme[0].id
    db.session.commit()
    body = client.get("/calendar.ics?detail=programme").data
    statuses = [str(e["STATUS"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]
    assert "CANCELLED" not in statuses
    assert "CANCELLED" not in client.get("/fairs/belagro.ics").data.decode()
    # A second deletion of the same id replaces the tombstone rather than failing.
    reused_id, _ = delete(db, other, 0, staff)
    assert reused_id == tombstone.id
    assert db.session.get(DeletedProgrammeEvent, reused_id).fair_id == other.id


def test_tombstones_go_with_their_fair(db, make_fair, staff):
    fair = make_fair(slug="belagro", programme=2)
    delete(db, fair, 0, staff)
    delete(db, fair, 0, staff)
    assert len(db.session.scalars(select(DeletedProgrammeEvent)).all()) == 2
    db.session.delete(fair)
    db.session.commit()
    assert db.session.scalars(select(DeletedProgrammeEvent)).all() == []


def test_tombstones_go_with_their_fair_in_the_database_too(db, make_fair, staff):
    """ON DELETE CASCADE: a fair removed by SQL (a maintenance script) takes them along."""
    fair = make_fair(slug="belagro", programme=1)
    delete(db, fair, 0, staff)
    fair_id = fair.id
    db.session.expunge_all()
    db.session.execute(Fair.__table__.delete().where(Fair.id == fair_id))
    db.session.commit()
    assert db.session.scalars(select(DeletedProgrammeEvent)).all() == []
