"""B2B meetings at a fair: the organizer's programme (days, slots, tables), the participating
companies' profiles, meeting requests between them, and the booked meetings.

The rules live in `services`: who may take part (approved applications of the programme's
audience), the limits against spam, and that no company and no table is booked twice in one
slot. That last rule holds under concurrency twice over: every booking runs under the fair's
row lock (as capacity decisions do), and the `meeting_seats` table and a partial unique index
on `meetings` refuse a second booking at the database even if a path forgot the lock.

Meetings are a domain above registrations: they hear of withdrawn or rejected applications and
cancelled fairs through `fairplanner.events`, and tell the domains above them (calendars,
notifications) through the meeting signals there.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Hear of ended applications and cancelled fairs (fairplanner.events)."""
    from fairplanner.meetings import handlers

    handlers.connect()
