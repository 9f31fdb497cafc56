"""The change log as sentences: fair edits and application decisions in the user's language.

`FairChange.changes` and `RegistrationChange.changes` store `{"field": [old, new]}` with the
values as `json_value` wrote them (ISO dates, enum values, sector codes, venue ids, decimals as
strings). Nothing here is for a person to read as it is: every entry goes through `fair_entries`
or `registration_entries`, which name the action, label each field as on its form and show each
value as the rest of the interface does (names, not codes; Babel dates; "да"/"нет"). The result
is plain text, so the same entries can go into an email or an export.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_date, format_datetime, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fairplanner import display
from fairplanner.catalogue.models import CapacityUnit, EventKind, Fair, FairKind, Venue
from fairplanner.extensions import db
from fairplanner.i18n import localized
from fairplanner.organizers.forms import EventForm, FairForm, StandForm
from fairplanner.organizers.models import FairChange
from fairplanner.organizers.ticket_numbers import quota_text
from fairplanner.registrations.forms import ExhibitorForm, VisitorForm
from fairplanner.registrations.models import (
    RegistrationChange,
    RegistrationStatus,
    StandType,
    VisitAim,
)
from fairplanner.text import fold
from fairplanner.tickets.models import TicketRole

DASH = "—"
LONG_TEXT = 160  # longer texts (descriptions) are cut in the log: it says what changed, not all


@dataclass(frozen=True)
class Detail:
    """One changed field: its label as on the form, the old and the new value as text."""

    label: str
    old: str
    new: str

    @property
    def text(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


@dataclass(frozen=True)
class Entry:
    """One line of a log: when, who, what happened (a sentence), and the details."""

    at: datetime
    actor: str
    text: str
    details: list[Detail] = field(default_factory=list)
    reason: str | None = None
    subject: str | None = None  # the application an entry is about: "ООО «…» — Экспонент"
    registration_id: int | None = None


@dataclass
class Names:
    """Names of the things a log refers to by code or id, read once for a whole page."""

    sectors: dict[str, str] = field(default_factory=dict)
    venues: dict[int, str] = field(default_factory=dict)
    fairs: dict[str, str] = field(default_factory=dict)


# --- values -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """Any stored value as text, for fields this module does not know (older entries)."""
    if value is None or value == "" or value == []:
        return DASH
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(_text(v) for v in value.values() if v)
    text = str(value)
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1].rstrip() + "…"


def _enum(kind: type[enum.Enum]) -> Callable[[Any, Names], str]:
    return lambda value, _names: display.label(value, kind) if value else DASH


def _date(value: Any, _names: Names) -> str:
    try:
        return format_date(date.fromisoformat(str(value)), "d MMMM y")
    except ValueError:
        return _text(value)


def _datetime(value: Any, _names: Names) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return _text(value)
    return format_datetime(moment, "d MMMM y, HH:mm")  # in Minsk time, as everywhere


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _area(value: Any, _names: Names) -> str:
    amount = _decimal(value) if value is not None else None
    return display.area(amount) if amount is not None else _text(value)


def _number(value: Any, _names: Names) -> str:
    amount = _decimal(value) if value is not None else None
    return display.number(amount) if amount is not None else _text(value)


def _venue(value: Any, names: Names) -> str:
    return names.venues.get(value, _text(value)) if isinstance(value, int) else _text(value)


def _sectors(value: Any, names: Names) -> str:
    if not isinstance(value, list) or not value:
        return _text(value)
    return ", ".join(sorted((names.sectors.get(c, str(c)) for c in value), key=fold))


def _aims(value: Any, _names: Names) -> str:
    if not isinstance(value, list) or not value:
        return _text(value)
    return ", ".join(display.label(a, VisitAim) for a in value)


def _delegates(value: Any, _names: Names) -> str:
    if not isinstance(value, list) or not value:
        return _text(value)
    people = []
    for d in value:
        if isinstance(d, dict):
            name, position = d.get("name") or "", d.get("position") or ""
            people.append(f"{name} ({position})" if position else name)
        else:
            people.append(str(d))
    return "; ".join(people)


def _plain(value: Any, _names: Names) -> str:
    return _text(value)


def _form_label(form: type, name: str) -> Any:
    """The label a form class gives its field (lazy), so the log says what the form says."""
    unbound = getattr(form, name)
    return unbound.kwargs.get("label") or unbound.args[0]


# field -> (label, how its values read)
Field = tuple[Any, Callable[[Any, Names], str]]
FAIR_FIELDS: dict[str, Field] = {
    "slug": (_form_label(FairForm, "slug"), _plain),
    "name_ru": (_form_label(FairForm, "name_ru"), _plain),
    "name_en": (_form_label(FairForm, "name_en"), _plain),
    "description_ru": (_form_label(FairForm, "description_ru"), _plain),
    "description_en": (_form_label(FairForm, "description_en"), _plain),
    "kind": (_form_label(FairForm, "kind"), _enum(FairKind)),
    "starts_on": (_form_label(FairForm, "starts_on"), _date),
    "ends_on": (_form_label(FairForm, "ends_on"), _date),
    "venue_id": (_form_label(FairForm, "venue"), _venue),
    "sectors": (_form_label(FairForm, "sectors"), _sectors),
    "registration_opens_on": (_form_label(FairForm, "registration_opens_on"), _date),
    "registration_deadline": (_form_label(FairForm, "registration_deadline"), _date),
    "capacity": (_form_label(FairForm, "capacity"), _number),
    "capacity_unit": (_form_label(FairForm, "capacity_unit"), _enum(CapacityUnit)),
    "stand_area_min": (_form_label(FairForm, "stand_area_min"), _area),
    "stand_area_max": (_form_label(FairForm, "stand_area_max"), _area),
    "website": (_form_label(FairForm, "website"), _plain),
}
EVENT_FIELDS: dict[str, Field] = {
    "title_ru": (_form_label(EventForm, "title_ru"), _plain),
    "title_en": (_form_label(EventForm, "title_en"), _plain),
    "description_ru": (_form_label(EventForm, "description_ru"), _plain),
    "description_en": (_form_label(EventForm, "description_en"), _plain),
    "hall_ru": (_form_label(EventForm, "hall_ru"), _plain),
    "hall_en": (_form_label(EventForm, "hall_en"), _plain),
    "kind": (_form_label(EventForm, "kind"), _enum(EventKind)),
    "starts_at": (_form_label(EventForm, "start"), _datetime),
    "ends_at": (_form_label(EventForm, "end"), _datetime),
}
REGISTRATION_FIELDS: dict[str, Field] = {
    "stand_type": (_form_label(ExhibitorForm, "stand_type"), _enum(StandType)),
    "area": (_form_label(ExhibitorForm, "area"), _area),
    "needs_power": (_form_label(ExhibitorForm, "needs_power"), _plain),
    "needs_water": (_form_label(ExhibitorForm, "needs_water"), _plain),
    "needs_internet": (_form_label(ExhibitorForm, "needs_internet"), _plain),
    "products": (_form_label(ExhibitorForm, "products"), _plain),
    "note": (_form_label(ExhibitorForm, "note"), _plain),
    "listed": (_form_label(ExhibitorForm, "listed"), _plain),
    "entry_ru": (_form_label(ExhibitorForm, "entry_ru"), _plain),
    "entry_en": (_form_label(ExhibitorForm, "entry_en"), _plain),
    "entry_hidden": (_l("Hidden from the exhibitor catalogue by the organizer"), _plain),
    "delegates": (_l("Delegates"), _delegates),
    "aims": (_form_label(VisitorForm, "aims"), _aims),
    "hall": (_form_label(StandForm, "hall"), _plain),
    "stand": (_form_label(StandForm, "stand"), _plain),
}


CONTEXT = 40  # characters kept around the changed part of a long text


def _long_texts(old: str, new: str) -> tuple[str, str]:
    """Two long texts cut to the part that differs, with a little context either side:
    a description edited at its end must not read as two identical beginnings."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    start = max(start - CONTEXT, 0)
    end = max(end - CONTEXT, 0)

    def cut(text: str) -> str:
        middle = text[start : len(text) - end]
        middle = middle if len(middle) <= LONG_TEXT else middle[: LONG_TEXT - 1].rstrip() + "…"
        return ("…" if start else "") + middle + ("…" if end else "")

    return cut(old), cut(new)


