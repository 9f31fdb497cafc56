"""Calendar downloads and subscription feeds, with validators that make refreshes cheap."""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import astuple
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from threading import Lock
from typing import TYPE_CHECKING, Any
from unicodedata import normalize
from urllib.parse import parse_qsl, quote

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import MultiDict
from werkzeug.http import is_resource_modified, parse_date

from fairplanner.accounts.views import company_required
from fairplanner.cache import build_id, cached, generations, shared_cache
from fairplanner.calendars import feed, ical, queries, services
from fairplanner.calendars.context import context, refresh
from fairplanner.catalogue import queries as catalogue_queries
from fairplanner.catalogue.models import Fair, FairKind, Oblast
from fairplanner.catalogue.queries import FairFilters
from fairplanner.db import utcnow
from fairplanner.display import company_name
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, current_language, localized, minsk_today

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

bp = Blueprint("calendars", __name__)
# Raise when the builders or their translations change, so that every feed is rebuilt.
CALENDAR_BUILD = 2


def feed_language() -> str:
    """`lang=ru|en` in the address (calendar clients send no cookies), else the interface's."""
    lang = request.args.get("lang", "")
    return lang if lang in current_app.config["LANGUAGES"] else current_language()


def etag_of(validator: Sequence[Any]) -> str:
    # The build version and the addresses are part of every calendar too: a deploy that
    # changes them must not be answered from an old cached body or with a 304.
    config = current_app.config
    key = (CALENDAR_BUILD, config["PUBLIC_BASE_URL"], config["ICAL_DOMAIN"], *validator)
    return hashlib.sha256(repr(key).encode()).hexdigest()[:32]


def calendar_response(
    build: Callable[[], bytes],
    *,
    validator: Sequence[Any] = (),
    last_modified: datetime | None,
    etag: str | None = None,
    filename: str | None = None,
    inline: bool = False,
    private: bool = False,
) -> Response:
    """200 with the calendar, or 304 when the client's copy is current (without building it).

    The ETag is derived from `validator` (everything the calendar shows), unless given."""
    etag = etag or etag_of(validator)
    modified = last_modified or datetime(2000, 1, 1, tzinfo=UTC)
    if not modified_since(request.environ, etag, modified):
        response = Response(status=304)
    else:
        body = _cached_or_built(f"ics:{build_id()}:{etag}", build)
        response = Response(body, content_type="text/calendar; charset=utf-8")
        disposition = "attachment" if filename and not inline else "inline"
        response.headers["Content-Disposition"] = content_disposition(
            disposition, filename or "fairplanner.ics"
        )
    return _with_validators(response, etag, modified, private=private)


def content_disposition(disposition: str, filename: str) -> str:
    """The header with the file name as it is (RFC 6266 `filename*`) and an ASCII one for
    clients that read only `filename`."""
    if filename.isascii() and '"' not in filename and "\\" not in filename:
        return f'{disposition}; filename="{filename}"'
    plain = normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._ -]+", "", plain)
    plain = re.sub(r"\s+", " ", plain).strip(" .-") or "fairplanner.ics"
    if not plain.endswith(".ics"):
        plain = f"{plain.removesuffix('.ics')}.ics"
    return f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def modified_since(environ: WSGIEnvironment, etag: str, modified: datetime) -> bool:
    """Whether the client's copy is out of date. If-None-Match, when sent, decides alone (RFC
    9110 13.2.2). If-Modified-Since alone compares with the exact moment of the last change,
    not its whole second: the date a client holds is one `http_last_modified` gave, which is
    never earlier than what its body shows nor later than when it was sent, so any later
    change, even within the same second, is later than that date."""
    if environ.get("HTTP_IF_NONE_MATCH"):
        return is_resource_modified(environ, etag=etag)
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    return since is None or _aware(modified) > since


def http_last_modified(modified: datetime, now: datetime | None = None) -> datetime:
    """The Last-Modified to send: the last change rounded up to its next whole second once
    that second is over (so that If-Modified-Since with it covers that change), else rounded
    down, which is earlier than the change: an If-Modified-Since with it gets the body again
    until the second is over, as a change may yet come within it."""
    modified = _aware(modified)
    whole = modified.replace(microsecond=0)
    if whole == modified:
        return whole
    up = whole + timedelta(seconds=1)
    return up if up <= (now or utcnow()) else whole


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _with_validators(
    response: Response, etag: str, modified: datetime, *, private: bool
) -> Response:
    response.set_etag(etag)
    response.last_modified = http_last_modified(modified)
    response.headers["Cache-Control"] = f"{'private' if private else 'public'}, max-age=300"
    return response


_building: dict[str, Lock] = {}
_building_guard = Lock()


