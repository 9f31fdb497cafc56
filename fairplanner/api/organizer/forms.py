"""The console's forms over a JSON body: the body in the forms' field names (texts as
`<name>_ru` / `<name>_en`), the form's errors as a 422 problem in the body's names, and the
attendee list's filter form over the query string."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from flask import request
from flask_smorest import abort
from flask_wtf import FlaskForm

from fairplanner.api.forms import NO_CSRF, formdata
from fairplanner.api.forms import validated as checked
from fairplanner.organizers import listing, queries

# JSON names of the form fields that differ: {ru, en} texts and the new venue.
BILINGUAL = ("name", "description", "title", "hall", "reason")
NESTED = {
    "new_venue_name": "new_venue.name",
    "new_venue_city": "new_venue.city",
    "new_venue_address": "new_venue.address",
}


def _json_name(field: str) -> str:
    base, _sep, lang = field.rpartition("_")
    if base in BILINGUAL and lang in ("ru", "en"):
        return f"{base}.{lang}"
    return NESTED.get(field, field)


def flatten(body: Mapping[str, Any]) -> dict[str, Any]:
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


def validated(form_class: type[F], values: Mapping[str, Any], *, choices: bool = False) -> F:
    """The console's form over `values` (form field names), with its choices loaded when it
    has some to load (the fair form); its errors are a 422 problem naming each field as the
    JSON body does. No CSRF token: a token in a header authenticates the call."""
    form = form_class(formdata=formdata(values), meta=NO_CSRF)
    if choices:
        form.load_choices()  # type: ignore[attr-defined]
    return checked(form, rename=_json_name)


def attendee_filters() -> queries.AttendeeFilters:
    """The console list's filters from the query string, checked by its filter form: a value
    it does not know is a 422 here (the page shows more instead, with a notice)."""
    form = listing.filter_form(request.args)
    form.validate()
    errors = {f.name: [str(m) for m in f.errors] for f in form if f.errors and f.name != "page"}
    if errors:
        abort(422, errors=errors)
    filters, _ignored = listing.read_filters(form)
    return filters
