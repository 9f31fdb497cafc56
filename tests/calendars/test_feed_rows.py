"""The public feed's rows (fairplanner.calendars.feed, plain tuples) and the model objects the
per-fair download uses are written to the same bytes, awkward texts included."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from fairplanner.calendars import feed, ical
from fairplanner.catalogue.models import EventKind, ProgrammeEvent
from fairplanner.i18n import minsk_today

# Long Cyrillic lines, escapes and 4-byte characters at every offset from the fold points, line
# breaks of every kind, a description that is all backslashes.
AWKWARD = [
    ("Торжественное открытие " * 4, "Описание " * 20, "Зал 1"),
    ("Семинар\\" * 12, "\\" * 150, None),
    ("🚂 Поезд 🚂" * 9, "a\r\nb\nc\rd; e, f ^ g 🚂€" * 8, "Павильон «🚂», 2"),
    ("", "Only English;, here " * 5, ""),  # no Russian title: the English one
    ("x" * 73 + "\\", None, "Hall\\"),
]


def event_blocks(body: bytes) -> dict[str, bytes]:
    blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", body, re.S)
    return {re.search(rb"\r\nUID:([^\r]*)", b).group(1).decode(): b for b in blocks}


@pytest.fixture
def fair(make_fair, factories):
    fair = make_fair(slug="awkward", starts_on=minsk_today() + timedelta(days=10), days=2)
    start = datetime.combine(fair.starts_on, datetime.min.time(), UTC) + timedelta(hours=7)
    fair.programme = [
        ProgrammeEvent(
            title_ru=title,
            title_en=f"Title {i}",
            description_ru=description,
            hall_ru=hall,
            hall_en=f"Hall {i}" if hall == "" else None,
            kind=EventKind.SEMINAR,
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i, minutes=45),
        )
        for i, (title, description, hall) in enumerate(AWKWARD)
    ]
    factories.session.commit()
    return fair


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_feed_rows_and_models_give_the_same_events(client, fair, lang):
    public = event_blocks(client.get(f"/calendar.ics?lang={lang}&detail=programme").data)
    download = event_blocks(client.get(f"/fairs/{fair.slug}.ics?lang={lang}").data)
    assert len(download) == 1 + len(AWKWARD)
    assert public == download
    for uid, block in download.items():
        for physical in block.split(b"\r\n"):
            assert len(physical) <= 75
            physical.decode()  # no character split between two lines
        if uid.startswith("event-"):
            one = client.get(f"/fairs/{fair.slug}/events/{uid[6:].split('@')[0]}.ics?lang={lang}")
            assert event_blocks(one.data) == {uid: block}


def test_what_icalendar_reads_back(client, fair):
    body = client.get("/calendar.ics?lang=ru&detail=programme").data
    events = {
        str(e["UID"]).split("@")[0]: e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
    }
    for item, (title, description, hall) in zip(fair.programme, AWKWARD, strict=True):
        event = events[f"event-{item.id}"]
        assert str(event["SUMMARY"]).startswith(f"{title or 'Title 3'} · ")
        expected = re.sub("\r\n|\r", "\n", description) if description else None
        if expected:
            assert str(event["DESCRIPTION"]).startswith(f"{expected}\n\n")
        else:
            assert "\n\n" not in str(event["DESCRIPTION"])
        if hall is not None:
            assert str(event["LOCATION"]).startswith(f"{hall or 'Hall 3'}, ")
        assert event.decoded("DTSTART").astimezone(UTC) == item.starts_at.astimezone(UTC)


def test_the_rows_are_in_the_writers_order(app):
    with app.app_context():
        for lang in ("ru", "en"):
            keys = [c.key.removesuffix(f"_{lang}") for c in feed._programme_columns(lang)]
            assert tuple(keys) == ical.PROGRAMME_ROW
