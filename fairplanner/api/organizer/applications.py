"""The applications of a fair: the console's list, an application with its history and
notes, decisions one and many, notes, and stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from fairplanner.api import auth, cursors
from fairplanner.api import organizer_schemas as schemas
from fairplanner.api.organizer import (
    ID,
    blp,
    commit,
    problems,
    scoped_fair,
    scoped_registration,
    staff,
)
from fairplanner.api.organizer.forms import attendee_filters, validated
from fairplanner.extensions import db
from fairplanner.organizers import queries, services
from fairplanner.organizers.forms import ACTIONS, DecisionForm, NoteForm, StandForm
from fairplanner.organizers.models import RegistrationNote
from fairplanner.registrations import services as registration_services
from fairplanner.registrations import stands as stand_services
from fairplanner.registrations.models import (
    TRANSITIONS,
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)

PER_PAGE = 50


@blp.get("/fairs/<slug>/applications")
@auth.secured(blp)
@blp.arguments(schemas.ApplicationListQuerySchema, location="query", as_kwargs=True)
@blp.response(200, schemas.ApplicationPageSchema)
@problems(404, 422)
def applications(slug: str, **_checked: Any) -> dict[str, Any]:
    """A fair's applications, a page at a time.

    Filtered, searched and sorted as the console's list (its filter form checks the values)."""
    fair = scoped_fair(slug)
    filters = attendee_filters()
    position = cursors.read(request.args.get("cursor"))
    page = position.page if position else 1
    limit = position.limit if position else request.args.get("limit", PER_PAGE, type=int)
    stmt = queries.attendees(fair.id, filters).limit(limit + 1).offset((page - 1) * limit)
    items = list(db.session.scalars(stmt))
    following = None
    if len(items) > limit:
        items = items[:limit]
        following = cursors.write(cursors.Position(page + 1, limit))
    total = db.session.scalar(queries.attendee_count(fair.id, filters)) or 0
    return {"items": items, "total": total, "next_cursor": following}


class _With:
    """An object with a few more values for its schema to read."""

    def __init__(self, obj: Any, **extra: Any) -> None:
        self._obj, self._extra = obj, extra

    def __getattr__(self, name: str) -> Any:
        if name in self._extra:
            return self._extra[name]
        return getattr(self._obj, name)


@dataclass
class _Detail:
    """An application with its notes and the decisions it allows (read by the schema)."""

    registration: Registration
    notes: list[RegistrationNote]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.registration, name)

    @property
    def actions(self) -> list[str]:
        allowed = TRANSITIONS[self.registration.status]
        return [action for action, status in ACTIONS.items() if status in allowed]


def _detail(registration_id: int) -> _Detail:
    _user, scope = staff()
    stmt = queries.registration_in_scope(registration_id, scope).options(
        # Each history entry says whether it came through the API and with which token.
        selectinload(Registration.history).joinedload(RegistrationChange.api_token)
    )
    registration = db.one_or_404(stmt)
    notes = db.session.scalars(
        select(RegistrationNote)
        .where(RegistrationNote.registration_id == registration.id)
        .options(joinedload(RegistrationNote.author), joinedload(RegistrationNote.api_token))
        .order_by(RegistrationNote.id)
    ).all()
    return _Detail(registration, list(notes))


@blp.get(f"/applications/<{ID}:registration_id>")
@auth.secured(blp)
@blp.response(200, schemas.ApplicationDetailSchema)
@problems(404)
def application(registration_id: int) -> _Detail:
    """One application.

    With its full history (oldest first) and the staff's internal notes; each says whether
    it was made through the API (`via`) and with which token."""
    return _detail(registration_id)


@blp.post(f"/applications/<{ID}:registration_id>/decision")
@auth.secured(blp, write=True)
@blp.arguments(schemas.DecisionInSchema)
@blp.response(200, schemas.ApplicationDetailSchema)
@problems(404, 409, 422)
def decide(body: dict[str, Any], registration_id: int) -> _Detail:
    """Decide on an application.

    Approve, put on the waiting list or reject (with a reason, which the company reads).
    `version` is the application's as last read: a changed one is a 409."""
    registration = scoped_registration(registration_id)
    form = validated(DecisionForm, body)
    user = staff()[0]
    commit(
        lambda: registration_services.decide_registration(
            registration,
            status=ACTIONS[form.action.data],
            actor=user,
            reason=form.reason.data,
            seen_version=form.version.data,
        )
    )
    return _detail(registration_id)


@blp.post("/fairs/<slug>/applications/decisions")
@auth.secured(blp, write=True)
@blp.arguments(schemas.BatchInSchema)
@blp.response(200, schemas.BatchOutSchema)
@problems(404, 422)
def decide_many(body: dict[str, Any], slug: str) -> dict[str, Any]:
    """Decide on several applications at once.

    The console's bulk action: each application is checked against its own version; those
    a rule refuses are listed with the reason, the others are decided. The waiting list
    moves once, after the batch."""
    fair = scoped_fair(slug)
    user = staff()[0]
    seen = {item["id"]: item["version"] for item in body["items"]}
    reason = (body.get("reason") or "").strip() or None
    batch = commit(
        lambda: registration_services.decide_many(
            fair.id,
            list(seen),
            status=ACTIONS[body["action"]],
            actor=user,
            reason=reason,
            seen_versions=seen,
        )
    )
    return {
        "decided": [r.id for r in batch.done],
        "refused": [{"id": r.id, "detail": message} for r, message in batch.refused],
        "unknown": batch.unknown,
    }


@blp.post(f"/applications/<{ID}:registration_id>/notes")
@auth.secured(blp, write=True)
@blp.arguments(schemas.NoteInSchema)
@blp.response(201, schemas.NoteSchema)
@problems(404, 422)
def add_note(body: dict[str, Any], registration_id: int) -> Any:
    """Add an internal note to an application.

    Companies never see these."""
    registration = scoped_registration(registration_id)
    form = validated(NoteForm, body)
    user = staff()[0]
    note = commit(lambda: services.add_note(registration, author=user, text=form.text.data))
    return note, 201


# --- stands -------------------------------------------------------------------------------


@blp.get("/fairs/<slug>/stands")
@auth.secured(blp)
@blp.response(200, schemas.StandSchema(many=True))
@problems(404)
def stands(slug: str) -> Any:
    """A fair's stands.

    The approved exhibitors (the only ones who get a stand), with their hall and stand."""
    fair = scoped_fair(slug)
    filters = queries.AttendeeFilters(
        status=RegistrationStatus.APPROVED, role=RegistrationRole.EXHIBITOR
    )
    return db.session.scalars(queries.attendees(fair.id, filters)).all()


@blp.put(f"/applications/<{ID}:registration_id>/stand")
@auth.secured(blp, write=True)
@blp.arguments(schemas.StandInSchema)
@blp.response(200, schemas.StandOutSchema)
@problems(404, 409, 422)
def assign_stand(body: dict[str, Any], registration_id: int) -> Any:
    """Assign an exhibitor's stand.

    Give an approved exhibitor its hall and stand, change them, or take the stand away
    (both null); the company is told by email. A stand held by another exhibitor, or a
    `version` older than the application's, is a 409."""
    registration = scoped_registration(registration_id)
    form = validated(StandForm, body)
    user = staff()[0]
    changed = commit(
        lambda: stand_services.assign_stand(
            registration,
            hall=form.hall.data,
            stand=form.stand.data,
            actor=user,
            seen_version=form.version.data,
        )
    )
    return _With(registration, changed=changed)
