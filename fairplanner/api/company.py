"""A company's own data, with a company member's token: its profile, its applications and
its private calendar feed. The pages' forms check the input (fairplanner.api.forms) and the
pages' services apply it, so the rules are the pages' rules; the applications' history says
which entries were made through the API, and with which token."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort
from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from fairplanner.accounts.forms import company_form
from fairplanner.accounts.models import ApiToken, Company, Country, Role
from fairplanner.accounts.services import update_company
from fairplanner.api import auth
from fairplanner.api.forms import NO_CSRF, formdata, not_found, refuse, validated
from fairplanner.api.schemas import (
    PROBLEM,
    Answer,
    Bilingual,
    DelegateAnswer,
    DelegateSchema,
    FairSchema,
    HistorySchema,
)
from fairplanner.calendars import services as calendar_services
from fairplanner.calendars.links import feed_links
from fairplanner.catalogue import queries as catalogue_queries
from fairplanner.catalogue.models import Organizer
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import current_language, minsk_today
from fairplanner.registrations import queries, services
from fairplanner.registrations.forms import ExhibitorForm, VisitorForm
from fairplanner.registrations.models import (
    Registration,
    RegistrationRole,
    RegistrationStatus,
    StandType,
    VisitAim,
)

blp = Blueprint(
    "api_company",
    __name__,
    url_prefix="/api/v1",
    description="The token's owner, and a company's profile, applications and calendar feed "
    "(a company member's token).",
)


class NamedSchema(Answer):
    slug = fields.String(required=True)
    name = Bilingual("name", required=True)


class TokenInfoSchema(Answer):
    name = fields.String(required=True)
    scope = fields.String(required=True, metadata={"enum": ["read", "write"]})
    expires_at = fields.DateTime(allow_none=True, required=True)


class MeSchema(Answer):
    email = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": [r.value for r in Role]})
    company = fields.Nested(
        Answer.from_dict({"slug": fields.String(allow_none=True), "legal_name": fields.String()}),
        allow_none=True,
        required=True,
    )
    organizer = fields.Nested(NamedSchema, allow_none=True, required=True)
    token = fields.Nested(TokenInfoSchema, required=True)


class CompanyProfileFields(Schema):
    """The profile's fields as the profile page has them."""

    class Meta:
        unknown = RAISE

    legal_name = fields.String(validate=validate.Length(max=300))
    short_name = fields.String(allow_none=True, validate=validate.Length(max=120))
    country = fields.String(validate=validate.OneOf([c.value for c in Country]))
    region = fields.String(
        allow_none=True, metadata={"description": "A region code of the country (RU-KIR)"}
    )
    tax_id = fields.String(metadata={"description": "УНП (Belarus) or ИНН (Russia)"})
    ogrn = fields.String(allow_none=True)
    sectors = fields.List(fields.String(), metadata={"description": "Sector codes"})
    products = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    contact_person = fields.String()
    phone = fields.String(metadata={"description": "Answered in E.164 (+375…)"})
    email = fields.String()
    language = fields.String(validate=validate.OneOf(["ru", "en"]))
    public_contact = fields.Boolean()
    notify_confirmations = fields.Boolean()
    calendar_alarms = fields.Boolean()


class CompanyProfileSchema(CompanyProfileFields):
    class Meta:
        unknown = EXCLUDE  # an answer (schemas.Answer): open to new fields

    slug = fields.String(allow_none=True, required=True)
    profile_complete = fields.Boolean(required=True)
    country = fields.Function(lambda c: c.country.value if c.country else None, required=True)
    sectors = fields.Function(lambda c: [s.code for s in c.sectors], required=True)


class ApplicationFields(Schema):
    """What a company asks for: an exhibitor's stand, or a visiting delegation."""

    class Meta:
        unknown = RAISE

    stand_type = fields.String(validate=validate.OneOf([t.value for t in StandType]))
    area = fields.Decimal(metadata={"description": "Stand area in m²"})
    needs_power = fields.Boolean()
    needs_water = fields.Boolean()
    needs_internet = fields.Boolean()
    products = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    listed = fields.Boolean(metadata={"description": "In the exhibitor catalogue once approved"})
    entry_ru = fields.String(allow_none=True)
    entry_en = fields.String(allow_none=True)
    delegates = fields.List(fields.Nested(DelegateSchema))
    aims = fields.List(fields.String(validate=validate.OneOf([a.value for a in VisitAim])))


