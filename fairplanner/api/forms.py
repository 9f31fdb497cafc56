"""The pages' forms check the API's input too: one copy of every rule.

A JSON body, once its schema has checked the types, becomes the form data a browser would
post (`formdata`), and the page's own WTForms form validates it; its errors become a 422
problem with errors per field (`delegates.0.name` for a field inside a list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, time
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_smorest import abort
from werkzeug.datastructures import MultiDict
from wtforms import Form

from fairplanner.errors import DomainError

F = TypeVar("F", bound=Form)
NO_CSRF = {"csrf": False}  # a token in a header authenticates the call, not a cookie


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "y"
    if isinstance(value, Decimal | float):
        return format(Decimal(str(value)), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def formdata(data: Mapping[str, Any]) -> MultiDict[str, str]:
    """`data` as posted form fields: lists as repeated fields, lists of objects as WTForms'
    `name-0-key` fields, False and None as absent (an unchecked box, an empty field)."""
    posted: MultiDict[str, str] = MultiDict()
    for name, value in data.items():
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    for key, inner in item.items():
                        if inner is not None and inner is not False:
                            posted.add(f"{name}-{index}-{key}", _value(inner))
                else:
                    posted.add(name, _value(item))
        else:
            posted.add(name, _value(value))
    return posted


def field_errors(errors: Mapping[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """WTForms' errors (nested for FieldList and FormField) as {dotted name: [messages]}."""
    flat: dict[str, list[str]] = {}
    for name, problems in errors.items():
        key = f"{prefix}{name}"
        if isinstance(problems, Mapping):
            flat.update(field_errors(problems, key + "."))
            continue
        for index, problem in enumerate(problems or []):
            if isinstance(problem, Mapping):
                flat.update(field_errors(problem, f"{key}.{index}."))
            elif isinstance(problem, list):
                flat.setdefault(f"{key}.{index}", []).extend(str(p) for p in problem)
            else:
                flat.setdefault(key, []).append(str(problem))
    return flat


def validated(form: F, *, rename: Callable[[str], str] | None = None) -> F:
    """The form, checked; a 422 problem with its errors per field otherwise (`rename`: a
    field's name as the JSON body has it, where the two differ)."""
    if not form.validate():
        errors = field_errors(form.errors)
        if rename is not None:
            errors = {rename(name): messages for name, messages in errors.items()}
        abort(422, errors=errors)
    return form


def refuse(error: DomainError) -> None:
    """A rule of a service said no: problem details with its status and its words."""
    abort(error.status_code, detail=error.message)


def not_found() -> None:
    abort(404, detail=_("There is nothing at this address."))
