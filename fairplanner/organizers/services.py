"""Writes of the organizer console: fairs, their programmes, the audit log. Never commits."""

from __future__ import annotations

import logging
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fairplanner import events
from fairplanner.accounts.models import User
from fairplanner.catalogue.models import (
    CapacityUnit,
    DeletedProgrammeEvent,
    EventKind,
    Fair,
    FairKind,
    FairStatus,
    ProgrammeEvent,
    Sector,
    Venue,
)
from fairplanner.db import json_value, utcnow
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import MINSK
from fairplanner.media import services as media_services
from fairplanner.media.models import Image
from fairplanner.organizers.models import FairChange, RegistrationNote
from fairplanner.registrations.models import Registration
from fairplanner.registrations.services import lock_fair, promote_waitlist

log = logging.getLogger(__name__)


# A programme item's texts in both languages (copied with a fair, edited through the API).
EVENT_TEXTS = ("title_ru", "title_en", "description_ru", "description_en", "hall_ru", "hall_en")


class FairError(DomainError):
    status_code = 422


class StaleEdit(FairError):
    """An edit made on a page (or a read) older than the last change: not laid over it."""

    status_code = 409


@dataclass
class FairData:
    slug: str
    name_ru: str
    name_en: str | None
    description_ru: str | None
    description_en: str | None
    kind: FairKind
    starts_on: date
    ends_on: date
    venue_id: int
    sector_codes: list[str]
    registration_opens_on: date
    registration_deadline: date
    capacity: int | None
    capacity_unit: CapacityUnit
    stand_area_min: Decimal
    stand_area_max: Decimal
    website: str | None


def log_change(
    fair: Fair,
    action: str,
    *,
    actor: User | None,
    changes: dict | None = None,
    reason: str | None = None,
) -> None:
    db.session.add(
        FairChange(
            fair_id=fair.id,
            actor_id=actor.id if actor else None,
            action=action,
            changes=changes or {},
            reason=reason,
        )
    )


def add_venue(*, name_ru: str, city_id: int, address_ru: str | None) -> Venue:
    """A venue named by staff on the fair form (it gets a slug of its own, to be renamed by
    an admin)."""
    venue = Venue(
        slug=f"venue-{secrets.token_hex(4)}",
        name_ru=name_ru,
        city_id=city_id,
        address_ru=address_ru,
    )
    db.session.add(venue)
    db.session.flush()
    return venue


def add_note(registration: Registration, *, author: User, text: str) -> RegistrationNote:
    """An internal note of the staff on an application; companies never see these."""
    note = RegistrationNote(registration_id=registration.id, author_id=author.id, text=text)
    db.session.add(note)
    db.session.flush()
    return note


def _check(data: FairData) -> None:
    if data.ends_on < data.starts_on:
        raise FairError(_("The fair cannot end before it starts."))
    if data.registration_deadline < data.registration_opens_on:
        raise FairError(_("Registration cannot close before it opens."))
    if data.registration_deadline > data.ends_on:
        raise FairError(_("Registration must close by the last day of the fair."))
    if data.stand_area_max < data.stand_area_min:
        raise FairError(_("The largest stand cannot be smaller than the smallest."))


def _slug_free(slug: str, *, fair_id: int | None) -> None:
    stmt = select(Fair.id).where(Fair.slug == slug)
    if fair_id is not None:
        stmt = stmt.where(Fair.id != fair_id)
    if db.session.scalar(stmt) is not None:
        raise FairError(_("Another fair already has this address (slug)."))


def _apply(fair: Fair, data: FairData) -> dict[str, list[Any]]:
    changes = {}
    for name, value in asdict(data).items():
        if name == "sector_codes":
            old = [s.code for s in fair.sectors]
            if sorted(old) != sorted(value):
                fair.sectors = list(
                    db.session.scalars(select(Sector).where(Sector.code.in_(value)))
                )
                changes["sectors"] = [sorted(old), sorted(value)]
            continue
        old = getattr(fair, name)
        if json_value(old) != json_value(value):
            changes[name] = [json_value(old), json_value(value)]
            setattr(fair, name, value)
    return changes


def _flush_unique_slug() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise FairError(_("Another fair already has this address (slug).")) from exc


def create_fair(
    data: FairData,
    *,
    organizer_id: int,
    actor: User | None,
    imported_from: str | None = None,
    external_id: str | None = None,
) -> Fair:
    """A new draft fair of the organizer. `actor` None (here, in publish_fair, cancel_fair and
    add_event): FairPlanner itself, as when the demo data is seeded; the change log says so.
    `imported_from`: the season plan (file or address) it came from (organizers.imports), with
    the plan's own id for it, `external_id`; the change log says so."""
    _check(data)
    _slug_free(data.slug, fair_id=None)
    fair = Fair(
        organizer_id=organizer_id,
        status=FairStatus.DRAFT,
        slug=data.slug,
        name_ru=data.name_ru,
        kind=data.kind,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        venue_id=data.venue_id,
        registration_opens_on=data.registration_opens_on,
        registration_deadline=data.registration_deadline,
        external_id=external_id,
    )
    with db.session.no_autoflush:
        _apply(fair, data)
    db.session.add(fair)
    _flush_unique_slug()
    if imported_from is None:
        log_change(fair, "created", actor=actor)
    else:
        log_change(fair, "imported", actor=actor, changes={"source": [None, imported_from]})
    return fair


