"""The check-in desk of a fair's entrance staff: the page (static/js/checkin.js), one scan,
a device's queue of scans made offline, and the name search.

Every rule of the answer is fairplanner.tickets.services.check_in's; these views read the JSON a
device sends, answer in the staff member's language, and commit. A scan id sent again gets the
stored answer, so a device may resend its queue as often as its network makes it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_time
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.errors import DomainError
from fairplanner.extensions import db, limiter
from fairplanner.i18n import format_date_range, localized, minsk_today
from fairplanner.organizers.views import bp, scoped_fair, staff_required
from fairplanner.tickets import queries, services
from fairplanner.tickets.models import CheckIn, ScanResult, Ticket

SEARCH_MIN = 2


def _limit() -> str:
    return current_app.config["CHECKIN_RATE_LIMIT"]


def _staff_member() -> str:
    """Counted per staff member: a gate's phones often share one address (the venue's Wi-Fi)."""
    user_id = current_user.get_id() if current_user.is_authenticated else None
    return f"user:{user_id}" if user_id else get_remote_address()


checkin_limit = limiter.limit(_limit, key_func=_staff_member)


class BadScan(ValueError):
    """A scan in the request is not one a device sends (the message says what is wrong)."""


@bp.get("/fairs/<slug>/checkin")
@staff_required
def checkin(slug: str) -> ResponseReturnValue:
    """The desk: camera, typed code, name search, and the scans kept while offline."""
    fair = scoped_fair(slug)
    today = minsk_today()
    if fair.status == FairStatus.CANCELLED:
        state = "cancelled"
    elif today < fair.starts_on:
        state = "before"
    elif today > fair.ends_on:
        state = "over"
    else:
        state = "on"
    return render_template("organizers/checkin/desk.html", fair=fair, state=state)


@bp.post("/fairs/<slug>/checkin/scan")
@staff_required
@checkin_limit
def checkin_scan(slug: str) -> ResponseReturnValue:
    """Answer one scan made online."""
    fair = scoped_fair(slug)
    try:
        scan = _scan(request.get_json(silent=True), offline=False)
        entry = services.check_in(fair, scan, staff=current_user._get_current_object())
    except BadScan as exc:
        return jsonify(message=str(exc)), 400
    except DomainError as exc:
        db.session.rollback()
        return jsonify(message=exc.message), exc.status_code
    answer = _answer(fair, entry)
    db.session.commit()
    return jsonify(answer)


@bp.post("/fairs/<slug>/checkin/sync")
@staff_required
@checkin_limit
def checkin_sync(slug: str) -> ResponseReturnValue:
    """Answer a device's queue of offline scans, each by its scan id (the same if sent again)."""
    fair = scoped_fair(slug)
    data = request.get_json(silent=True)
    items = data.get("scans") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return jsonify(message=_("The request holds no list of scans.")), 400
    if len(items) > services.MAX_BATCH:
        message = _("Send at most %(count)d scans at once.", count=services.MAX_BATCH)
        return jsonify(message=message), 413
    staff = current_user._get_current_object()
    answers: dict[str, dict[str, Any]] = {}
    scans = []
    for item in items:
        scan_id = item.get("scan_id") if isinstance(item, dict) else None
        if not isinstance(scan_id, str) or not scan_id or "\x00" in scan_id:
            continue  # nothing the device could match an answer to
        try:
            scans.append(_scan(item, offline=True))
        except BadScan as exc:
            answers[scan_id] = _refused(scan_id, str(exc))
    readable = [scan for scan in scans if scan.scan_id not in answers]
    for scan_id, answer in services.check_in_many(fair, readable, staff=staff).items():
        if isinstance(answer, DomainError):
            answers[scan_id] = _refused(scan_id, answer.message)
        else:
            answers[scan_id] = _answer(fair, answer)
    db.session.commit()
    return jsonify(results=list(answers.values()))


@bp.get("/fairs/<slug>/checkin/search")
@staff_required
@checkin_limit
def checkin_search(slug: str) -> ResponseReturnValue:
    """The fair's people whose name or company has every word typed, revoked tickets too."""
    fair = scoped_fair(slug)
    text = request.args.get("q", "").strip()[: current_app.config["MAX_QUERY_LENGTH"]]
    if len(text) < SEARCH_MIN:
        return jsonify(people=[], message=_("Type at least two letters.")), 422
    people = queries.search_people(fair.id, text)
    return jsonify(people=[_person(ticket) for ticket in people])


