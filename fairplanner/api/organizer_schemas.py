"""What the organizer staff's endpoints take and answer. The input schemas check only the JSON
types: the console's own forms check the values (lengths, ranges, choices), so that the rules
are the console's; texts are {ru, en} objects, codes are the values the console posts."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from fairplanner.api.schemas import (
    MAX_LIMIT,
    TOKEN,
    VIA,
    Answer,
    DelegateAnswer,
    FairDetailSchema,
    HistorySchema,
    MinskDateTime,
    ProgrammeEventSchema,
    token_name,
    via_of,
)
from fairplanner.catalogue.models import CapacityUnit, EventKind, FairKind, FairStatus
from fairplanner.display import company_name, user_name
from fairplanner.organizers.forms import ACTIONS
from fairplanner.organizers.queries import SORTS
from fairplanner.registrations.models import (
    RegistrationRole,
    RegistrationStatus,
    StandType,
    VisitAim,
)

MAX_BATCH = 500


def _codes(kind: Any) -> list[str]:
    return [member.value for member in kind]


# --- fairs ----------------------------------------------------------------------------------


class StaffEventSchema(ProgrammeEventSchema):
    """A programme item with what an edit needs: its id and revision."""

    id = fields.Integer(required=True)
    revision = fields.Integer(
        required=True, metadata={"description": "Give it back with PATCH (a stale one is a 409)."}
    )


class StaffFairSchema(FairDetailSchema):
    """One of the organizer's fairs, drafts too, with the rules the console edits."""

    status = fields.Enum(FairStatus, by_value=True, required=True)
    revision = fields.Integer(
        required=True,
        metadata={"description": "Give it back with PATCH: an edit of a changed fair is a 409."},
    )
    capacity = fields.Integer(allow_none=True, required=True)
    capacity_unit = fields.Enum(CapacityUnit, by_value=True, required=True)
    stand_area_min = fields.Float(required=True, metadata={"description": "m²"})
    stand_area_max = fields.Float(required=True, metadata={"description": "m²"})
    cancelled_at = MinskDateTime(allow_none=True, required=True)
    updated_at = MinskDateTime(required=True)
    programme = fields.List(fields.Nested(StaffEventSchema), required=True)


class StaffFairListSchema(Answer):
    items = fields.List(fields.Nested(StaffFairSchema), required=True)


class StaffFairQuerySchema(Schema):
    status = fields.String(
        validate=validate.OneOf(_codes(FairStatus)), metadata={"enum": _codes(FairStatus)}
    )


class TextInSchema(Schema):
    """A text in Russian and (optionally) English."""

    ru = fields.String(allow_none=True)
    en = fields.String(allow_none=True)


class NewVenueSchema(Schema):
    name = fields.String(required=True, metadata={"description": "In Russian"})
    city = fields.String(required=True, metadata={"description": "A city slug"})
    address = fields.String(allow_none=True, metadata={"description": "In Russian"})


class FairInSchema(Schema):
    """A fair as the console's fair form takes it (POST: every required field; PATCH: the
    fields to change, with `revision`)."""

    slug = fields.String(metadata={"description": "Latin letters, digits, hyphens"})
    name = fields.Nested(TextInSchema, metadata={"description": "Russian required"})
    description = fields.Nested(TextInSchema, allow_none=True)
    kind = fields.String(metadata={"enum": _codes(FairKind)})
    starts_on = fields.Date()
    ends_on = fields.Date()
    venue = fields.String(
        allow_none=True, metadata={"description": "A venue slug (or give new_venue)"}
    )
    new_venue = fields.Nested(NewVenueSchema, allow_none=True)
    sectors = fields.List(fields.String(), metadata={"description": "Sector codes"})
    registration_opens_on = fields.Date()
    registration_deadline = fields.Date()
    capacity = fields.Integer(allow_none=True)
    capacity_unit = fields.String(metadata={"enum": _codes(CapacityUnit)})
    stand_area_min = fields.Decimal(metadata={"description": "m², one decimal place"})
    stand_area_max = fields.Decimal(metadata={"description": "m², one decimal place"})
    website = fields.String(allow_none=True)