def update_fair(
    fair: Fair,
    data: FairData,
    *,
    actor: User,
    seen_revision: int,
    imported_from: str | None = None,
    external_id: str | None = None,
) -> Fair:
    """Save an edit; every change raises the fair's revision (calendar SEQUENCE).
    `imported_from`: the edit comes from a season plan (organizers.imports), which may give
    the fair its own id for it, `external_id`; the change log says so."""
    if seen_revision != fair.revision:
        raise StaleEdit(_("Someone changed this fair after you opened it. Reload and repeat."))
    _check(data)
    _slug_free(data.slug, fair_id=fair.id)
    changes = _apply(fair, data)
    logged = dict(changes)
    if external_id is not None and external_id != fair.external_id:
        logged["external_id"] = [fair.external_id, external_id]
        fair.external_id = external_id
    if logged:
        _flush_unique_slug()
        if imported_from is None:
            log_change(fair, "edited", actor=actor, changes=logged)
        else:
            logged["source"] = [None, imported_from]
            log_change(fair, "import edited", actor=actor, changes=logged)
        db.session.flush()  # the new revision goes into the attached calendar entries
    if changes:
        # Notifications tell the companies when a published fair moved (fairplanner.events).
        events.fair_changed.send(fair, actor=actor, changes=changes)
        if {"capacity", "capacity_unit"} & changes.keys():
            # More room (or another way of counting it) may let the waiting list move up.
            promote_waitlist(lock_fair(fair.id))
    return fair


FAIR_IMAGES = ("logo", "cover")


def set_fair_image(fair: Fair, kind: str, image: Image | None, *, actor: User) -> None:
    """Put up, replace or (with None) take down the fair's logo or cover, in the change log.
    The fair's row changes, so the catalogue's stored cards and pages are renewed."""
    if kind not in FAIR_IMAGES:
        raise ValueError(f"unknown fair image {kind!r}")
    old = getattr(fair, f"{kind}_id")
    new = image.id if image is not None else None
    if old == new:
        return
    replaced = getattr(fair, kind)
    setattr(fair, kind, image)
    log_change(fair, "image changed", actor=actor, changes={kind: [old, new]})
    db.session.flush()
    media_services.discard_if_unused(replaced)  # unless another fair or company shows it


def publish_fair(fair: Fair, *, actor: User | None) -> None:
    if fair.status != FairStatus.DRAFT:
        raise FairError(_("Only a draft can be published."))
    if not fair.programme:
        raise FairError(_("Add at least one programme item before publishing."))
    fair.status = FairStatus.PUBLISHED
    log_change(fair, "published", actor=actor)
    db.session.flush()
    events.fair_published.send(fair, actor=actor)


def cancel_fair(fair: Fair, *, actor: User | None, reason_ru: str, reason_en: str | None) -> None:
    """Cancel with a reason that the public page and the calendars show."""
    if fair.status == FairStatus.CANCELLED:
        raise FairError(_("This fair is already cancelled."))
    if not reason_ru.strip():
        raise FairError(_("Give the reason for the cancellation."))
    fair.status = FairStatus.CANCELLED
    fair.cancelled_at = utcnow()
    fair.cancel_reason_ru, fair.cancel_reason_en = reason_ru.strip(), (reason_en or None)
    log_change(fair, "cancelled", actor=actor, reason=reason_ru.strip())
    db.session.flush()
    events.fair_cancelled.send(fair, actor=actor, reason=reason_ru.strip())


def copy_fair(fair: Fair, *, actor: User) -> Fair:
    """Next year's edition as a draft: same texts, place, sectors, rules and programme."""
    try:
        shift = _next_year(fair.starts_on) - fair.starts_on
    except OverflowError as exc:
        raise FairError(_("This fair cannot be copied to a next year.")) from exc
    year = fair.starts_on.year + 1  # the edition is next year's, even if it starts on 31 Dec
    base = fair.slug.removesuffix(f"-{fair.starts_on.year}")[:114]
    slug = f"{base}-{year}"
    if db.session.scalar(select(Fair.id).where(Fair.slug == slug)) is not None:
        raise FairError(_("Next year's edition exists already."))
    copy = Fair(
        slug=slug,
        status=FairStatus.DRAFT,
        organizer_id=fair.organizer_id,
        venue_id=fair.venue_id,
        kind=fair.kind,
        sectors=list(fair.sectors),
        starts_on=fair.starts_on + shift,
        ends_on=fair.ends_on + shift,
        registration_opens_on=fair.registration_opens_on + shift,
        registration_deadline=fair.registration_deadline + shift,
        capacity=fair.capacity,
        capacity_unit=fair.capacity_unit,
        stand_area_min=fair.stand_area_min,
        stand_area_max=fair.stand_area_max,
        website=fair.website,
        logo_id=fair.logo_id,  # images are shared, never changed: the copy shows the same
        cover_id=fair.cover_id,
        **{k: getattr(fair, k) for k in ("name_ru", "name_en", "description_ru", "description_en")},
        programme=[
            ProgrammeEvent(
                starts_at=e.starts_at + shift,
                ends_at=e.ends_at + shift,
                kind=e.kind,
                **{k: getattr(e, k) for k in EVENT_TEXTS},
            )
            for e in fair.programme
        ],
    )
    db.session.add(copy)
    db.session.flush()
    log_change(copy, "copied", actor=actor, changes={"from": [fair.slug, None]})
    return copy