class NewApplicationSchema(ApplicationFields):
    fair = fields.String(required=True, metadata={"description": "The fair's slug"})
    role = fields.String(
        required=True, validate=validate.OneOf([r.value for r in RegistrationRole])
    )


class OwnApplicationSchema(Answer):
    id = fields.Integer(required=True)
    fair = fields.Nested(FairSchema, required=True)
    role = fields.Enum(RegistrationRole, by_value=True, required=True)
    status = fields.Enum(RegistrationStatus, by_value=True, required=True)
    version = fields.Integer(required=True)
    stand_type = fields.Enum(StandType, by_value=True, allow_none=True, required=True)
    area = fields.Float(allow_none=True, required=True)
    needs_power = fields.Boolean(required=True)
    needs_water = fields.Boolean(required=True)
    needs_internet = fields.Boolean(required=True)
    products = fields.String(allow_none=True, required=True)
    note = fields.String(allow_none=True, required=True)
    listed = fields.Boolean(required=True)
    entry_ru = fields.String(allow_none=True, required=True)
    entry_en = fields.String(allow_none=True, required=True)
    hall = fields.String(allow_none=True, required=True)
    stand = fields.String(allow_none=True, required=True)
    delegates = fields.List(fields.Nested(DelegateAnswer), required=True)
    aims = fields.List(fields.String(), required=True)
    reject_reason = fields.String(allow_none=True, required=True)
    waitlist_number = fields.Integer(allow_none=True, required=True)
    editable = fields.Boolean(required=True)
    withdrawable = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    history = fields.List(fields.Nested(HistorySchema), required=True)


class ApplicationQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    status = fields.String(validate=validate.OneOf([s.value for s in RegistrationStatus]))


class FeedSchema(Answer):
    url = fields.String(
        required=True,
        metadata={"description": 'The private iCalendar feed (paste into "From URL")'},
    )
    webcal = fields.String(required=True, metadata={"description": "Opens a calendar app"})
    include_deadlines = fields.Boolean(required=True)
    include_programme = fields.Boolean(required=True)


def _company(*, write: bool = False) -> tuple[Any, Company]:
    return auth.company_of(auth.require(write=write))


def _own(company: Company, application_id: int) -> Registration:
    registration = db.session.scalar(queries.company_registration(company.id, application_id))
    if registration is None:
        not_found()
    return registration  # type: ignore[return-value]


@blp.get("/me")
@auth.secured(blp)
@blp.response(200, MeSchema)
def me() -> dict[str, Any]:
    """The token's owner, their company or organizer, and the token itself."""
    bearer = auth.require()
    user = auth.user_of(bearer)
    token = db.session.get(ApiToken, bearer.token_id)
    organizer = None if user.organizer_id is None else db.session.get(Organizer, user.organizer_id)
    return {
        "email": user.email,
        "role": user.role.value,
        "company": user.company,
        "organizer": organizer,
        "token": {"name": token.name, "scope": token.scope.value, "expires_at": token.expires_at},
    }


@blp.get("/company")
@auth.secured(blp)
@blp.response(200, CompanyProfileSchema)
def company() -> Company:
    """The company's profile, as its profile page shows it."""
    return _company()[1]


@blp.patch("/company")
@auth.secured(blp, write=True)
@blp.arguments(CompanyProfileFields)
@blp.response(200, CompanyProfileSchema)
@blp.alt_response(422, **PROBLEM)
def edit_company(changes: dict[str, Any]) -> Company:
    """Change some fields of the profile; the others stay. Checked as the profile page
    checks them (the tax number against its country, the phone, the region …)."""
    _user, company = _company(write=True)
    saved = company_form(company, saved=True)
    current = {name: field.data for name, field in saved._fields.items() if name != "csrf_token"}
    current.update(changes)
    form = validated(company_form(company, saved=False, formdata=formdata(current), meta=NO_CSRF))
    try:
        update_company(company, form.profile())
    except DomainError as exc:
        db.session.rollback()
        abort(422, errors={"tax_id": [exc.message]})
    db.session.commit()
    return company


@blp.get("/company/applications")
@auth.secured(blp)
@blp.arguments(ApplicationQuerySchema, location="query", as_kwargs=True)
@blp.response(200, OwnApplicationSchema(many=True))
def applications(status: str | None = None) -> list[Registration]:
    """The company's applications, soonest fair first."""
    _user, company = _company()
    stmt = queries.company_registrations(company.id)
    if status:
        stmt = stmt.where(Registration.status == RegistrationStatus(status))
    return [row[0] for row in db.session.execute(stmt)]


