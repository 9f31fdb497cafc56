"""The organizer staff's endpoints, with a staff member's (or an admin's) token: their fairs and
programmes, the applications with their decisions, notes and stands, and the attendee exports.

The console's rules are kept by using the console's own parts: its forms check the input (fed
with the JSON body as form data), its services apply it, its queries read. Staff see their
organizer's fairs only (another organizer's fair or application is a 404, as in the console);
an admin sees every organizer's. A read token reads; a change needs a write token."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any, TypeVar

from flask import Response, request, url_for
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from fairplanner import spreadsheets
from fairplanner.accounts.models import Role, User
from fairplanner.api import auth, cursors
from fairplanner.api import organizer_schemas as schemas
from fairplanner.api.schemas import ProblemSchema
from fairplanner.catalogue.models import City, Fair, FairStatus, ProgrammeEvent, Venue
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, current_language, minsk_today
from fairplanner.organizers import listing, queries, services
from fairplanner.organizers.forms import (
    ACTIONS,
    CancelForm,
    DecisionForm,
    EventForm,
    FairForm,
    NoteForm,
    StandForm,
)
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

blp = Blueprint(
    "api_organizer",
    __name__,
    url_prefix="/api/v1/organizer",
    description="An organizer's fairs, programmes, applications, stands and exports "
    "(a staff member's or an admin's token).",
)
PROBLEM = {
    "schema": ProblemSchema,
    "description": "Problem details (RFC 9457)",
    "content_type": "application/problem+json",
}
PER_PAGE = 50
ID = "int(max=2147483647)"
T = TypeVar("T")


def problems(*codes: int):  # type: ignore[no-untyped-def]
    """The problems an operation may answer with, besides 401, 403 and 429 (auth.secured)."""

    def decorate(view):  # type: ignore[no-untyped-def]
        for code in codes:
            view = blp.alt_response(code, **PROBLEM)(view)
        return view

    return decorate


# --- who asks, and what they may see ------------------------------------------------------


def _staff() -> tuple[User, int | None]:
    """The token's user and the organizer whose data they see (None: an admin, every one)."""
    user, organizer_id = auth.staff_of(auth.require())
    return user, None if user.role == Role.ADMIN else organizer_id


def _fair(slug: str) -> Fair:
    """The fair, if it is the staff's organizer's; another organizer's is a 404."""
    return db.one_or_404(queries.fair_in_scope(slug, _staff()[1]))


def _registration(registration_id: int) -> Registration:
    return db.one_or_404(queries.registration_in_scope(registration_id, _staff()[1]))


def _commit(action: Callable[[], T]) -> T:
    """Run a service call and commit it; a rule's refusal is a problem with its status."""
    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        abort(exc.status_code, detail=exc.message)
    return result


# --- the console's forms over a JSON body ---------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def _formdata(values: Mapping[str, Any]) -> MultiDict[str, str]:
    data: MultiDict[str, str] = MultiDict()
    for name, value in values.items():
        if isinstance(value, list):
            data.setlist(name, [_text(v) for v in value])
        else:
            data[name] = _text(value)
    return data


# JSON names of the form fields that differ: {ru, en} texts and the new venue.
BILINGUAL = ("name", "description", "title", "hall", "reason")
NESTED = {"new_venue_name": "new_venue.name", "new_venue_city": "new_venue.city"}
NESTED["new_venue_address"] = "new_venue.address"


def _json_name(field: str) -> str:
    base, _sep, lang = field.rpartition("_")
    if base in BILINGUAL and lang in ("ru", "en"):
        return f"{base}.{lang}"
    return NESTED.get(field, field)