class FairEditSchema(FairInSchema):
    revision = fields.Integer(
        required=True, metadata={"description": "The fair's revision as last read"}
    )


class CancelInSchema(Schema):
    reason = fields.Nested(
        TextInSchema,
        required=True,
        metadata={"description": "Shown on the fair page and in calendars; Russian required"},
    )


# --- programme ------------------------------------------------------------------------------


class EventInSchema(Schema):
    """A programme item as the console's form takes it: a day and Minsk times."""

    title = fields.Nested(TextInSchema, metadata={"description": "Russian required"})
    description = fields.Nested(TextInSchema, allow_none=True)
    hall = fields.Nested(TextInSchema, allow_none=True)
    kind = fields.String(metadata={"enum": _codes(EventKind)})
    day = fields.Date()
    start = fields.Time(metadata={"description": "Minsk time, HH:MM"})
    end = fields.Time(metadata={"description": "Minsk time, HH:MM"})


class EventEditSchema(EventInSchema):
    revision = fields.Integer(
        required=True, metadata={"description": "The item's revision as last read"}
    )


# --- applications ---------------------------------------------------------------------------


class CompanyBriefSchema(Answer):
    id = fields.Integer(required=True)
    name = fields.Function(
        lambda c: company_name(c, legal=True),
        required=True,
        metadata={"type": "string", "description": "Legal name"},
    )
    tax_id = fields.String(allow_none=True, required=True)
    country = fields.Function(
        lambda c: c.country.value if c.country else None,
        required=True,
        metadata={"type": ["string", "null"]},
    )
    region = fields.String(allow_none=True, required=True)


class CompanySchema(CompanyBriefSchema):
    contact_person = fields.String(allow_none=True, required=True)
    phone = fields.String(allow_none=True, required=True)
    email = fields.String(allow_none=True, required=True)
    sectors = fields.Function(
        lambda c: sorted(s.code for s in c.sectors),
        required=True,
        metadata={"type": "array", "items": {"type": "string"}},
    )


class ApplicationSchema(Answer):
    """An application as the attendee list shows it."""

    id = fields.Integer(required=True)
    fair = fields.String(attribute="fair.slug", required=True)
    company = fields.Nested(CompanyBriefSchema, required=True)
    role = fields.Enum(RegistrationRole, by_value=True, required=True)
    status = fields.Enum(RegistrationStatus, by_value=True, required=True)
    stand_type = fields.Enum(StandType, by_value=True, allow_none=True, required=True)
    area = fields.Float(allow_none=True, required=True, metadata={"description": "m²"})
    hall = fields.String(allow_none=True, required=True)
    stand = fields.String(allow_none=True, required=True)
    waitlist_number = fields.Integer(allow_none=True, required=True)
    version = fields.Integer(
        required=True,
        metadata={"description": "Give it back with a decision: a changed one is a 409."},
    )
    created_at = MinskDateTime(required=True)
    updated_at = MinskDateTime(required=True)


class NoteSchema(Answer):
    id = fields.Integer(required=True)
    text = fields.String(required=True)
    created_at = MinskDateTime(required=True)
    author = fields.Function(
        lambda n: user_name(n.author) if n.author else None,
        required=True,
        metadata={"type": ["string", "null"]},
    )
    via = fields.Function(via_of, required=True, metadata=VIA)
    token = fields.Function(token_name, required=True, metadata=TOKEN)


class ApplicationDetailSchema(ApplicationSchema):
    """An application with everything its console page shows: the request, the history and
    the staff's internal notes."""

    company = fields.Nested(CompanySchema, required=True)
    needs_power = fields.Boolean(required=True)
    needs_water = fields.Boolean(required=True)
    needs_internet = fields.Boolean(required=True)
    products = fields.String(allow_none=True, required=True)
    note = fields.String(allow_none=True, required=True)
    delegates = fields.List(fields.Nested(DelegateAnswer), required=True)
    aims = fields.List(
        fields.String(validate=validate.OneOf(_codes(VisitAim))),
        required=True,
        metadata={"description": "Visit aims (codes)"},
    )
    reject_reason = fields.String(allow_none=True, required=True)
    history = fields.List(fields.Nested(HistorySchema), required=True)
    notes = fields.List(fields.Nested(NoteSchema), required=True)
    actions = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "The decisions the workflow allows now"},
    )


