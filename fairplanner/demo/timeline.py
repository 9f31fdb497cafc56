"""Spread what one seed run wrote over the weeks before it, so the demo has a history in time.

The services stamp every application and change log entry with the moment they run, so a
fresh demo would show all of them in the same minute: lists sorted by time, the change log
and charts over time would read as noise. Only the moments change here, in the order the
services wrote the rows; what the rows say is theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, update

from fairplanner.catalogue.models import Fair
from fairplanner.db import utcnow
from fairplanner.extensions import db
from fairplanner.i18n import MINSK
from fairplanner.organizers.models import FairChange
from fairplanner.registrations.models import Registration, RegistrationChange

HISTORY_DAYS = 42  # how far back a demo fair's activity reaches at most
OFFICE_OPENS = time(9, 0)
GAP = timedelta(minutes=35)


def moments(count: int, *, first_day: date, last_day: date, now: datetime) -> list[datetime]:
    """`count` increasing moments in office hours (Minsk time), spread evenly from `first_day`
    to `last_day`, none later than `now`."""
    days = (last_day - first_day).days + 1
    result: list[datetime] = []
    previous: datetime | None = None
    for i in range(count):
        day = first_day + timedelta(days=i * days // count)
        # A different minute of the working day for each entry, later than the one before.
        local = datetime.combine(day, OFFICE_OPENS, MINSK) + timedelta(minutes=i * 137 % 420)
        if previous is not None and previous.date() == day and local < previous + GAP:
            local = previous + GAP
        previous = local
        result.append(min(local.astimezone(UTC), now - timedelta(minutes=count - i)))
    return result


def spread(
    fair: Fair, registrations: list[Registration], *, after_fair_change: int, today: date
) -> None:
    """Give the fair's change log entries after `after_fair_change` and the new applications'
    histories moments since its registration opened (at most HISTORY_DAYS back), in order."""
    fair_changes = db.session.scalars(
        select(FairChange)
        .where(FairChange.fair_id == fair.id, FairChange.id > after_fair_change)
        .order_by(FairChange.id)
    ).all()
    ids = [r.id for r in registrations]
    changes = db.session.scalars(
        select(RegistrationChange)
        .where(RegistrationChange.registration_id.in_(ids))
        .order_by(RegistrationChange.id)
    ).all()
    entries: list[FairChange | RegistrationChange] = [*fair_changes, *changes]
    if not entries:
        return
    first_day = max(fair.registration_opens_on, today - timedelta(days=HISTORY_DAYS))
    last_day = max(first_day, today - timedelta(days=1))
    for entry, moment in zip(
        entries,
        moments(len(entries), first_day=first_day, last_day=last_day, now=utcnow()),
        strict=True,
    ):
        entry.at = moment
    _date_applications(registrations, changes)


def spread_after(fair: Fair, registrations: list[Registration], *, today: date) -> None:
    """Give the new applications' histories moments after everything the fair's log holds
    already (a later seed step: its entries must not go before those of an earlier one), at
    most HISTORY_DAYS back, evenly up to now, in the order the services wrote them."""
    ids = [r.id for r in registrations]
    changes = db.session.scalars(
        select(RegistrationChange)
        .where(RegistrationChange.registration_id.in_(ids))
        .order_by(RegistrationChange.id)
    ).all()
    if not changes:
        return
    earlier = [
        db.session.scalar(select(func.max(FairChange.at)).where(FairChange.fair_id == fair.id)),
        db.session.scalar(
            select(func.max(RegistrationChange.at))
            .join(RegistrationChange.registration)
            .where(Registration.fair_id == fair.id, RegistrationChange.registration_id.not_in(ids))
        ),
    ]
    now = utcnow()
    opens = max(fair.registration_opens_on, today - timedelta(days=HISTORY_DAYS))
    start = datetime.combine(opens, OFFICE_OPENS, MINSK).astimezone(UTC)
    for moment in earlier:
        if moment is not None:
            start = max(start, _aware(moment))
    start = min(start, now - timedelta(minutes=len(changes) + 1))
    step = (now - start) / (len(changes) + 1)
    for i, change in enumerate(changes, start=1):
        change.at = start + step * i
    _date_applications(registrations, changes)


def _date_applications(
    registrations: list[Registration], changes: Sequence[RegistrationChange]
) -> None:
    """Each application made and last changed when its first and last history entries say."""
    db.session.flush()
    for registration in registrations:
        history = [c.at for c in changes if c.registration_id == registration.id]
        # A bulk UPDATE: the application's own version (what its pages compare) stays as is.
        db.session.execute(
            update(Registration)
            .where(Registration.id == registration.id)
            .values(created_at=history[0], updated_at=history[-1])
        )


def _aware(moment: datetime) -> datetime:
    """SQLite hands stored moments back without their zone: they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
