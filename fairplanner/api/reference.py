"""The API reference as the docs page shows it, read from the generated OpenAPI document (never
written beside it): operations grouped by tag with their parameters, bodies and responses,
the document's schemas as tables of fields, and a curl command for each operation.

Pure functions over the document's dict (no request, no database); the few words of the type
column are in the reader's language, JSON's own type names stay as they are (as code)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"
# JSON types in the words of the table (the document's own names, as integrators read them).
SCALARS = {"string", "integer", "number", "boolean", "null", "object", "array"}


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str  # path, query, header
    required: bool
    type: Markup
    description: str


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    content_type: str | None
    type: Markup | None


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: list[Parameter]
    body_type: Markup | None
    body_content_type: str | None
    responses: list[Response]
    scopes: list[str] | None  # None: public, no token
    curl: str
    deprecated: bool = False


@dataclass(frozen=True)
class Field:
    name: str
    type: Markup
    required: bool
    description: str


@dataclass(frozen=True)
class SchemaTable:
    name: str
    anchor: str
    description: str
    fields: list[Field]
    type: Markup | None = None  # for a schema that is not an object (an enum, a list)


@dataclass
class Group:
    tag: str
    description: str
    operations: list[Operation] = field(default_factory=list)


def schema_anchor(name: str) -> str:
    return f"schema-{name}"


def operation_anchor(method: str, path: str) -> str:
    cleaned = "".join(c if c.isalnum() else "-" for c in path.strip("/"))
    return f"op-{method}-{cleaned}".replace("--", "-").strip("-")


def _ref_name(ref: str) -> str:
    return ref.removeprefix(REF_PREFIX).rsplit("/", 1)[-1]


def type_of(schema: Mapping[str, Any] | None) -> Markup:
    """A schema in a few words, with links to the named schemas it uses: `string | null`,
    `array of Sector`, `one of: BY, RU, OTHER`, `integer, 1–100`, `date`."""
    if not schema:
        return escape(_("any"))
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return Markup('<a href="#{}">{}</a>').format(schema_anchor(name), name)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            joiner = " & " if combinator == "allOf" else " | "
            return Markup(joiner).join(type_of(part) for part in schema[combinator])  # noqa: S704 - a constant
    if "enum" in schema:
        values = Markup(", ").join(
            Markup("<code>{}</code>").format(v) for v in schema["enum"] if v is not None
        )
        words = escape(_("one of: %(values)s")) % {"values": values}
        return words + (Markup(" | <code>null</code>") if None in schema["enum"] else Markup(""))
    kinds = schema.get("type", "object" if "properties" in schema else None)
    names = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    parts = []
    for kind in names:
        if kind == "array":
            parts.append(escape(_("array of %(type)s")) % {"type": type_of(schema.get("items"))})
        elif kind == "string" and schema.get("format") in ("date", "date-time", "uri", "email"):
            parts.append(Markup("<code>{}</code>").format(schema["format"]))
        elif kind in SCALARS:
            parts.append(Markup("<code>{}</code>").format(kind))
    text = Markup(" | ").join(parts) if parts else escape(_("any"))
    limits = _limits(schema)
    return text + (Markup(", ") + escape(limits) if limits else Markup(""))


def _limits(schema: Mapping[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"≥ {low}"
    if high is not None:
        return f"≤ {high}"
    if schema.get("maxLength") is not None:
        return ngettext(
            "at most %(num)d character", "at most %(num)d characters", schema["maxLength"]
        )
    return ""


def schema_tables(document: Mapping[str, Any]) -> list[SchemaTable]:
    """Every schema of the document as a table of its fields (by name, as the document has
    them); a schema that is not an object gets its type instead."""
    tables = []
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        properties = schema.get("properties")
        required = set(schema.get("required", ()))
        fields = [
            Field(
                name=prop,
                type=type_of(spec),
                required=prop in required,
                description=spec.get("description", ""),
            )
            for prop, spec in (properties or {}).items()
        ]
        tables.append(
            SchemaTable(
                name=name,
                anchor=schema_anchor(name),
                description=schema.get("description", ""),
                fields=fields,
                type=None if properties is not None else type_of(schema),
            )
        )
    return tables


def _parameters(path_item: Mapping[str, Any], operation: Mapping[str, Any]) -> list[Parameter]:
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    for spec in (*path_item.get("parameters", ()), *operation.get("parameters", ())):
        found[(spec["in"], spec["name"])] = spec  # the operation's own wins
    order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
    return [
        Parameter(
            name=spec["name"],
            where=spec["in"],
            required=bool(spec.get("required")),
            type=type_of(spec.get("schema")),
            description=spec.get("description", ""),
        )
        for spec in sorted(found.values(), key=lambda s: order.get(s["in"], 9))
    ]


def _responses(document: Mapping[str, Any], responses: Mapping[str, Any]) -> list[Response]:
    shared = document.get("components", {}).get("responses", {})
    found = []
    for status, spec in sorted(responses.items(), key=lambda item: (item[0] == "default", item[0])):
        if "$ref" in spec:
            spec = shared.get(spec["$ref"].rsplit("/", 1)[-1], {})
        content = spec.get("content") or {}
        content_type, media = next(iter(content.items()), (None, {}))
        found.append(
            Response(
                status=status,
                description=spec.get("description", ""),
                content_type=content_type,
                type=type_of(media.get("schema")) if content_type else None,
            )
        )
    return found


def _scopes(document: Mapping[str, Any], operation: Mapping[str, Any]) -> list[str] | None:
    """The scopes an operation needs (bearerAuth), None when it needs no token."""
    requirements = operation.get("security", document.get("security"))
    if not requirements:
        return None
    scopes: list[str] = []
    for requirement in requirements:
        if not requirement:
            return None  # `{}` among them: the token is optional
        for needed in requirement.values():
            scopes += [s for s in needed if s not in scopes]
    return scopes


def example(document: Mapping[str, Any], schema: Mapping[str, Any] | None, depth: int = 0) -> Any:
    """A small body that fits the schema (its required fields), for the curl examples."""
    if not schema or depth > 4:
        return None
    if "example" in schema:
        return schema["example"]
    if "$ref" in schema:
        named = document.get("components", {}).get("schemas", {}).get(_ref_name(schema["$ref"]))
        return example(document, named, depth + 1)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return example(document, schema[combinator][0], depth + 1)
    if "enum" in schema:
        return next((v for v in schema["enum"] if v is not None), None)
    kinds = schema.get("type", "object")
    kind = next((k for k in kinds if k != "null"), "null") if isinstance(kinds, list) else kinds
    if kind == "object":
        required = schema.get("required", list(schema.get("properties", {})))
        return {
            name: example(document, spec, depth + 1)
            for name, spec in schema.get("properties", {}).items()
            if name in required
        }
    if kind == "array":
        return [example(document, schema.get("items"), depth + 1)]
    formats = {"date": "2027-05-10", "date-time": "2027-05-10T10:00:00+03:00"}
    return {
        "string": formats.get(schema.get("format", ""), "…"),
        "integer": max(1, schema.get("minimum", 1)),
        "number": 1.0,
        "boolean": True,
    }.get(kind)


def curl(
    document: Mapping[str, Any],
    *,
    base: str,
    method: str,
    path: str,
    samples: Mapping[str, str],
    scopes: list[str] | None,
    body: Mapping[str, Any] | None,
) -> str:
    """A command that works when pasted: the path's parameters filled with real values."""
    url = base + path
    for name, value in samples.items():
        url = url.replace("{" + name + "}", value)
    parts = ["curl"]
    if method != "get":
        parts.append(f"-X {method.upper()}")
    parts.append("-H 'Accept-Language: en'")
    if scopes is not None:
        # Double quotes: the shell fills in the token kept in a variable.
        parts.append('-H "Authorization: Bearer $FAIRPLANNER_TOKEN"')
    if body is not None:
        payload = json.dumps(example(document, body.get("schema")), ensure_ascii=False)
        parts.append("-H " + shlex.quote(f"Content-Type: {body['content_type']}"))
        parts.append("--data " + shlex.quote(payload))
    parts.append(shlex.quote(url))
    return " ".join(parts)