class ApplicationPageSchema(Answer):
    items = fields.List(fields.Nested(ApplicationSchema), required=True)
    total = fields.Integer(required=True, metadata={"description": "Applications that match"})
    next_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as `cursor` (with the same filters) for the next page"},
    )


class ApplicationQuerySchema(Schema):
    """The console list's filters; values are checked by the console's filter form."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(metadata={"enum": _codes(RegistrationStatus)})
    role = fields.String(metadata={"enum": _codes(RegistrationRole)})
    country = fields.String(metadata={"description": "A country code"})
    region = fields.String(metadata={"description": "A region code of that country"})
    sector = fields.String(metadata={"description": "A sector code"})
    q = fields.String(metadata={"description": "Company, tax number or contact"})
    sort = fields.String(metadata={"enum": list(SORTS)})
    dir = fields.String(metadata={"enum": ["asc", "desc"]})


class ApplicationListQuerySchema(ApplicationQuerySchema):
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": "Applications per page (default 50)"},
    )


class DecisionInSchema(Schema):
    action = fields.String(required=True, metadata={"enum": list(ACTIONS)})
    version = fields.Integer(required=True, metadata={"description": "As last read"})
    reason = fields.String(
        allow_none=True, metadata={"description": "Shown to the company; required to reject"}
    )


ROW_ID = validate.Range(min=1, max=2_147_483_647)  # an id the database can hold


class BatchItemSchema(Schema):
    id = fields.Integer(required=True, validate=ROW_ID)
    version = fields.Integer(required=True)


class BatchInSchema(Schema):
    action = fields.String(
        required=True, validate=validate.OneOf(list(ACTIONS)), metadata={"enum": list(ACTIONS)}
    )
    reason = fields.String(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "Shown to the companies; required to reject"},
    )
    items = fields.List(
        fields.Nested(BatchItemSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
    )


class RefusedSchema(Answer):
    id = fields.Integer(required=True)
    detail = fields.String(required=True)


class BatchOutSchema(Answer):
    decided = fields.List(fields.Integer(), required=True)
    refused = fields.List(fields.Nested(RefusedSchema), required=True)
    unknown = fields.List(
        fields.Integer(),
        required=True,
        metadata={"description": "Ids that are no application of this fair"},
    )


class NoteInSchema(Schema):
    text = fields.String(required=True)


# --- stands ---------------------------------------------------------------------------------


class StandSchema(Answer):
    """An approved exhibitor's place."""

    application = fields.Integer(attribute="id", required=True)
    company = fields.Nested(CompanyBriefSchema, required=True)
    hall = fields.String(allow_none=True, required=True)
    stand = fields.String(allow_none=True, required=True)
    area = fields.Float(allow_none=True, required=True)
    stand_type = fields.Enum(StandType, by_value=True, allow_none=True, required=True)
    version = fields.Integer(required=True)


class StandInSchema(Schema):
    hall = fields.String(allow_none=True, metadata={"description": "Both or neither"})
    stand = fields.String(allow_none=True, metadata={"description": "null for both: no stand"})
    version = fields.Integer(required=True, metadata={"description": "As last read"})


class StandOutSchema(StandSchema):
    changed = fields.Boolean(required=True)


class ExportQuerySchema(ApplicationQuerySchema):
    pass


EXPORT_DIALECTS = ("excel", "comma")


class CsvQuerySchema(ExportQuerySchema):
    dialect = fields.String(
        validate=validate.OneOf(EXPORT_DIALECTS),
        metadata={
            "enum": list(EXPORT_DIALECTS),
            "description": "excel (default): `;` and a BOM; comma: `,` and a decimal point",
        },
    )
