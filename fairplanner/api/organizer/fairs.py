"""The organizer's fairs and their programmes: the console's fair and programme editors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from fairplanner.api import auth
from fairplanner.api import organizer_schemas as schemas
from fairplanner.api.organizer import ID, blp, commit, problems, scoped_fair, staff
from fairplanner.api.organizer.forms import flatten, validated
from fairplanner.catalogue.models import City, Fair, FairStatus, ProgrammeEvent, Venue
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, minsk_today
from fairplanner.organizers import queries, services
from fairplanner.organizers.forms import CancelForm, EventForm, FairForm

# The fields of the console's forms that are a model's columns of the same name.
FAIR_FIELDS = (
    "slug",
    "name_ru",
    "name_en",
    "description_ru",
    "description_en",
    "kind",
    "starts_on",
    "ends_on",
    "registration_opens_on",
    "registration_deadline",
    "capacity",
    "capacity_unit",
    "stand_area_min",
    "stand_area_max",
    "website",
)
EVENT_FIELDS = (*services.EVENT_TEXTS, "kind")


def _fair_values(fair: Fair) -> dict[str, Any]:
    """A fair as its form shows it when opened (what a PATCH changes)."""
    values = {name: getattr(fair, name) for name in FAIR_FIELDS}
    values["venue"] = fair.venue_id
    values["sectors"] = [s.code for s in fair.sectors]
    return values


def _fair_input(body: Mapping[str, Any]) -> dict[str, Any]:
    """The body in form names; the venue and the new venue's city by slug, as ids."""
    values = flatten(body)
    if values.get("venue"):
        venue = db.session.scalar(select(Venue.id).where(Venue.slug == values["venue"]))
        values["venue"] = venue if venue is not None else f"?{values['venue']}"
    if values.get("new_venue_city"):
        city = db.session.scalar(select(City.id).where(City.slug == values["new_venue_city"]))
        values["new_venue_city"] = city if city is not None else f"?{values['new_venue_city']}"
    return values


def _staff_fairs() -> Any:
    """Eager loading of everything the fair schema shows, for a list of fairs."""
    return (
        selectinload(Fair.sectors),
        selectinload(Fair.programme),
        joinedload(Fair.organizer),
    )


# --- fairs --------------------------------------------------------------------------------


@blp.get("/fairs")
@auth.secured(blp)
@blp.arguments(schemas.StaffFairQuerySchema, location="query", as_kwargs=True)
@blp.response(200, schemas.StaffFairListSchema)
@problems(422)
def fairs(status: str | None = None) -> dict[str, Any]:
    """The organizer's fairs, drafts too.

    Every organizer's for an admin. The running and coming ones first, soonest first, then
    the past ones, the most recent first."""
    stmt = queries.organizer_fairs(staff()[1], today=minsk_today()).options(*_staff_fairs())
    if status:
        stmt = stmt.where(Fair.status == FairStatus(status))
    return {"items": db.session.scalars(stmt).all()}


@blp.get("/fairs/<slug>")
@auth.secured(blp)
@blp.response(200, schemas.StaffFairSchema)
@problems(404)
def fair(slug: str) -> Fair:
    """One of the organizer's fairs, with its programme."""
    return scoped_fair(slug)


@blp.post("/fairs")
@auth.secured(blp, write=True)
@blp.arguments(schemas.FairInSchema)
@blp.response(201, schemas.StaffFairSchema)
@problems(422)
def create_fair(body: dict[str, Any]) -> Any:
    """Add a fair, saved as a draft.

    A fair of the token owner's organizer, checked as on the console's fair form."""
    user, _scope = staff()
    if user.organizer_id is None:
        abort(403, detail=_("Only an organizer's staff add fairs: this account has no organizer."))
    form = validated(FairForm, _fair_input(body), choices=True)
    fair = commit(
        lambda: services.create_fair(form.fair_data(), organizer_id=user.organizer_id, actor=user)
    )
    location = url_for("api_organizer.fair", slug=fair.slug)
    return fair, 201, {"Location": location}


@blp.patch("/fairs/<slug>")
@auth.secured(blp, write=True)
@blp.arguments(schemas.FairEditSchema)
@blp.response(200, schemas.StaffFairSchema)
@problems(404, 409, 422)
def edit_fair(body: dict[str, Any], slug: str) -> Fair:
    """Edit a fair.

    Only the fields given change. `revision` is the fair's as last read: an edit of a fair
    changed since is refused (409), never laid over the other change."""
    fair = scoped_fair(slug)
    seen = body.pop("revision")
    values = {**_fair_values(fair), **_fair_input(body)}
    form = validated(FairForm, values, choices=True)
    user = staff()[0]
    commit(lambda: services.update_fair(fair, form.fair_data(), actor=user, seen_revision=seen))
    return fair