def _flatten(body: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body in the form's field names: {ru, en} texts as `<name>_ru` / `<name>_en`
    (a null text blanks both), the new venue as `new_venue_*`."""
    flat: dict[str, Any] = {}
    for name, value in body.items():
        if name in BILINGUAL:
            for lang in ("ru", "en"):
                if value is None or lang in value:
                    flat[f"{name}_{lang}"] = None if value is None else value[lang]
        elif name == "new_venue":
            for key in ("name", "city", "address"):
                flat[f"new_venue_{key}"] = None if value is None else value.get(key)
        else:
            flat[name] = value
    return flat


F = TypeVar("F", bound=FlaskForm)


def _validated(form_class: type[F], values: Mapping[str, Any], **load: Any) -> F:
    """The console's form over `values` (form field names); its errors are a 422 problem
    naming each field as the JSON body does."""
    form = form_class(formdata=_formdata(values), meta={"csrf": False})
    if load.get("choices"):
        form.load_choices()  # type: ignore[attr-defined]
    if not form.validate():
        errors = {
            _json_name(name): [str(message) for message in messages]
            for name, messages in form.errors.items()
            if isinstance(messages, list)
        }
        abort(422, errors=errors)
    return form


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
EVENT_FIELDS = ("title_ru", "title_en", "description_ru", "description_en", "hall_ru", "hall_en")
EVENT_FIELDS += ("kind",)


def _fair_values(fair: Fair) -> dict[str, Any]:
    """A fair as its form shows it when opened (what a PATCH changes)."""
    names = [
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
    ]
    values = {name: getattr(fair, name) for name in names}
    values["venue"] = fair.venue_id
    values["sectors"] = [s.code for s in fair.sectors]
    return values


def _fair_input(body: Mapping[str, Any]) -> dict[str, Any]:
    """The body in form names; the venue and the new venue's city by slug, as ids."""
    values = _flatten(body)
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
    stmt = queries.organizer_fairs(_staff()[1], today=minsk_today()).options(*_staff_fairs())
    if status:
        stmt = stmt.where(Fair.status == FairStatus(status))
    return {"items": db.session.scalars(stmt).all()}


@blp.get("/fairs/<slug>")
@auth.secured(blp)
@blp.response(200, schemas.StaffFairSchema)
@problems(404)
def fair(slug: str) -> Fair:
    """One of the organizer's fairs, with its programme."""
    return _fair(slug)


@blp.post("/fairs")
@auth.secured(blp, write=True)
@blp.arguments(schemas.FairInSchema)
@blp.response(201, schemas.StaffFairSchema)
@problems(422)
def create_fair(body: dict[str, Any]) -> Any:
    """Add a fair, saved as a draft.

    A fair of the token owner's organizer, checked as on the console's fair form."""
    user, _scope = _staff()
    if user.organizer_id is None:
        abort(403, detail=_("Only an organizer's staff add fairs: this account has no organizer."))
    form = _validated(FairForm, _fair_input(body), choices=True)
    fair = _commit(
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
    fair = _fair(slug)
    seen = body.pop("revision")
    values = {**_fair_values(fair), **_fair_input(body)}
    form = _validated(FairForm, values, choices=True)
    user = _staff()[0]
    _commit(lambda: services.update_fair(fair, form.fair_data(), actor=user, seen_revision=seen))
    return fair


@blp.post("/fairs/<slug>/publish")
@auth.secured(blp, write=True)
@blp.response(200, schemas.StaffFairSchema)
@problems(404, 422)
def publish(slug: str) -> Fair:
    """Publish a draft.

    A draft with at least one programme item."""
    fair = _fair(slug)
    user = _staff()[0]
    _commit(lambda: services.publish_fair(fair, actor=user))
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
    fair = _fair(slug)
    form = _validated(CancelForm, _flatten(body))
    user = _staff()[0]
    _commit(
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
    fair = _fair(slug)
    user = _staff()[0]
    edition = _commit(lambda: services.copy_fair(fair, actor=user))
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
    names = [
        "title_ru",
        "title_en",
        "description_ru",
        "description_en",
        "hall_ru",
        "hall_en",
        "kind",
    ]
    values = {name: getattr(event, name) for name in names}
    values.update(day=start.date(), start=start.time(), end=end.time())
    return values


@blp.get("/fairs/<slug>/programme")
@auth.secured(blp)
@blp.response(200, schemas.StaffEventSchema(many=True))
@problems(404)
def programme(slug: str) -> Any:
    """A fair's programme, in time order."""
    return _fair(slug).programme


@blp.post("/fairs/<slug>/programme")
@auth.secured(blp, write=True)
@blp.arguments(schemas.EventInSchema)
@blp.response(201, schemas.StaffEventSchema)
@problems(404, 422)
def add_event(body: dict[str, Any], slug: str) -> Any:
    """Add a programme item.

    On a day of the fair, in Minsk time; a hall holds one item at a time."""
    fair = _fair(slug)
    form = _validated(EventForm, _flatten(body))
    user = _staff()[0]
    return _commit(lambda: services.add_event(fair, form.event_data(), actor=user)), 201


@blp.patch(f"/fairs/<slug>/programme/<{ID}:event_id>")
@auth.secured(blp, write=True)
@blp.arguments(schemas.EventEditSchema)
@blp.response(200, schemas.StaffEventSchema)
@problems(404, 409, 422)
def edit_event(body: dict[str, Any], slug: str, event_id: int) -> Any:
    """Edit a programme item.

    Only the fields given change. `revision` is the item's as last read (a stale one: 409)."""
    fair = _fair(slug)
    event = _event(fair, event_id)
    seen = body.pop("revision")
    form = _validated(EventForm, {**_event_values(event), **_flatten(body)})
    user = _staff()[0]
    _commit(
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
    fair = _fair(slug)
    event = _event(fair, event_id)
    user = _staff()[0]
    _commit(lambda: services.delete_event(fair, event, actor=user))
    return "", 204


# --- applications -------------------------------------------------------------------------


def _filters() -> queries.AttendeeFilters:
    """The console list's filters from the query string, checked by its filter form: a value
    it does not know is a 422 here (the page shows more instead, with a notice)."""
    form = listing.filter_form(request.args)
    form.validate()
    errors = {f.name: [str(m) for m in f.errors] for f in form if f.errors and f.name != "page"}
    if errors:
        abort(422, errors=errors)
    filters, _ignored = listing.read_filters(form)
    return filters


@blp.get("/fairs/<slug>/applications")
@auth.secured(blp)
@blp.arguments(schemas.ApplicationListQuerySchema, location="query", as_kwargs=True)
@blp.response(200, schemas.ApplicationPageSchema)
@problems(404, 422)
def applications(slug: str, **_checked: Any) -> dict[str, Any]:
    """A fair's applications, a page at a time.

    Filtered, searched and sorted as the console's list (its filter form checks the values)."""
    fair = _fair(slug)
    filters = _filters()
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
    _user, scope = _staff()
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
    registration = _registration(registration_id)
    form = _validated(DecisionForm, body)
    user = _staff()[0]
    _commit(
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
    fair = _fair(slug)
    user = _staff()[0]
    seen = {item["id"]: item["version"] for item in body["items"]}
    reason = (body.get("reason") or "").strip() or None
    batch = _commit(
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
    registration = _registration(registration_id)
    form = _validated(NoteForm, body)
    user = _staff()[0]
    note = _commit(lambda: services.add_note(registration, author=user, text=form.text.data))
    return note, 201


# --- stands -------------------------------------------------------------------------------


@blp.get("/fairs/<slug>/stands")
@auth.secured(blp)
@blp.response(200, schemas.StandSchema(many=True))
@problems(404)
def stands(slug: str) -> Any:
    """A fair's stands.

    The approved exhibitors (the only ones who get a stand), with their hall and stand."""
    fair = _fair(slug)
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
    registration = _registration(registration_id)
    form = _validated(StandForm, body)
    user = _staff()[0]
    changed = _commit(
        lambda: stand_services.assign_stand(
            registration,
            hall=form.hall.data,
            stand=form.stand.data,
            actor=user,
            seen_version=form.version.data,
        )
    )
    return _With(registration, changed=changed)


# --- exports ------------------------------------------------------------------------------

BINARY = {"type": "string", "format": "binary"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chunks(data: bytes, size: int = 64 * 1024) -> Iterable[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _download(data: bytes, content_type: str, filename: str) -> Response:
    return Response(
        _chunks(data),
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Length": str(len(data)),
        },
    )


@blp.get("/fairs/<slug>/applications.csv")
@auth.secured(blp)
@blp.arguments(schemas.CsvQuerySchema, location="query", as_kwargs=True)
@blp.response(200, BINARY, content_type="text/csv", description="The list as the console's CSV")
@problems(404, 422)
def export_csv(slug: str, dialect: str = "excel", **_checked: Any) -> Response:
    """Export the applications as CSV.

    The list as filtered, as the console exports it: for Excel (`;`, UTF-8 with a BOM) or
    comma-separated; cells that a spreadsheet would run as a formula are made plain text."""
    fair = _fair(slug)
    header, rows = listing.table(fair.id, _filters())
    chosen = spreadsheets.Dialect(dialect)
    suffix = "" if chosen == spreadsheets.Dialect.EXCEL else "-comma"
    return _download(
        spreadsheets.to_csv(header, rows, dialect=chosen),
        "text/csv; charset=utf-8",
        f"{fair.slug}-registrations{suffix}.csv",
    )


@blp.get("/fairs/<slug>/applications.xlsx")
@auth.secured(blp)
@blp.arguments(schemas.ExportQuerySchema, location="query", as_kwargs=True)
@blp.response(200, BINARY, content_type=XLSX, description="The list as an Excel workbook")
@problems(404, 422)
def export_xlsx(slug: str, **_checked: Any) -> Response:
    """Export the applications as an Excel workbook.

    The list as filtered, as the console exports it."""
    fair = _fair(slug)
    header, rows = listing.table(fair.id, _filters())
    data = spreadsheets.to_xlsx(header, rows, title=fair.slug, lang=current_language())
    return _download(data, XLSX, f"{fair.slug}-registrations.xlsx")