def _cached_or_built(key: str, build: Callable[[], bytes]) -> bytes:
    """The body from the shared cache, or built by one thread of this process while any
    others asking for the same one wait for it (the national feed takes about a second, and
    a burst of subscribers must not build it once each)."""
    cache = shared_cache()
    body = cache.get(key)
    if body is not None:
        return body
    with _building_guard:
        lock = _building.setdefault(key, Lock())
    with lock:
        body = cache.get(key)
        if body is None:
            # Tens of thousands of short-lived objects: collection passes would only slow
            # the build down (a third of it, measured); nothing here forms a cycle to collect.
            gc.disable()
            try:
                body = build()
            finally:
                gc.enable()
            cache.set(key, body)
    with _building_guard:
        _building.pop(key, None)
    return body


def feed_filters(args: MultiDict[str, str]) -> FairFilters:
    """The catalogue filters a feed takes, read without the list's choice queries: a feed is
    polled all day long, and an unknown code simply matches nothing."""
    max_query = current_app.config["MAX_QUERY_LENGTH"]

    def enum(cls: type[StrEnum], value: str | None) -> Any:
        try:
            return cls(value) if value else None
        except ValueError:
            return None

    return FairFilters(
        q=(args.get("q") or "")[:max_query] or None,
        sector=args.get("sector") or None,
        city=args.get("city") or None,
        oblast=enum(Oblast, args.get("oblast")),
        organizer=args.get("organizer") or None,
        kind=enum(FairKind, args.get("kind")),
    )


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), MINSK).astimezone(UTC)


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


@bp.get("/fairs/<slug>.ics")
def fair(slug: str) -> ResponseReturnValue:
    """One fair with its programme, to download or subscribe to."""
    fair = db.one_or_404(catalogue_queries.fair_by_slug(slug))
    lang = feed_language()
    items = fair.programme
    validator = (
        lang,
        fair.id,
        fair.revision,
        fair.updated_at,
        tuple((i.id, i.revision) for i in items),
    )
    return calendar_response(
        lambda: ical.build_calendar(
            [ical.Entry(fair)], context(lang), name=_localized_name(fair, lang), refresh=refresh()
        ),
        validator=validator,
        last_modified=_latest(fair.updated_at, *(i.updated_at for i in items)),
        filename=f"{fair.slug}.ics",
    )


@bp.get("/fairs/<slug>/events/<int(max=2147483647):event_id>.ics")
def event(slug: str, event_id: int) -> ResponseReturnValue:
    """One programme item."""
    fair = db.one_or_404(catalogue_queries.fair_by_slug(slug))
    item = next((i for i in fair.programme if i.id == event_id), None)
    if item is None:
        abort(404)
    lang = feed_language()
    return calendar_response(
        lambda: ical.build_calendar(
            [ical.Entry(fair)],
            context(lang),
            name=_localized_name(fair, lang),
            refresh=refresh(),
            only=item,
        ),
        validator=(lang, fair.id, fair.revision, item.id, item.revision),
        last_modified=_latest(fair.updated_at, item.updated_at),
        filename=f"{fair.slug}-{item.id}.ics",
    )


def _localized_name(fair: Fair, lang: str) -> str:
    return f"{localized(fair, 'name', lang)} · FairPlanner"


@bp.get("/calendar.ics")
def public_feed() -> ResponseReturnValue:
    """All published fairs (upcoming and of the last 90 days), filtered like the catalogue."""
    lang = feed_language()
    today, now = minsk_today(), utcnow()
    filters = feed_filters(request.args)
    stmt = queries.public_feed(filters, today=today, now=now)
    # Read before the validators: a change in between makes the remembered poll useless,
    # never wrong (see AnswerPolls).
    generation = generations().get("catalogue") if current_app.config["PAGE_CACHE"] else None

    def fingerprint() -> tuple[Sequence[Any], datetime | None]:
        row = db.session.execute(queries.fingerprint(stmt)).one()
        changed = db.session.execute(queries.last_change()).one()
        # The window moves with the date, so the day is part of both validators. The filters
        # as understood, not the raw query string: junk parameters make no new versions.
        return (lang, today, astuple(filters), tuple(row)), _latest(*changed, start_of(today))

    parts = (lang, today, astuple(filters))
    etag, last_modified = cached_validators("feed", ("catalogue",), parts, fingerprint)
    if generation is not None and last_modified is not None:
        if len(_polls) >= POLLS_REMEMBERED:
            _polls.clear()
        _polls[(generation, today, request.query_string, lang)] = (etag, last_modified)

    def build() -> bytes:
        with force_locale(lang):
            name = _("Trade fairs in Belarus · FairPlanner")
        fairs = [ical.Entry(f) for f in feed.load(stmt, lang)]
        return ical.build_calendar(fairs, context(lang), name=name, refresh=refresh())

    return calendar_response(build, etag=etag, last_modified=last_modified)