def _details(changes: dict[str, Any], fields: dict[str, Field], names: Names) -> list[Detail]:
    details = []
    for name, pair in changes.items():
        old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        label, show = fields.get(name, (name.replace("_", " "), _plain))
        long = isinstance(old, str) and isinstance(new, str) and len(old + new) > LONG_TEXT
        if show is _plain and long:
            details.append(Detail(str(label), *_long_texts(old, new)))
            continue
        details.append(Detail(str(label), show(old, names), show(new, names)))
    return details


# --- fair entries ---------------------------------------------------------------------------


def _actor(change: FairChange | RegistrationChange) -> str:
    who = display.user_name(change.actor) if change.actor else _("FairPlanner")
    if change.api_token_id is None:
        return who
    # A many-to-one: each token is read once per page (the session's identity map).
    return _("%(who)s through the API (token “%(token)s”)", who=who, token=change.api_token.name)


def _event_title(changes: dict[str, Any]) -> str | None:
    pair = changes.get("event")
    if isinstance(pair, list | tuple) and len(pair) == 2:
        return pair[1] or pair[0]
    return None


def _fair_sentence(change: FairChange, names: Names) -> tuple[str, list[Detail]]:
    """What happened to the fair, and the fields that changed."""
    changes = dict(change.changes or {})
    action = change.action
    if action == "created":
        return _("Fair created"), []
    if action == "imported":  # organizers.imports: a new fair from a season plan
        source = (changes.get("source") or [None, DASH])[1]
        return _("Fair created by the import of “%(source)s”", source=source), []
    if action == "import edited":
        source = (changes.pop("source", None) or [None, DASH])[1]
        changes.pop("external_id", None)
        return _("Changed by the import of “%(source)s”", source=source), _details(
            changes, FAIR_FIELDS, names
        )
    if action == "published":
        return _("Published"), []
    if action == "cancelled":
        return _("Cancelled"), []
    if action == "message sent":  # fairplanner.organizers.messages
        subject = localized_pair(changes, "subject")
        count = (changes.get("recipients") or [None, 0])[1] or 0
        return ngettext(
            "Message “%(subject)s” sent to %(num)d company",
            "Message “%(subject)s” sent to %(num)d companies",
            count,
            subject=subject,
        ), []
    if action == "image changed":  # services.set_fair_image
        kind, (old, new) = next(iter(changes.items()))
        if kind == "logo":
            if new is None:
                return _("Logo removed"), []
            return (_("Logo replaced") if old else _("Logo uploaded")), []
        if new is None:
            return _("Cover image removed"), []
        return (_("Cover image replaced") if old else _("Cover image uploaded")), []
    if action == "hall plan":  # fairplanner.organizers.halls
        hall = (changes.get("hall") or [None, DASH])[1]
        old, new = changes.get("image") or [None, None]
        if new is None:
            return _("Plan of %(hall)s removed", hall=hall), []
        if old:
            return _("Plan of %(hall)s replaced", hall=hall), []
        return _("Plan of %(hall)s uploaded", hall=hall), []
    if action == "stands placed":  # fairplanner.organizers.halls
        hall = (changes.get("hall") or [None, DASH])[1]
        placed = (changes.get("stands") or [None, []])[1] or []
        return _(
            "Stands marked on the plan of %(hall)s: %(stands)s",
            hall=hall,
            stands=", ".join(str(s) for s in placed) or DASH,
        ), []
    if action == "copied":
        source = (changes.get("from") or [None])[0]
        return _("Created as a copy of “%(name)s”", name=names.fairs.get(source, source)), []
    if action.startswith("meeting "):  # fairplanner.organizers.meetings
        return _meeting_sentence(action, changes), []
    if action.startswith("ticket "):  # fairplanner.organizers.tickets
        return _ticket_sentence(action, changes), []
    if action.startswith("event "):
        title = _event_title(changes)
        changes.pop("event", None)
        details = _details(changes, EVENT_FIELDS, names)
        if action == "event added":
            return _("Programme: item “%(title)s” added", title=title or DASH), details
        if action == "event deleted":
            return _("Programme: item “%(title)s” deleted", title=title or DASH), details
        if title:
            return _("Programme: item “%(title)s” changed", title=title), details
        return _("Programme: an item changed"), details
    return _("Changed"), _details(changes, FAIR_FIELDS, names)


