"""Import of season plans into the organizer's fairs (issue 19): read a file or a calendar
address (fairplanner.imports), keep the rows in a FairImport until the organizer confirms,
show what each row would do, then apply the valid rows through organizers.services — the same
rules and change log as the fair editor. Never commits.

A row finds its fair by the plan's own id (the ICS UID, the table's "ID" column), kept in
Fair.external_id; a row without one (or whose id is new) by the Russian name and the year it
starts, within the organizer. A cell left empty keeps what the fair has.
"""

from __future__ import annotations

import hashlib
import http.client
import ssl
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin

from flask import current_app
from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from fairplanner.accounts.models import User
from fairplanner.catalogue import queries as catalogue_queries
from fairplanner.catalogue.models import CapacityUnit, City, Fair, FairKind, Venue
from fairplanner.db import json_value, utcnow
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.imports import ImportFileError, PlanRow, parse_file
from fairplanner.imports.matching import Matched, match, norm
from fairplanner.imports.rows import MAX_BYTES
from fairplanner.organizers import services
from fairplanner.organizers.models import FairImport
from fairplanner.text import slugify
from fairplanner.webhooks import targets, transport

# A preview waits this long for its confirmation; then the file must be read again.
EXPIRES_AFTER = timedelta(hours=24)
REDIRECTS = 3
HISTORY = 20  # imports listed on the page
PENDING, APPLIED = "pending", "applied"
ID_LENGTH = 300  # Fair.external_id
WEBSITE_LENGTH = 300  # Fair.website
SLUG_LENGTH = 110  # of Fair.slug's 120, room for "-2027-12"
REGISTRATION_CLOSES = timedelta(days=7)  # before a new fair starts


class ImportRefused(DomainError):
    status_code = 422


class ImportGone(DomainError):
    """The preview expired or was confirmed already."""

    status_code = 409


# --- the rows between the preview and the confirmation --------------------------------------

DATES = ("starts_on", "ends_on")
MOMENTS = ("starts_at", "ends_at")


def _error_json(error: Any) -> dict[str, Any]:
    """A row's error (a lazy gettext string) as its message id and values, so that it can be
    said again later in whichever language the reader uses."""
    if isinstance(error, LazyString) and error._args:
        return {"msgid": error._args[0], "values": dict(error._kwargs)}
    return {"text": str(error)}


def _error_from(data: dict[str, Any]) -> Any:
    """The error again, lazy as it was (and not a call that extraction would take for a
    message of its own)."""
    if "msgid" in data:
        return LazyString(gettext, data["msgid"], **data.get("values", {}))
    return data.get("text", "")