@blp.post("/fairs/<slug>/publish")
@auth.secured(blp, write=True)
@blp.response(200, schemas.StaffFairSchema)
@problems(404, 422)
def publish(slug: str) -> Fair:
    """Publish a draft.

    A draft with at least one programme item."""
    fair = scoped_fair(slug)
    user = staff()[0]
    commit(lambda: services.publish_fair(fair, actor=user))
    return fair


@blp.post("/fairs/<slug>/cancel")
@auth.secured(blp, write=True)
@blp.arguments(schemas.CancelInSchema)
@blp.response(200, schemas.StaffFairSchema)
@problems(404, 422)
def cancel(body: dict[str, Any], slug: str) -> Fair:
    """Cancel a fair.

    With a reason (Russian required), which the public page and the calendars show; the
    companies with active applications are told by email. A cancellation is final."""
    fair = scoped_fair(slug)
    form = validated(CancelForm, flatten(body))
    user = staff()[0]
    commit(
        lambda: services.cancel_fair(
            fair, actor=user, reason_ru=form.reason_ru.data, reason_en=form.reason_en.data
        )
    )
    return fair


@blp.post("/fairs/<slug>/copy")
@auth.secured(blp, write=True)
@blp.response(201, schemas.StaffFairSchema)
@problems(404, 422)
def copy(slug: str) -> Any:
    """Copy a fair to next year.

    Next year's edition as a draft: the same texts, place, sectors, rules and programme,
    on the same weekdays."""
    fair = scoped_fair(slug)
    user = staff()[0]
    edition = commit(lambda: services.copy_fair(fair, actor=user))
    return edition, 201, {"Location": url_for("api_organizer.fair", slug=edition.slug)}


# --- programme ----------------------------------------------------------------------------


def _event(fair: Fair, event_id: int) -> ProgrammeEvent:
    event = next((e for e in fair.programme if e.id == event_id), None)
    if event is None:
        abort(404)
    return event


def _event_values(event: ProgrammeEvent) -> dict[str, Any]:
    """A programme item as its form shows it when opened: a day and Minsk times."""
    start, end = event.starts_at.astimezone(MINSK), event.ends_at.astimezone(MINSK)
    values = {name: getattr(event, name) for name in EVENT_FIELDS}
    values.update(day=start.date(), start=start.time(), end=end.time())
    return values


@blp.get("/fairs/<slug>/programme")
@auth.secured(blp)
@blp.response(200, schemas.StaffEventSchema(many=True))
@problems(404)
def programme(slug: str) -> Any:
    """A fair's programme, in time order."""
    return scoped_fair(slug).programme


@blp.post("/fairs/<slug>/programme")
@auth.secured(blp, write=True)
@blp.arguments(schemas.EventInSchema)
@blp.response(201, schemas.StaffEventSchema)
@problems(404, 422)
def add_event(body: dict[str, Any], slug: str) -> Any:
    """Add a programme item.

    On a day of the fair, in Minsk time; a hall holds one item at a time."""
    fair = scoped_fair(slug)
    form = validated(EventForm, flatten(body))
    user = staff()[0]
    return commit(lambda: services.add_event(fair, form.event_data(), actor=user)), 201


@blp.patch(f"/fairs/<slug>/programme/<{ID}:event_id>")
@auth.secured(blp, write=True)
@blp.arguments(schemas.EventEditSchema)
@blp.response(200, schemas.StaffEventSchema)
@problems(404, 409, 422)
def edit_event(body: dict[str, Any], slug: str, event_id: int) -> Any:
    """Edit a programme item.

    Only the fields given change. `revision` is the item's as last read (a stale one: 409)."""
    fair = scoped_fair(slug)
    event = _event(fair, event_id)
    seen = body.pop("revision")
    form = validated(EventForm, {**_event_values(event), **flatten(body)})
    user = staff()[0]
    commit(
        lambda: services.update_event(
            fair, event, form.event_data(), actor=user, seen_revision=seen
        )
    )
    return event


@blp.delete(f"/fairs/<slug>/programme/<{ID}:event_id>")
@auth.secured(blp, write=True)
@blp.response(204)
@problems(404)
def delete_event(slug: str, event_id: int) -> Any:
    """Delete a programme item.

    Calendars that hold it are told it is cancelled."""
    fair = scoped_fair(slug)
    event = _event(fair, event_id)
    user = staff()[0]
    commit(lambda: services.delete_event(fair, event, actor=user))
    return "", 204