def _meeting_sentence(action: str, changes: dict[str, Any]) -> str:
    """The organizer's changes to the B2B programme and its meetings."""

    def new(name: str) -> Any:
        pair = changes.get(name)
        return pair[1] if isinstance(pair, list | tuple) and len(pair) == 2 else None

    def where(side: int) -> str:
        starts = (changes.get("starts_at") or [None, None])[side]
        table = (changes.get("table") or [None, None])[side]
        if not starts:
            return _("no time yet")
        return ", ".join(x for x in (_datetime(starts, Names()), table) if x)

    if action == "meeting scheduler":
        return _(
            "The scheduler booked %(count)s B2B meetings (%(skipped)s left out)",
            count=new("meetings") or 0,
            skipped=new("skipped") or 0,
        )
    pair = new("meeting") or DASH
    if action == "meeting programme":
        return _("B2B programme created") if new("created") else _("B2B programme changed")
    if action == "meeting tables":
        return _("B2B tables: %(tables)s", tables=_text(new("tables")))
    if action == "meeting created":
        return _("B2B meeting %(pair)s booked: %(where)s", pair=pair, where=where(1))
    if action == "meeting moved":
        return _(
            "B2B meeting %(pair)s moved: %(old)s → %(new)s", pair=pair, old=where(0), new=where(1)
        )
    if action == "meeting cancelled":
        return _("B2B meeting %(pair)s cancelled", pair=pair)
    if action == "meeting marked":
        outcome = new("outcome")
        if outcome == "held":
            return _("B2B meeting %(pair)s marked as held", pair=pair)
        if outcome == "no-show":
            return _("B2B meeting %(pair)s marked as a no-show", pair=pair)
        return _("B2B meeting %(pair)s: the mark was removed", pair=pair)
    return _("Changed")


