"""Calendar downloads and subscription feeds, with validators that make refreshes cheap."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import astuple
from datetime import UTC, date, datetime, time
from enum import StrEnum
from threading import Lock
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

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
from werkzeug.http import is_resource_modified

from fairplanner.accounts.views import company_required
from fairplanner.cache import build_id, cached, generations, shared_cache
from fairplanner.calendars import feed, ical, queries, services
from fairplanner.calendars.context import context, refresh
from fairplanner.catalogue import queries as catalogue_queries
from fairplanner.catalogue.models import Fair, FairKind, Oblast
from fairplanner.catalogue.queries import FairFilters
from fairplanner.db import utcnow
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
    private: bool = False,
) -> Response:
    """200 with the calendar, or 304 when the client's copy is current (without building it).

    The ETag is derived from `validator` (everything the calendar shows), unless given."""
    etag = etag or etag_of(validator)
    modified = (last_modified or datetime(2000, 1, 1, tzinfo=UTC)).replace(microsecond=0)
    if not is_resource_modified(request.environ, etag=etag, last_modified=modified):
        response = Response(status=304)
    else:
        body = _cached_or_built(f"ics:{build_id()}:{etag}", build)
        response = Response(body, content_type="text/calendar; charset=utf-8")
        disposition = "attachment" if filename else "inline"
        response.headers["Content-Disposition"] = (
            f'{disposition}; filename="{filename or "fairplanner.ics"}"'
        )
    return _with_validators(response, etag, modified, private=private)


def _with_validators(
    response: Response, etag: str, modified: datetime, *, private: bool
) -> Response:
    response.set_etag(etag)
    response.last_modified = modified.replace(microsecond=0)
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
    key, known = _known_validators(lang, today, filters)
    if known is None:
        row = db.session.execute(queries.fingerprint(stmt)).one()
        changed = db.session.execute(queries.last_change()).one()
        # The window moves with the date, so the day is part of both validators. The filters
        # as understood, not the raw query string: junk parameters make no new versions.
        known = (
            etag_of((lang, today, astuple(filters), tuple(row))),
            _latest(*changed, start_of(today)),
        )
        if key is not None:
            value = f"{known[0]} {known[1].isoformat()}".encode()
            shared_cache().set(key, value, ttl=current_app.config["PAGE_CACHE_SECONDS"])

    def build() -> bytes:
        with force_locale(lang):
            name = _("Trade fairs in Belarus · FairPlanner")
        fairs = [ical.Entry(f) for f in feed.load(stmt, lang)]
        return ical.build_calendar(fairs, context(lang), name=name, refresh=refresh())

    return calendar_response(build, etag=known[0], last_modified=known[1])


def _known_validators(
    lang: str, today: date, filters: FairFilters
) -> tuple[str | None, tuple[str, datetime] | None]:
    """The public feed's cache key for its validators, and the validators (ETag and
    Last-Modified) when known: they come from two aggregate queries that are run once per
    catalogue generation (fairplanner.cache), so a poll in between costs no query."""
    if not current_app.config["PAGE_CACHE"]:
        return None, None
    generation = generations().get("catalogue")
    if generation is None:
        return None, None
    key = f"feed:{etag_of((build_id(), generation, lang, today, astuple(filters)))}"
    known = shared_cache().get(key)
    if known is None:
        return key, None
    etag, moment = known.decode().split(" ", 1)
    return key, (etag, datetime.fromisoformat(moment))


# (catalogue generation, date, query string, language) -> validators: this process's memory of
# the shared cache's answers, so that a poll needs no filter parsing and no cache round trip.
_polls: dict[tuple[int, date, bytes, str], tuple[str, datetime]] = {}
POLLS_REMEMBERED = 10_000


def answer_unchanged_poll() -> Response | None:
    """The most frequent request of all, a calendar client's poll of the public feed with the
    current ETag, answered before every other hook (rate limits, sessions) with its 304."""
    if request.endpoint != "calendars.public_feed" or not current_app.config["PAGE_CACHE"]:
        return None
    client_etag = request.headers.get("If-None-Match")
    generation = generations().get("catalogue")
    if not client_etag or generation is None:
        return None
    lang, today = feed_language(), minsk_today()
    memo = (generation, today, request.query_string, lang)
    known = _polls.get(memo)
    if known is None:
        _, known = _known_validators(lang, today, feed_filters(request.args))
        if known is None:
            return None
        if len(_polls) >= POLLS_REMEMBERED:
            _polls.clear()
        _polls[memo] = known
    etag, last_modified = known
    if client_etag.strip() not in (f'"{etag}"', f'W/"{etag}"'):
        return None  # another ETag, or several: the view decides
    return _with_validators(Response(status=304), etag, last_modified, private=False)


class AnswerPolls:
    """WSGI middleware in front of Flask: a poll of the public feed that names its language
    (`?lang=`, as every subscription address does) and sends the ETag this process last
    answered for that generation, date and query, gets its 304 without Flask's request
    machinery (sessions, rate limits, security headers are of no use to an empty answer).
    Anything else, including the first poll after a change, goes to the app."""

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

    def validators() -> bytes:
        row = db.session.execute(queries.company_fingerprint(found.company_id)).one()
        last_modified = _latest(row[1], row[4], row[7])
        moment = last_modified.isoformat() if last_modified else ""
        return f"{etag_of((lang, found.token, tuple(row)))} {moment}".encode()

    # The fingerprint's aggregates, once per generation of the catalogue and applications.
    known = cached("company-feed", ("catalogue", "registrations"), (found.token, lang), validators)
    etag, moment = known.decode().split(" ", 1)

    def build() -> bytes:
        rows = db.session.execute(queries.company_feed(found.company_id)).unique().all()
        entries = [
            ical.Entry(
                r.fair,
                status=r.status.value,
                version=int(versions or 0),
                owner=r.company_id,
                role=r.role.value,
            )
            for r, versions in rows
        ]
        with force_locale(lang):
            name = _("My fairs · FairPlanner")
        return ical.build_calendar(entries, context(lang), name=name, refresh=refresh())

    return calendar_response(
        build,
        etag=etag,
        last_modified=datetime.fromisoformat(moment) if moment else None,
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