def rows_json(rows: Sequence[PlanRow]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        item = {f.name: getattr(row, f.name) for f in fields(PlanRow)}
        for name in (*DATES, *MOMENTS):
            item[name] = item[name].isoformat() if item[name] is not None else None
        item["kind"] = row.kind.value if row.kind else None
        item["errors"] = [_error_json(e) for e in row.errors]
        out.append(item)
    return out


def rows_from_json(data: Sequence[dict[str, Any]]) -> list[PlanRow]:
    rows = []
    known = {f.name for f in fields(PlanRow)}
    for item in data:
        values = {k: v for k, v in item.items() if k in known}
        for name in DATES:
            values[name] = date.fromisoformat(values[name]) if values.get(name) else None
        for name in MOMENTS:
            values[name] = datetime.fromisoformat(values[name]) if values.get(name) else None
        values["kind"] = FairKind(values["kind"]) if values.get("kind") else None
        values["sectors"] = list(values.get("sectors") or [])
        values["errors"] = [_error_from(e) for e in values.get("errors") or []]
        rows.append(PlanRow(**values))
    return rows


# --- reading a file or an address ------------------------------------------------------------


def read_upload(filename: str, data: bytes) -> list[PlanRow]:
    """The rows of an uploaded plan; ImportRefused (in words) when the file cannot be read."""
    try:
        return parse_file(filename, data)
    except ImportFileError as exc:
        raise ImportRefused(str(exc.message)) from None


def fetch_calendar(url: str) -> bytes:
    """The calendar at an https address, as the webhooks reach their targets: the host
    resolved once and every address checked (no loopback, private or link-local network unless
    IMPORTS_ALLOW_PRIVATE), the connection made to the checked address; redirects followed (and
    checked) up to three times; at most MAX_BYTES within IMPORTS_FETCH_SECONDS."""
    config = current_app.config
    for _hop in range(REDIRECTS + 1):
        try:
            target = targets.resolve(
                url,
                allow_http=config["IMPORTS_ALLOW_HTTP"],
                allow_private=config["IMPORTS_ALLOW_PRIVATE"],
            )
        except targets.PrivateTarget:
            raise ImportRefused(
                _("The address leads to a private or local network, out of FairPlanner's reach.")
            ) from None
        except targets.TargetRefused as exc:
            raise ImportRefused(str(exc)) from None
        try:
            answer = transport.get(
                target,
                timeout=config["IMPORTS_FETCH_SECONDS"],
                max_bytes=MAX_BYTES,
                user_agent="FairPlanner-Import/1",
            )
        except transport.TooBig:
            raise ImportRefused(
                _(
                    "The calendar at this address is larger than %(size)s MB.",
                    size=MAX_BYTES // (1024 * 1024),
                )
            ) from None
        except TimeoutError:
            raise ImportRefused(
                _("The server at this address did not send the calendar in time.")
            ) from None
        except ssl.SSLError:
            raise ImportRefused(
                _("The server's secure connection (its certificate) could not be checked.")
            ) from None
        except (OSError, http.client.HTTPException):
            raise ImportRefused(_("The server at this address did not answer.")) from None
        if answer.status in (301, 302, 303, 307, 308) and answer.location:
            url = urljoin(url, answer.location)
            continue
        if answer.status == 404:
            raise ImportRefused(_("There is no calendar at this address (the server says 404)."))
        if answer.status in (401, 403):
            raise ImportRefused(
                _("The server refuses to give this calendar: is the address public?")
            )
        if answer.status != 200:
            raise ImportRefused(
                _("The server answered with an error (HTTP %(status)s).", status=answer.status)
            )
        return answer.body
    raise ImportRefused(_("The address sends the request elsewhere too many times."))


def read_address(url: str) -> list[PlanRow]:
    url = url.strip()
    body = fetch_calendar(url)
    name = url.rsplit("/", 1)[-1].split("?", 1)[0] or "calendar.ics"
    return read_upload(name if name.lower().endswith(".ics") else f"{name}.ics", body)


def store_batch(
    organizer_id: int, *, user: User | None, source: str, rows: Sequence[PlanRow]
) -> FairImport:
    batch = FairImport(
        organizer_id=organizer_id,
        user_id=user.id if user else None,
        source=source[:2000],
        rows=rows_json(rows),
        status=PENDING,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def history(organizer_id: int) -> Any:
    """The organizer's imports, newest first (their users for the list, in one query)."""
    return (
        select(FairImport)
        .where(FairImport.organizer_id == organizer_id)
        .options(selectinload(FairImport.user))  # the list names who imported
        .order_by(FairImport.created_at.desc(), FairImport.id.desc())
        .limit(HISTORY)
    )


def expired(batch: FairImport) -> bool:
    return batch.status == PENDING and utcnow() - batch.created_at > EXPIRES_AFTER


# --- what each row would do ------------------------------------------------------------------

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"


@dataclass
class RowPlan:
    """One row as it would be applied: a new fair, an update of `fair`, nothing, or errors."""

    row: PlanRow
    action: str
    fair: Fair | None = None
    data: services.FairData | None = None
    external_id: str | None = None  # to keep on the fair (None: keep what it has)
    changed: list[str] = field(default_factory=list)  # FairData fields that change
    by_name: bool = False  # found by its name and year rather than by its id
    errors: list[Any] = field(default_factory=list)
    venue: Venue | None = None  # as matched in the catalogue

    @property
    def signature(self) -> str:
        fair = f"{self.fair.id}.{self.fair.revision}" if self.fair is not None else "-"
        return f"{self.row.line}:{self.action}:{fair}"


def digest(plans: Sequence[RowPlan]) -> str:
    """What the preview showed, in short: a confirmation of another plan is refused."""
    return hashlib.sha256("|".join(p.signature for p in plans).encode()).hexdigest()[:32]


def _slug(row: PlanRow, taken: set[str]) -> str:
    base = slugify(row.name_en or row.name_ru, max_length=SLUG_LENGTH) or "fair"
    year = str(row.starts_on.year) if row.starts_on else ""
    if year and not base.endswith(year):
        base = f"{base}-{year}"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _new_data(found: Matched, slug: str, today: date) -> services.FairData:
    row = found.row
    if row.starts_on is None or row.ends_on is None or found.venue is None:
        raise ValueError(f"row {row.line} has errors")  # plan() passes valid rows only
    opens = min(today, row.starts_on)
    deadline = max(opens, row.starts_on - REGISTRATION_CLOSES)
    return services.FairData(
        slug=slug,
        name_ru=row.name_ru,
        name_en=row.name_en or None,
        description_ru=row.description_ru or None,
        description_en=row.description_en or None,
        kind=row.kind or FairKind.EXHIBITION,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        venue_id=found.venue.id,
        sector_codes=[s.code for s in found.sectors],
        registration_opens_on=opens,
        registration_deadline=deadline,
        capacity=None,
        capacity_unit=CapacityUnit.STANDS,
        stand_area_min=Decimal(4),
        stand_area_max=Decimal(500),
        website=row.website or None,
    )


def _update_data(found: Matched, fair: Fair) -> services.FairData:
    """The fair with the row's values; an empty cell keeps the fair's. A registration window
    that would end after the fair moves in with it."""
    row = found.row
    if row.starts_on is None or row.ends_on is None or found.venue is None:
        raise ValueError(f"row {row.line} has errors")  # plan() passes valid rows only
    deadline = min(fair.registration_deadline, row.ends_on)
    opens = min(fair.registration_opens_on, deadline)
    return services.FairData(
        slug=fair.slug,
        name_ru=row.name_ru,
        name_en=row.name_en or fair.name_en,
        description_ru=row.description_ru or fair.description_ru,
        description_en=row.description_en or fair.description_en,
        kind=row.kind or fair.kind,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        venue_id=found.venue.id,
        sector_codes=[s.code for s in found.sectors] or [s.code for s in fair.sectors],
        registration_opens_on=opens,
        registration_deadline=deadline,
        capacity=fair.capacity,
        capacity_unit=fair.capacity_unit,
        stand_area_min=fair.stand_area_min,
        stand_area_max=fair.stand_area_max,
        website=row.website or fair.website,
    )


def _changed(fair: Fair, data: services.FairData) -> list[str]:
    changed = []
    for name, value in asdict(data).items():
        if name == "sector_codes":
            if sorted(s.code for s in fair.sectors) != sorted(value):
                changed.append("sectors")
        elif json_value(getattr(fair, name)) != json_value(value):
            changed.append(name)
    return changed


def _row_errors(row: PlanRow) -> list[Any]:
    errors = []
    if len(row.external_id) > ID_LENGTH:
        errors.append(_l("The id is longer than %(count)s characters.", count=ID_LENGTH))
    if len(row.website) > WEBSITE_LENGTH:
        errors.append(
            _l("The website address is longer than %(count)s characters.", count=WEBSITE_LENGTH)
        )
    return errors


def plan(organizer_id: int, rows: Sequence[PlanRow]) -> list[RowPlan]:
    """Each row matched to the catalogue and to the organizer's fairs (a few queries, whatever
    the number of rows): what confirming would do with it."""
    matched = match(
        rows,
        sectors=db.session.scalars(catalogue_queries.sectors()).all(),
        cities=db.session.scalars(select(City)).all(),
        venues=db.session.scalars(select(Venue)).all(),
    )
    fairs = db.session.scalars(
        select(Fair)
        .where(Fair.organizer_id == organizer_id)
        .options(selectinload(Fair.sectors))  # compared with each row's sectors
    ).all()
    by_id = {f.external_id: f for f in fairs if f.external_id}
    by_name: dict[tuple[str, int], list[Fair]] = {}
    for fair in fairs:
        by_name.setdefault((norm(fair.name_ru), fair.starts_on.year), []).append(fair)
    taken = set(db.session.scalars(select(Fair.slug)))
    claimed: dict[int, int] = {}  # fair id -> the row that updates it
    today = minsk_today()
    plans = []
    for found in matched:
        row = found.row
        result = RowPlan(
            row=row, action=ERROR, errors=[*row.errors, *_row_errors(row)], venue=found.venue
        )
        plans.append(result)
        if result.errors:
            continue
        assert row.starts_on is not None  # noqa: S101 - a row without errors has its dates
        fair = by_id.get(row.external_id) if row.external_id else None
        if fair is None:
            named = [
                f
                for f in by_name.get((norm(row.name_ru), row.starts_on.year), [])
                if not (row.external_id and f.external_id)  # a fair with another id is another
            ]
            if len(named) > 1:
                result.errors.append(
                    _l(
                        "Your organization has several fairs of this name in %(year)s: give "
                        "the row an id, or rename one of them.",
                        year=row.starts_on.year,
                    )
                )
                continue
            fair = named[0] if named else None
            result.by_name = fair is not None
        if fair is not None and fair.id in claimed:
            result.errors.append(
                _l("Row %(line)s updates the same fair already.", line=claimed[fair.id])
            )
            continue
        result.external_id = row.external_id or None
        if fair is None:
            result.action, result.data = NEW, _new_data(found, _slug(row, taken), today)
            continue
        claimed[fair.id] = row.line
        result.fair, result.data = fair, _update_data(found, fair)
        result.changed = _changed(fair, result.data)
        new_id = result.external_id is not None and result.external_id != fair.external_id
        result.action = UPDATE if result.changed or new_id else UNCHANGED
    return plans


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


def count(plans: Sequence[RowPlan]) -> Counts:
    counts = Counts()
    for p in plans:
        if p.action == NEW:
            counts.created += 1
        elif p.action == UPDATE:
            counts.updated += 1
        elif p.action == UNCHANGED:
            counts.unchanged += 1
        else:
            counts.failed += 1
    return counts


def batch_plan(batch: FairImport) -> list[RowPlan]:
    return plan(batch.organizer_id, rows_from_json(batch.rows))


@dataclass
class Outcome:
    """A row of an applied import: what it did, and to which fair (None: gone since)."""

    row: PlanRow
    action: str
    fair: Fair | None


def outcomes(batch: FairImport) -> list[Outcome]:
    """The rows of an applied import with the fairs they made or changed (one query)."""
    rows = rows_from_json(batch.rows)
    done = [tuple(item.get("outcome") or (ERROR, None)) for item in batch.rows]
    ids = [fair_id for _action, fair_id in done if fair_id is not None]
    fairs = {f.id: f for f in db.session.scalars(select(Fair).where(Fair.id.in_(ids)))}
    return [
        Outcome(row, action, fairs.get(fair_id) if fair_id is not None else None)
        for row, (action, fair_id) in zip(rows, done, strict=True)
    ]


def set_counts(batch: FairImport, counts: Counts) -> None:
    """What the rows would do (pending) or did (applied), for the import history."""
    for name, value in asdict(counts).items():
        setattr(batch, name, value)


# --- confirming ------------------------------------------------------------------------------


def apply_batch(batch: FairImport, *, actor: User, seen: str) -> Counts:
    """Apply the valid rows of a previewed import: new fairs as drafts (create_fair), changes
    of existing ones (update_fair), each in its fair's change log as an import. Once only: the
    batch is claimed by a conditional UPDATE, so a second confirmation (or two at once) finds
    it taken and changes nothing. `seen`: the digest of the preview the organizer confirmed."""
    if expired(batch):
        raise ImportGone(_("This preview has expired. Upload the file again."))
    claimed = db.session.execute(
        update(FairImport)
        .where(FairImport.id == batch.id, FairImport.status == PENDING)
        .values(status=APPLIED, applied_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise ImportGone(_("This import has been applied already."))
    plans = batch_plan(batch)
    if digest(plans) != seen:
        raise ImportRefused(
            _("Your fairs changed after the preview was shown. Check the preview again.")
        )
    source = batch.source
    done: dict[int, tuple[str, int | None]] = {}  # row line -> (action, fair id)
    for p in plans:
        try:
            if p.action == NEW and p.data is not None:
                fair = services.create_fair(
                    p.data,
                    organizer_id=batch.organizer_id,
                    actor=actor,
                    imported_from=source,
                    external_id=p.external_id,
                )
                done[p.row.line] = (NEW, fair.id)
                continue
            if p.action == UPDATE and p.fair is not None and p.data is not None:
                services.update_fair(
                    p.fair,
                    p.data,
                    actor=actor,
                    seen_revision=p.fair.revision,
                    imported_from=source,
                    external_id=p.external_id,
                )
        except DomainError as exc:
            raise ImportRefused(
                _("Row %(line)s: %(error)s", line=p.row.line, error=exc.message)
            ) from None
        done[p.row.line] = (p.action, p.fair.id if p.fair is not None else None)
    counts = count(plans)
    db.session.refresh(batch)
    set_counts(batch, counts)
    # What each row did, for the import's page and history (the errors stay as they were read).
    batch.rows = [{**item, "outcome": done.get(item["line"], (ERROR, None))} for item in batch.rows]
    db.session.flush()
    return counts