def groups(document: Mapping[str, Any], *, base: str, samples: Mapping[str, str]) -> list[Group]:
    """Every operation of the document, grouped by its first tag in the document's tag order."""
    by_tag: dict[str, Group] = {
        tag["name"]: Group(tag["name"], tag.get("description", ""))
        for tag in document.get("tags", ())
    }
    for path, path_item in document.get("paths", {}).items():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            group = by_tag.setdefault(tag, Group(tag, ""))
            group.operations.append(_operation(document, path, path_item, method, base, samples))
    return [group for group in by_tag.values() if group.operations]


def _operation(
    document: Mapping[str, Any],
    path: str,
    path_item: Mapping[str, Any],
    method: str,
    base: str,
    samples: Mapping[str, str],
) -> Operation:
    operation = path_item[method]
    content = (operation.get("requestBody") or {}).get("content") or {}
    content_type, media = next(iter(content.items()), (None, {}))
    body = {"content_type": content_type, "schema": media.get("schema")} if content_type else None
    scopes = _scopes(document, operation)
    summary, _, rest = (operation.get("summary") or "").partition("\n")
    return Operation(
        method=method.upper(),
        path=path,
        anchor=operation_anchor(method, path),
        summary=" ".join((summary + " " + rest).split()),
        description=operation.get("description", ""),
        parameters=_parameters(path_item, operation),
        body_type=type_of(body["schema"]) if body else None,
        body_content_type=content_type,
        responses=_responses(document, operation.get("responses", {})),
        scopes=scopes,
        curl=curl(
            document,
            base=base,
            method=method,
            path=path,
            samples=samples,
            scopes=scopes,
            body=body,
        ),
        deprecated=bool(operation.get("deprecated")),
    )


def path_names(document: Mapping[str, Any]) -> Iterable[str]:
    """The names of every path parameter in the document (what the curl examples fill in)."""
    for path in document.get("paths", {}):
        for piece in path.split("{")[1:]:
            yield piece.split("}", 1)[0]