def cached_validators(
    kind: str,
    depends_on: tuple[str, ...],
    parts: tuple[Any, ...],
    fingerprint: Callable[[], tuple[Sequence[Any], datetime | None]],
) -> tuple[str, datetime | None]:
    """A feed's ETag and Last-Modified from its `fingerprint()` (aggregate queries), which is
    run once per generation of what the feed shows (fairplanner.cache): a poll in between
    costs no query."""

    def encoded() -> bytes:
        validator, last_modified = fingerprint()
        moment = last_modified.isoformat() if last_modified else ""
        return f"{etag_of(validator)} {moment}".encode()

    etag, moment = cached(kind, depends_on, parts, encoded).decode().split(" ", 1)
    return etag, datetime.fromisoformat(moment) if moment else None


# (catalogue generation, date, query string, language) -> the validators the public feed last
# answered with in this process, for AnswerPolls: a poll then needs neither Flask nor a cache
# round trip.
_polls: dict[tuple[int, date, bytes, str], tuple[str, datetime]] = {}
POLLS_REMEMBERED = 10_000


class AnswerPolls:
    """WSGI middleware in front of Flask: a poll of the public feed that names its language
    (`?lang=`, as every subscription address does) and sends the ETag this process last
    answered for that generation, date and query, gets its 304 without Flask's request
    machinery (sessions, rate limits, security headers are of no use to an empty answer).
    Anything else, including the first poll after a change, goes to the app.

    The answer is remembered under the generation read *before* the validators were: after a
    change it no longer matches the current generation, and the poll goes to the app."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        client_etag = environ.get("HTTP_IF_NONE_MATCH")
        if (
            client_etag
            and environ.get("PATH_INFO") == "/calendar.ics"
            and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and self.app.config["PAGE_CACHE"]
        ):
            answer = self._answer(environ.get("QUERY_STRING", ""), client_etag)
            if answer is not None:
                return answer(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _answer(self, query: str, client_etag: str) -> Response | None:
        # The first `lang`, blank or not, as request.args.get() reads it.
        pairs = parse_qsl(query, keep_blank_values=True)
        lang = next((value for key, value in pairs if key == "lang"), None)
        if lang not in self.app.config["LANGUAGES"]:
            return None
        with self.app.app_context():
            generation = generations().get("catalogue")
        if generation is None:
            return None
        known = _polls.get((generation, minsk_today(), query.encode("latin-1"), lang))
        if known is None or client_etag.strip() not in (f'"{known[0]}"', f'W/"{known[0]}"'):
            return None
        response = _with_validators(Response(status=304), *known, private=False)
        response.headers["Vary"] = "Cookie, Accept-Language"  # as on the app's own answers
        return response


@bp.get("/calendar/<token>.ics")
def company_feed(token: str) -> ResponseReturnValue:
    """A company's own fairs and its status in each; the address is the only key."""
    found = db.session.scalar(queries.token(token))
    if found is None:
        abort(404)
    if found.revoked_at is not None:
        abort(410)  # Thunderbird disables a calendar on 410; a 404 reads as "now empty"
    lang = feed_language()

    def fingerprint() -> tuple[Sequence[Any], datetime | None]:
        row = db.session.execute(queries.company_fingerprint(found.company_id)).one()
        return (lang, found.token, name, tuple(row)), _latest(row[1], row[4], row[7])

    # The company's name is the calendar's: a new name is a new version.
    name = f"FairPlanner — {company_name(found.company)}"
    parts = (found.token, lang, name)
    depends_on = ("catalogue", "registrations")
    etag, last_modified = cached_validators("company-feed", depends_on, parts, fingerprint)

    def build() -> bytes:
        rows = db.session.execute(queries.company_feed(found.company_id)).unique().all()
        entries = [
            ical.Entry(
                r.fair,
                status=r.status.value,
                version=int(versions or 0),
                changed_at=r.updated_at,
                owner=r.company_id,
                role=r.role.value,
            )
            for r, versions in rows
        ]
        return ical.build_calendar(entries, context(lang), name=name, refresh=refresh())

    return calendar_response(
        build,
        etag=etag,
        last_modified=last_modified,
        filename=f"{name}.ics",
        inline=True,
        private=True,
    )


@bp.post("/my/calendar/regenerate")
@login_required
def regenerate() -> ResponseReturnValue:
    """Replace the company's feed address (when it leaked); the old one stops working."""
    services.regenerate_token(company_required())
    db.session.commit()
    flash(
        _("Your calendar has a new address. Subscribe to it again; the old one no longer works."),
        "success",
    )
    return redirect(url_for("registrations.mine") + "#calendar")