def _next_year(day: date) -> date:
    """The same weekday a year later (52 or 53 weeks, whichever lands nearer the same date),
    as fairs keep their weekdays."""
    same_date = day.replace(year=day.year + 1, day=min(day.day, 28) if day.month == 2 else day.day)
    weeks = round((same_date - day).days / 7)
    return day + timedelta(weeks=weeks)


@dataclass
class EventData:
    title_ru: str
    title_en: str | None
    description_ru: str | None
    description_en: str | None
    hall_ru: str | None
    hall_en: str | None
    kind: EventKind
    starts_at: datetime
    ends_at: datetime


def _check_event(fair: Fair, data: EventData, *, ignoring: ProgrammeEvent | None) -> None:

    if data.ends_at <= data.starts_at:
        raise FairError(_("A programme item must end after it starts."))
    first = data.starts_at.astimezone(MINSK).date()
    last = data.ends_at.astimezone(MINSK).date()
    if first < fair.starts_on or last > fair.ends_on:
        raise FairError(_("A programme item must lie within the dates of the fair."))
    if data.hall_ru:
        for other in fair.programme:
            if other is ignoring or (other.hall_ru or "").casefold() != data.hall_ru.casefold():
                continue
            if other.starts_at < data.ends_at and data.starts_at < other.ends_at:
                raise FairError(
                    _(
                        "The hall “%(hall)s” is taken then by “%(title)s”.",
                        hall=data.hall_ru,
                        title=other.title_ru,
                    )
                )


def add_event(fair: Fair, data: EventData, *, actor: User | None) -> ProgrammeEvent:
    _check_event(fair, data, ignoring=None)
    event = ProgrammeEvent(**asdict(data))
    fair.programme.append(event)
    fair.updated_at = utcnow()  # the programme is part of the fair: raise its revision
    db.session.flush()
    log_change(fair, "event added", actor=actor, changes={"event": [None, data.title_ru]})
    events.programme_changed.send(fair, actor=actor, change="added", item=event, item_id=event.id)
    return event


def update_event(
    fair: Fair,
    event: ProgrammeEvent,
    data: EventData,
    *,
    actor: User,
    seen_revision: int | None = None,
) -> None:
    if seen_revision is not None and seen_revision != event.revision:
        raise StaleEdit(_("Someone changed this item after you opened it. Reload and repeat."))
    _check_event(fair, data, ignoring=event)
    title = event.title_ru  # the log names the item as it was known before this edit
    changes = {}
    for name, value in asdict(data).items():
        old = getattr(event, name)
        if json_value(old) != json_value(value):
            changes[name] = [json_value(old), json_value(value)]
            setattr(event, name, value)
    if changes:
        fair.updated_at = utcnow()
        db.session.flush()
        log_change(
            fair,
            "event edited",
            actor=actor,
            changes={"event": [title, event.title_ru], **changes},
        )
        events.programme_changed.send(
            fair, actor=actor, change="edited", item=event, item_id=event.id
        )


def delete_event(fair: Fair, event: ProgrammeEvent, *, actor: User) -> None:
    """Delete a programme item. Where the public could see it (and so may hold it in a
    calendar), a tombstone keeps what a calendar needs to drop it: the item's .ics answers 410
    with the cancelled event, and the fair's programme feeds carry it cancelled for a while."""
    if fair.status in (FairStatus.PUBLISHED, FairStatus.CANCELLED):
        # SQLite may give a deleted item's id to a new one: its older tombstone is replaced.
        tombstone = db.session.get(DeletedProgrammeEvent, event.id) or DeletedProgrammeEvent(
            id=event.id
        )
        tombstone.fair = fair
        tombstone.title_ru, tombstone.title_en = event.title_ru, event.title_en
        tombstone.starts_at, tombstone.ends_at = event.starts_at, event.ends_at
        tombstone.created_at = event.created_at
        tombstone.revision = event.revision + 1
        tombstone.deleted_at = utcnow()
        db.session.add(tombstone)
    fair.programme.remove(event)
    item_id = event.id
    fair.updated_at = utcnow()  # a deletion moves the feeds' validators too
    db.session.flush()
    log_change(fair, "event deleted", actor=actor, changes={"event": [event.title_ru, None]})
    events.programme_changed.send(fair, actor=actor, change="deleted", item=None, item_id=item_id)