# --- reading and answering ------------------------------------------------------------------


def _text(data: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or "\x00" in value or (required and not value.strip()):
        raise BadScan(_unreadable(key))
    return value


def _unreadable(key: str) -> str:
    return {
        "scan_id": _("The scan has no readable id."),
        "code": _("The scan has no readable code."),
        "gate": _("The scan has no readable gate."),
        "scanned_at": _("The scan has no readable time."),
    }[key]


def _scan(data: Any, *, offline: bool) -> services.Scan:
    """A device's scan: its id, what was read, the gate and the device's time (ISO 8601)."""
    if not isinstance(data, dict):
        raise BadScan(_("The request is not a scan."))
    scan_id = _text(data, "scan_id", required=True)
    code = _text(data, "code", required=True)
    gate = _text(data, "gate")
    when = _text(data, "scanned_at")
    scanned_at = None
    if when:
        try:
            scanned_at = datetime.fromisoformat(when)
        except ValueError:
            raise BadScan(_unreadable("scanned_at")) from None
        if scanned_at.tzinfo is None:
            scanned_at = scanned_at.replace(tzinfo=UTC)
    return services.Scan(
        scan_id=scan_id or "",
        code=(code or "")[:200],
        gate=gate,
        scanned_at=scanned_at,
        offline=offline,
    )


def _refused(scan_id: str, message: str) -> dict[str, Any]:
    return {
        "scan_id": scan_id,
        "result": "refused",
        "admits": False,
        "title": _("Not checked"),
        "message": message,
    }


def _answer(fair: Fair, entry: CheckIn) -> dict[str, Any]:
    """What the desk shows for a stored scan: the answer, who it is and why."""
    ticket = entry.ticket
    own = ticket is not None and ticket.fair_id == fair.id
    answer: dict[str, Any] = {
        "scan_id": entry.scan_id,
        "result": entry.result.value,
        "admits": entry.result.admits,
        "title": str(entry.result.title),
        "message": _message(fair, entry),
        "time": format_time(entry.scanned_at, "short"),  # in Minsk, as the site says times
    }
    # Another fair's ticket names its fair, not its holder.
    if own and ticket is not None:
        answer.update(_person(ticket, with_code=False))
    return answer


def _message(fair: Fair, entry: CheckIn) -> str:
    ticket = entry.ticket
    result = entry.result
    if result == ScanResult.VALID:
        return _("First entry today.")
    if result == ScanResult.ALREADY_ENTERED and entry.earlier is not None:
        earlier = entry.earlier
        at = format_time(earlier.scanned_at, "short")
        if earlier.gate:
            return _("First entry today at %(time)s, gate: %(gate)s.", time=at, gate=earlier.gate)
        return _("First entry today at %(time)s.", time=at)
    if result == ScanResult.REVOKED and ticket is not None and ticket.revoke_reason is not None:
        return str(ticket.revoke_reason.title)
    if result == ScanResult.WRONG_FAIR and ticket is not None:
        other = ticket.fair
        return _(
            "This ticket is for %(fair)s (%(dates)s).",
            fair=localized(other, "name"),
            dates=format_date_range(other.starts_on, other.ends_on),
        )
    if result == ScanResult.WRONG_DAY:
        if fair.status == FairStatus.CANCELLED:
            return _("The fair was cancelled.")
        dates = format_date_range(fair.starts_on, fair.ends_on)
        return _("The ticket admits only on the days of the fair: %(dates)s", dates=dates)
    if result == ScanResult.UNKNOWN:
        return _("No ticket has this code. Check it, or search by name.")
    return ""


def _person(ticket: Ticket, *, with_code: bool = True) -> dict[str, Any]:
    """Who holds the ticket; the search also gives the code its "Check in" button sends."""
    person: dict[str, Any] = {
        "name": ticket.name,
        "company": ticket.company_title,
        "role": str(ticket.role.title),
    }
    if with_code:
        person["code"] = ticket.code
        person["note"] = None
        if not ticket.active:
            person["note"] = (
                _("Ticket revoked. %(reason)s.", reason=ticket.revoke_reason.title)
                if ticket.revoke_reason is not None
                else _("Ticket revoked.")
            )
    return person