def _form(role: RegistrationRole, fair: Any, data: dict[str, Any]) -> ExhibitorForm | VisitorForm:
    form_class = ExhibitorForm if role == RegistrationRole.EXHIBITOR else VisitorForm
    return validated(form_class(fair=fair, formdata=formdata(data), meta=NO_CSRF))


@blp.post("/company/applications")
@auth.secured(blp, write=True)
@blp.arguments(NewApplicationSchema)
@blp.response(201, OwnApplicationSchema)
@blp.alt_response(409, **PROBLEM)
@blp.alt_response(422, **PROBLEM)
def apply(data: dict[str, Any]) -> Registration:
    """Apply to exhibit at or visit a fair, as the fair's registration page does: an
    exhibitor beyond the capacity goes on the waiting list (status `waitlisted`)."""
    user, company = _company(write=True)
    fair = db.session.scalar(catalogue_queries.fair_by_slug(data.pop("fair")))
    if fair is None:
        abort(422, errors={"fair": [_("No published fair has this address (slug).")]})
    role = RegistrationRole(data.pop("role"))
    form = _form(role, fair, data)
    try:
        registration = services.submit_registration(
            company, fair, role=role, request=form.request(), actor=user, today=minsk_today()
        )
    except DomainError as exc:
        db.session.rollback()
        refuse(exc)
    db.session.commit()
    return registration


@blp.get("/company/applications/<int(max=2147483647):application_id>")
@auth.secured(blp)
@blp.response(200, OwnApplicationSchema)
@blp.alt_response(404, **PROBLEM)
def application(application_id: int) -> Registration:
    """One of the company's applications, with its history."""
    return _own(_company()[1], application_id)


def _as_fields(registration: Registration) -> dict[str, Any]:
    """The stored request, as the edit page fills its form."""
    names = ApplicationFields().fields
    current = {name: getattr(registration, name) for name in names}
    current["stand_type"] = registration.stand_type.value if registration.stand_type else None
    return current


@blp.patch("/company/applications/<int(max=2147483647):application_id>")
@auth.secured(blp, write=True)
@blp.arguments(ApplicationFields)
@blp.response(200, OwnApplicationSchema)
@blp.alt_response(404, **PROBLEM)
@blp.alt_response(409, **PROBLEM)
@blp.alt_response(422, **PROBLEM)
def edit_application(changes: dict[str, Any], application_id: int) -> Registration:
    """Change an application until the organizer decides on it; the others fields stay."""
    user, company = _company(write=True)
    registration = _own(company, application_id)
    if not registration.editable:
        abort(409, detail=_("This application can no longer be changed."))
    form = _form(registration.role, registration.fair, {**_as_fields(registration), **changes})
    try:
        services.update_registration(
            registration, request=form.request(), actor=user, today=minsk_today()
        )
    except DomainError as exc:
        db.session.rollback()
        refuse(exc)
    db.session.commit()
    return registration


@blp.post("/company/applications/<int(max=2147483647):application_id>/withdraw")
@auth.secured(blp, write=True)
@blp.response(200, OwnApplicationSchema)
@blp.alt_response(404, **PROBLEM)
@blp.alt_response(409, **PROBLEM)
def withdraw(application_id: int) -> Registration:
    """Withdraw an application (it cannot be undone); freed space goes to the waiting list."""
    user, company = _company(write=True)
    registration = _own(company, application_id)
    try:
        services.withdraw_registration(registration, actor=user)
    except DomainError as exc:
        db.session.rollback()
        abort(409, detail=exc.message)
    db.session.commit()
    return registration


@blp.get("/company/calendar-feed")
@auth.secured(blp)
@blp.response(200, FeedSchema)
def calendar_feed() -> dict[str, Any]:
    """The company's private calendar feed: its fairs, deadlines and programme, for Google
    Calendar, Outlook, Apple Calendar or Thunderbird. Whoever has the address can read it."""
    _user, company = _company()
    token = calendar_services.feed_token(company)
    db.session.commit()
    links = feed_links(
        url_for("calendars.company_feed", token=token.token, lang=current_language())
    )
    return {
        "url": links.https,
        "webcal": links.webcal,
        "include_deadlines": token.include_deadlines,
        "include_programme": token.include_programme,
    }
