"""What the API answers: marshmallow schemas, which the OpenAPI document is built from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from fairplanner.catalogue.models import EventKind, FairKind, FairStatus, Oblast
from fairplanner.display import user_name
from fairplanner.i18n import MINSK

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class Answer(Schema):
    """A schema of what the API answers with. Open in the document (no `additionalProperties:
    false`): within v1 answers may gain fields, and clients must ignore those they do not
    know (the versioning rules of /api/docs). These schemas only dump: `unknown` changes
    nothing else. Schemas of request bodies keep marshmallow's RAISE."""

    class Meta:
        unknown = EXCLUDE


class TextSchema(Answer):
    """A text in both languages (English may be missing)."""

    ru = fields.String(required=True)
    en = fields.String(allow_none=True, required=True)


class Bilingual(fields.Nested):
    """The `<base>_ru` / `<base>_en` pair of a model as one `{ru, en}` object."""

    def __init__(self, base: str, **kwargs: Any) -> None:
        super().__init__(TextSchema, **kwargs)
        self.base = base

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        ru = getattr(obj, f"{self.base}_ru", None)
        en = getattr(obj, f"{self.base}_en", None)
        return None if ru is None and en is None else {"ru": ru, "en": en}


class MinskDateTime(fields.DateTime):
    """An aware time in ISO 8601 with the Minsk offset (the fairs' local time)."""

    def _serialize(self, value: datetime | None, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return value.astimezone(MINSK).isoformat()


class SectorSchema(Answer):
    code = fields.String(required=True)
    name = Bilingual("name", required=True)


class CitySchema(Answer):
    slug = fields.String(required=True)
    name = Bilingual("name", required=True)
    oblast = fields.Enum(Oblast, by_value=True, required=True)


class OrganizerSchema(Answer):
    slug = fields.String(required=True)
    name = Bilingual("name", required=True)
    short_name = Bilingual("short_name", allow_none=True, required=True)
    website = fields.String(allow_none=True, required=True)


class VenueSchema(Answer):
    slug = fields.String(required=True)
    name = Bilingual("name", required=True)
    address = Bilingual("address", allow_none=True, required=True)
    latitude = fields.Float(allow_none=True, required=True)
    longitude = fields.Float(allow_none=True, required=True)
    city = fields.Nested(CitySchema, required=True)


class FairSchema(Answer):
    """A fair as the catalogue lists it."""

    slug = fields.String(required=True)
    name = Bilingual("name", required=True)
    kind = fields.Enum(FairKind, by_value=True, required=True)
    status = fields.Enum(
        FairStatus, by_value=True, required=True, metadata={"description": "published or cancelled"}
    )
    cancelled = fields.Function(
        lambda fair: fair.status == FairStatus.CANCELLED,
        required=True,
        metadata={"type": "boolean"},
    )
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    venue = fields.Nested(VenueSchema, required=True)
    city = fields.Nested(CitySchema, attribute="venue.city", required=True)
    organizer = fields.Nested(OrganizerSchema, required=True)
    sectors = fields.List(fields.Nested(SectorSchema), required=True)
    website = fields.String(allow_none=True, required=True)


class ProgrammeEventSchema(Answer):
    title = Bilingual("title", required=True)
    description = Bilingual("description", allow_none=True, required=True)
    hall = Bilingual("hall", allow_none=True, required=True)
    kind = fields.Enum(EventKind, by_value=True, required=True)
    starts_at = MinskDateTime(required=True)
    ends_at = MinskDateTime(required=True)


class FairDetailSchema(FairSchema):
    """A fair with everything its page shows."""

    description = Bilingual("description", allow_none=True, required=True)
    cancel_reason = Bilingual("cancel_reason", allow_none=True, required=True)
    registration_opens_on = fields.Date(required=True)
    registration_deadline = fields.Date(required=True)
    programme = fields.List(fields.Nested(ProgrammeEventSchema), required=True)


class FairPageSchema(Answer):
    items = fields.List(fields.Nested(FairSchema), required=True)
    next_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as `cursor` for the next page; null on the last one."},
    )
    corrected_q = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": "The corrected search whose fairs these are, when `q` as "
            "typed found none (the catalogue page does the same)."
        },
    )


class FairQuerySchema(Schema):
    """The catalogue's filters (the query parameters of its list page), a cursor and a limit.
    The values are checked by the catalogue's own filter form; a bad one is a 422."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(metadata={"description": "Search in Russian or English"})
    sector = fields.String(metadata={"description": "A sector code (GET /sectors)"})
    city = fields.String(metadata={"description": "A city slug (GET /cities)"})
    oblast = fields.String(
        validate=validate.OneOf([o.value for o in Oblast]),
        metadata={"enum": [o.value for o in Oblast]},
    )
    organizer = fields.String(metadata={"description": "An organizer slug (GET /organizers)"})
    kind = fields.String(
        validate=validate.OneOf([k.value for k in FairKind]),
        metadata={"enum": [k.value for k in FairKind]},
    )
    date_from = fields.Date(data_key="from", metadata={"description": "Ending on or after"})
    date_to = fields.Date(data_key="to", metadata={"description": "Starting on or before"})
    past = fields.Boolean(metadata={"description": "Include past fairs"})
    cursor = fields.String(
        metadata={"description": "next_cursor of the previous page (it keeps that page's limit)"}
    )
    limit = fields.Integer(
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Fairs per page (default {DEFAULT_LIMIT})"},
    )


class ProblemSchema(Answer):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Per query parameter: what is wrong with it"},
    )


# The `alt_response` of every problem an operation may answer with (fairplanner.errors).
PROBLEM = {
    "schema": ProblemSchema,
    "description": "Problem details (RFC 9457)",
    "content_type": "application/problem+json",
}


# --- shared by the token holders' operations -------------------------------------------


class DelegateSchema(Schema):
    """One person of a visiting delegation."""

    name = fields.String(required=True, validate=validate.Length(max=200))
    position = fields.String(load_default="", validate=validate.Length(max=200))


def via_of(entry: Any) -> str:
    return "api" if entry.api_token_id is not None else "web"


def token_name(entry: Any) -> str | None:
    return entry.api_token.name if entry.api_token is not None else None


VIA = {"type": "string", "enum": ["api", "web"]}
TOKEN = {"type": ["string", "null"], "description": "The API token's name (via api)"}


class DelegateAnswer(DelegateSchema, Answer):
    """A delegate as answers give it (open to new fields, as every answer)."""


class HistorySchema(Answer):
    at = MinskDateTime(required=True)
    action = fields.String(
        required=True,
        metadata={"description": "submitted, edited, approved, rejected, stand, promoted, …"},
    )
    status_from = fields.String(allow_none=True, required=True)
    status_to = fields.String(allow_none=True, required=True)
    changes = fields.Dict(
        required=True, metadata={"description": "Per field: [old, new] (edits, stands)"}
    )
    reason = fields.String(allow_none=True, required=True)
    actor = fields.Function(
        lambda c: user_name(c.actor) if c.actor else None,
        required=True,
        metadata={"type": ["string", "null"], "description": "null: FairPlanner itself"},
    )
    via = fields.Function(via_of, required=True, metadata=VIA)
    token = fields.Function(token_name, required=True, metadata=TOKEN)
