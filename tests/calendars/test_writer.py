"""The iCalendar writer against icalendar itself: same escaping, same folding, same parse."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from icalendar import Event

from fairplanner.calendars import ical

ALPHABET = "abc XYZ 019 Выставка «ёжик» ;,\\\n^ 🚂€—·"


def icalendar_line(value: str) -> bytes:
    event = Event()
    event.add("description", value)
    lines = event.to_ical().split(b"\r\nEND:VEVENT")[0].split(b"BEGIN:VEVENT\r\n")[1]
    return lines


@pytest.mark.parametrize("seed", range(200))
def test_text_lines_are_written_as_icalendar_writes_them(seed: int) -> None:
    rng = random.Random(seed)
    value = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 400)))
    ours = ical.fold_bytes(f"DESCRIPTION:{ical.text(value)}".encode())
    assert ours == icalendar_line(value)
    assert ical.fold_line(f"DESCRIPTION:{ical.text(value)}") == ours.decode()
    for physical in ours.split(b"\r\n"):
        assert len(physical) <= 75
        physical.decode()  # no UTF-8 character is split between two lines
    parsed = Event.from_ical(b"BEGIN:VEVENT\r\n" + ours + b"\r\nEND:VEVENT\r\n")
    assert str(parsed["DESCRIPTION"]) == value


def test_line_breaks_cannot_start_a_property_and_controls_are_dropped() -> None:
    value = "Ярмарка\r\nDTSTART:19700101\rX\x00\x07\x1b\tY"
    line = ical.fold_bytes(f"SUMMARY:{ical.text(value)}".encode())
    assert b"\r\nDTSTART" not in line
    assert line.decode() == "SUMMARY:Ярмарка\\nDTSTART:19700101\\nX\tY"


@pytest.mark.parametrize(
    ("hours", "expected"), [(6, "PT6H"), (24, "P1D"), (36, "P1DT12H"), (0, "PT0S")]
)
def test_durations(hours: int, expected: str) -> None:
    assert ical.duration(timedelta(hours=hours)) == expected