def _ticket_sentence(action: str, changes: dict[str, Any]) -> str:
    """The organizer's badge quota, walk-ins registered at the desk and tickets taken back."""

    def side(name: str, index: int) -> Any:
        pair = changes.get(name)
        return pair[index] if isinstance(pair, list | tuple) and len(pair) == 2 else None

    def quota(index: int) -> str:
        value = side("quota", index)
        if isinstance(value, list | tuple) and len(value) == 3:
            return quota_text(*value)
        return DASH

    def role(index: int) -> str:
        value = side("role", index)
        return display.label(value, TicketRole) if value else DASH

    if action == "ticket quota":
        return _("Badge quota: %(old)s → %(new)s", old=quota(0), new=quota(1))
    if action == "ticket issued":
        return _(
            "Ticket issued at the desk: %(person)s, %(role)s",
            person=side("person", 1) or DASH,
            role=role(1),
        )
    if action == "ticket revoked":
        return _(
            "Ticket taken back: %(person)s, %(role)s",
            person=side("person", 0) or DASH,
            role=role(0),
        )
    return _("Changed")


def localized_pair(changes: dict[str, Any], name: str) -> str:
    """A text logged in both languages ("subject_ru", "subject_en"), in the reader's one."""
    lang = get_locale().language if get_locale() else "ru"
    values = {code: (changes.get(f"{name}_{code}") or [None, None])[1] for code in ("ru", "en")}
    return values.get(lang) or values["ru"] or values["en"] or DASH


def _names_for(changes: Iterable[FairChange]) -> Names:
    """Sector, venue and fair names for every code and id the entries mention (3 queries)."""
    codes: set[str] = set()
    venue_ids: set[int] = set()
    slugs: set[str] = set()
    for change in changes:
        values = change.changes or {}
        for side in values.get("sectors") or ():
            codes.update(c for c in side or () if isinstance(c, str))
        venue_ids.update(v for v in values.get("venue_id") or () if isinstance(v, int))
        if change.action == "copied":
            slugs.update(s for s in values.get("from") or () if isinstance(s, str))
    names = Names()
    names.sectors.update(display.names("sectors", codes))
    if venue_ids:
        venues = db.session.scalars(
            select(Venue).where(Venue.id.in_(venue_ids)).options(joinedload(Venue.city))
        )
        for venue in venues:
            city = localized(venue.city, "name")
            names.venues[venue.id] = f"{localized(venue, 'name')}, {city}"
    if slugs:
        for fair in db.session.scalars(select(Fair).where(Fair.slug.in_(slugs))):
            names.fairs[fair.slug] = localized(fair, "name")
    return names


def fair_entries(changes: Sequence[FairChange]) -> list[Entry]:
    """The fair's own log (edits, publication, cancellation, programme) as sentences."""
    names = _names_for(changes)
    entries = []
    for change in changes:
        text, details = _fair_sentence(change, names)
        entries.append(
            Entry(
                at=change.at, actor=_actor(change), text=text, details=details, reason=change.reason
            )
        )
    return entries


# --- application entries --------------------------------------------------------------------

REGISTRATION_ACTIONS = {
    "submitted": _l("Application sent"),
    "edited": _l("Application changed"),
    "withdrawn": _l("Application withdrawn"),
    "promoted": _l("Moved up from the waiting list"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "waitlisted": _l("Put on the waiting list"),
    "stand": _l("Stand assigned"),
    "entry_edited": _l("Catalogue entry changed by the organizer"),
    "entry_written": _l("Catalogue entry changed by the company"),
}


def _status(value: str | None) -> str:
    return display.label(value, RegistrationStatus) if value else DASH


def registration_entries(
    changes: Sequence[RegistrationChange], *, with_subject: bool = True
) -> list[Entry]:
    """An application's history as sentences; `with_subject` names the company and role
    (the fair's log mixes every application; the application's own page does not need it)."""
    entries = []
    for change in changes:
        details = _details(dict(change.changes or {}), REGISTRATION_FIELDS, Names())
        if change.status_from and change.status_from != change.status_to:
            details.insert(
                0, Detail(_("Status"), _status(change.status_from), _status(change.status_to))
            )
        subject = None
        if with_subject:
            registration = change.registration
            subject = (
                f"{display.company_name(registration.company)} — {display.label(registration.role)}"
            )
        action = REGISTRATION_ACTIONS.get(change.action)
        entries.append(
            Entry(
                at=change.at,
                actor=_actor(change),
                text=str(action) if action else _("Changed"),
                details=details,
                reason=change.reason,
                subject=subject,
                registration_id=change.registration_id,
            )
        )
    return entries
