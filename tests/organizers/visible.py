"""What a person reads on a console page or in an export, and the codes that must not be there."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fairplanner.accounts.identifiers import regions
from fairplanner.catalogue.models import CapacityUnit, EventKind, FairKind, FairStatus, Oblast
from fairplanner.registrations.models import (
    RegistrationRole,
    RegistrationStatus,
    StandType,
    VisitAim,
)

# Tags that separate words on screen; inline ones (a, strong, span) do not.
BLOCKS = frozenset(
    [
        "p",
        "li",
        "dt",
        "dd",
        "td",
        "th",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "div",
        "br",
        "section",
        "ul",
        "ol",
        "dl",
        "table",
        "caption",
        "option",
        "label",
        "nav",
        "header",
        "footer",
        "form",
        "button",
        "select",
        "textarea",
        "input",
        "legend",
        "fieldset",
        "main",
        "article",
    ]
)


class _Text(HTMLParser):
    """The text of a page without its tags, attributes, scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


ENUM_CODES = {
    m.value
    for e in (
        RegistrationStatus,
        RegistrationRole,
        StandType,
        VisitAim,
        FairKind,
        FairStatus,
        EventKind,
        CapacityUnit,
        Oblast,
    )
    for m in e
    if len(m.value) > 3  # "b2b", "sqm" are caught below; "fair" is an English word
} - {"fair"}
REGION_CODES = {r.code for items in regions().values() for r in items if not r.code.isdigit()}
FIELD_NAMES = {
    "description_ru",
    "description_en",
    "registration_deadline",
    "registration_opens_on",
    "starts_on",
    "ends_on",
    "venue_id",
    "stand_area_min",
    "stand_area_max",
    "capacity_unit",
    "needs_power",
    "needs_water",
    "needs_internet",
    "stand_type",
    "title_ru",
    "hall_ru",
    "starts_at",
    "event added",
    "event edited",
    "event deleted",
}
PATTERNS = {
    "python repr": re.compile(r"\[['\"]|['\"]\]|\{['\"]|\bNone\b|\bTrue\b|\bFalse\b"),
    "x.0 decimal": re.compile(r"(?<![\d.,])\d+\.0(?![\d])"),
    "E.164 phone": re.compile(r"\+\d{10,15}\b"),
    "ISO timestamp": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\d{2}:\d{2}:\d{2}\.\d+"),
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b(?! \d{2}:\d{2})"),
    "region code pair": re.compile(r"\b(BY|RU) · "),
    "lowercase code": re.compile(r"\b(sqm|b2b)\b"),
}


def codes_in(text: str, *, extra: set[str] = frozenset()) -> list[str]:
    """Every known code (enum value, region code, field name) or raw format found in `text`."""
    found = []
    for code in ENUM_CODES | REGION_CODES | FIELD_NAMES | set(extra):
        if re.search(rf"(?<![\w@./-]){re.escape(code)}(?![\w@./-])", text):
            found.append(code)
    found += [f"{name}: {m.group(0)}" for name, p in PATTERNS.items() if (m := p.search(text))]
    return found


def input_values(html: str) -> str:
    """The values the page's text inputs show (a form field can show "4.0" too)."""
    return " | ".join(re.findall(r'<input(?![^>]*type="hidden")[^>]*\svalue="([^"]*)"', html))
