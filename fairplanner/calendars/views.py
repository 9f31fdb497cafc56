"""Calendar downloads and subscription feeds, with validators that make refreshes cheap."""

from __future__ import annotations

import gc
import gzip
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import astuple, replace
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
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.http import is_resource_modified, parse_date

from fairplanner.accounts.models import Company
from fairplanner.accounts.views import company_required
from fairplanner.cache import build_id, cached, generations, shared_cache
from fairplanner.calendars import feed, ical, private, queries, services
from fairplanner.calendars.context import context, refresh
from fairplanner.calendars.forms import FeedOptionsForm
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
CALENDAR_BUILD = 3
# The public feed's `detail`: the default holds one event per fair; this adds the programmes.
PROGRAMME = "programme"
# The ETag of a gzip body: the plain one's with this inside the quotes (RFC 9110 8.8.3.3).
GZIP_SUFFIX = "-gzip"


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
    status: int = 200,
) -> Response:
    """200 with the calendar (`status`), or 304 when the client's copy is current (without
    building it); gzip-compressed when the client accepts it (Accept-Encoding).

    The ETag is derived from `validator` (everything the calendar shows), unless given; a
    compressed body has its own (`GZIP_SUFFIX`). Both bodies are kept in the shared cache."""
    etag = etag or etag_of(validator)
    coding = negotiate_encoding(request.headers.get("Accept-Encoding"))
    if coding is None:
        return not_acceptable()
    tag = etag + GZIP_SUFFIX if coding == "gzip" else etag
    modified = last_modified or datetime(2000, 1, 1, tzinfo=UTC)
    if status == 200 and not modified_since(request.environ, tag, modified):
        response = Response(status=304)
    else:
        key = f"ics:{build_id()}:{etag}"
        if coding == "gzip":
            level = current_app.config["FEED_GZIP_LEVEL"]
            body = _cached_or_built(
                key + GZIP_SUFFIX, lambda: gzipped(_cached_or_built(key, build), level)
            )
        else:
            body = _cached_or_built(key, build)
        response = Response(body, status=status, content_type="text/calendar; charset=utf-8")
        if coding == "gzip":
            response.headers["Content-Encoding"] = "gzip"
        disposition = "attachment" if filename and not inline else "inline"
        response.headers["Content-Disposition"] = content_disposition(
            disposition, filename or "fairplanner.ics"
        )
    response.vary.add("Accept-Encoding")
    return _with_validators(response, tag, modified, private=private)


def gzipped(body: bytes, level: int) -> bytes:
    """`body` in gzip, the same bytes from the same input in every process: no file name,
    no modification time (mtime=0), the same level."""
    return gzip.compress(body, compresslevel=level, mtime=0)


def negotiate_encoding(header: str | None) -> str | None:
    """ "gzip" or "identity", whichever the Accept-Encoding header prefers (gzip on a tie), or
    None when it accepts neither (RFC 9110 12.5.3: `identity;q=0`, or `*;q=0` without
    naming identity). No header: identity; a header that lists no coding: identity only."""
    if header is None or not header.strip():
        return "identity"
    weights: dict[str, float] = {}
    for part in header.split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        name = name.lower()
        if not name:
            continue
        weight = 1.0
        for param in params:
            key, _sep, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    weight = 0.0  # a malformed weight accepts nothing
        name = "gzip" if name == "x-gzip" else name
        weights[name] = max(weight, weights.get(name, 0.0))
    star = weights.get("*")
    gzip_weight = weights.get("gzip", star if star is not None else 0.0)
    identity = weights.get("identity", star if star is not None else 1.0)
    if gzip_weight > 0 and gzip_weight >= identity:
        return "gzip"
    return "identity" if identity > 0 else None


def not_acceptable() -> Response:
    response = Response(
        _("This calendar is sent uncompressed or as gzip; the request accepts neither."),
        status=406,
        content_type="text/plain; charset=utf-8",
    )
    response.vary.add("Accept-Encoding")
    return response


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


def deleted_window() -> timedelta:
    return timedelta(days=current_app.config["FEED_DELETED_DAYS"])


def deleted_since(today: date) -> datetime:
    """Tombstones deleted since this moment are in the feeds: from midnight in Minsk, so that
    one leaves at a midnight, which the public feed's validators (they hold the day) cover."""
    return start_of(today - deleted_window())


def left_at(deleted_at: datetime) -> datetime:
    """When a tombstone deleted at `deleted_at` leaves the feeds (see `deleted_since`)."""
    return start_of(_aware(deleted_at).astimezone(MINSK).date() + deleted_window()) + timedelta(
        days=1
    )


@bp.get("/fairs/<slug>.ics")
def fair(slug: str) -> ResponseReturnValue:
    """One fair with its programme, and its recently deleted items as cancelled events, to
    download or subscribe to."""
    fair = db.one_or_404(catalogue_queries.fair_by_slug(slug))
    lang = feed_language()
    items = fair.programme
    since = deleted_since(minsk_today())
    tombstones = db.session.scalars(queries.deleted_items(fair.id)).all()
    shown = tuple(t for t in tombstones if _aware(t.deleted_at) >= since)
    # A tombstone that has left is a change of the body too, dated when it left.
    left = (left_at(t.deleted_at) for t in tombstones if _aware(t.deleted_at) < since)
    # A member of a company that asked for alarms gets them, with the registration deadline
    # they remind of; everyone else the same file as ever.
    alarms = _wants_alarms()
    validator = (
        lang,
        fair.id,
        fair.revision,
        fair.updated_at,
        tuple((i.id, i.revision) for i in items),
        tuple((t.id, t.revision, t.deleted_at) for t in shown),
        *(("alarms", fair.deadline_revision) if alarms else ()),
    )
    ctx = replace(context(lang), alarms=alarms)
    return calendar_response(
        lambda: ical.build_calendar(
            [ical.Entry(fair, deleted=shown, deadline=alarms)],
            ctx,
            name=_localized_name(fair, lang),
            refresh=refresh(),
        ),
        validator=validator,
        private=alarms,
        last_modified=_latest(
            fair.updated_at,
            *(i.updated_at for i in items),
            *(t.deleted_at for t in shown),
            *left,
        ),
        filename=f"{fair.slug}.ics",
    )


def _wants_alarms() -> bool:
    """Whether the signed-in user's company asked for alarms in its calendars."""
    company = getattr(current_user, "company", None) if current_user.is_authenticated else None
    return bool(company is not None and company.calendar_alarms)


@bp.get("/fairs/<slug>/events/<int(max=2147483647):event_id>.ics")
def event(slug: str, event_id: int) -> ResponseReturnValue:
    """One programme item; a deleted one answers 410 Gone with its cancellation."""
    fair = db.one_or_404(catalogue_queries.fair_by_slug(slug))
    item = next((i for i in fair.programme if i.id == event_id), None)
    if item is None:
        return _gone_event(fair, event_id)
    lang = feed_language()
    return _item_calendar(
        fair,
        lang,
        item.id,
        validator=(lang, fair.id, fair.revision, item.id, item.revision),
        last_modified=_latest(fair.updated_at, item.updated_at),
        only=item,
    )


def _gone_event(fair: Fair, event_id: int) -> ResponseReturnValue:
    """410 Gone with the deleted item's cancellation (METHOD:CANCEL, the item's UID, a higher
    SEQUENCE): a calendar that imported the item from here drops it. 404 for an id this fair
    never had, or whose item was deleted before the fair was public (no tombstone)."""
    gone = db.session.scalar(queries.deleted_item(fair.id, event_id))
    if gone is None:
        abort(404)
    lang = feed_language()
    return _item_calendar(
        fair,
        lang,
        gone.id,
        validator=("gone", lang, fair.id, fair.revision, gone.id, gone.revision, gone.deleted_at),
        last_modified=_latest(fair.updated_at, gone.deleted_at),
        status=410,
        gone=gone,
    )


def _item_calendar(
    fair: Fair,
    lang: str,
    item_id: int,
    *,
    validator: tuple[object, ...],
    last_modified: datetime | None,
    status: int = 200,
    **only_or_gone: object,
) -> ResponseReturnValue:
    """The calendar of one programme item of `fair`: the item (`only=`) or its cancellation
    (`gone=`)."""
    return calendar_response(
        lambda: ical.build_calendar(
            [ical.Entry(fair)],
            context(lang),
            name=_localized_name(fair, lang),
            refresh=refresh(),
            **only_or_gone,
        ),
        validator=validator,
        last_modified=last_modified,
        filename=f"{fair.slug}-{item_id}.ics",
        status=status,
    )


def _localized_name(fair: Fair, lang: str) -> str:
    return f"{localized(fair, 'name', lang)} · FairPlanner"


def feed_detail(args: MultiDict[str, str]) -> bool:
    """Whether the public feed holds the programmes (`detail=programme`); any other value is
    the default, one event per fair."""
    return args.get("detail") == PROGRAMME


@bp.get("/calendar.ics")
def public_feed() -> ResponseReturnValue:
    """Published fairs, upcoming and those that ended in the last FEED_PAST_DAYS days, filtered
    like the catalogue: one event per fair, or with `detail=programme` their programmes too
    (and their recently deleted items, cancelled)."""
    lang = feed_language()
    today, now = minsk_today(), utcnow()
    filters = feed_filters(request.args)
    programme = feed_detail(request.args)
    past_days = current_app.config["FEED_PAST_DAYS"]
    stmt = queries.public_feed(filters, today=today, now=now, past_days=past_days)
    since = deleted_since(today) if programme else None
    # Read before the validators: a change in between makes the remembered poll useless,
    # never wrong (see AnswerPolls).
    generation = generations().get("catalogue") if current_app.config["PAGE_CACHE"] else None

    def fingerprint() -> tuple[Sequence[Any], datetime | None]:
        row = db.session.execute(
            queries.fingerprint(stmt, programme=programme, deleted_since=since)
        ).one()
        changed = db.session.execute(queries.last_change()).one()
        # The window moves with the date, so the day is part of both validators. The filters
        # as understood, not the raw query string: junk parameters make no new versions.
        validator = (lang, today, past_days, programme, astuple(filters), tuple(row))
        return validator, _latest(*changed, start_of(today))

    parts = (lang, today, past_days, programme, astuple(filters))
    etag, last_modified = cached_validators("feed", ("catalogue",), parts, fingerprint)
    if generation is not None and last_modified is not None:
        if len(_polls) >= POLLS_REMEMBERED:
            _polls.clear()
        _polls[(generation, today, request.query_string, lang)] = (etag, last_modified)

    def build() -> bytes:
        with force_locale(lang):
            if programme:
                name = _("Trade fairs in Belarus with programmes · FairPlanner")
            else:
                name = _("Trade fairs in Belarus · FairPlanner")
        deleted = queries.shown(since) if programme else None
        rows = feed.load(stmt, lang, programme=programme, deleted=deleted)
        fairs = [ical.Entry(f, deleted=f.deleted) for f in rows]
        return ical.build_calendar(
            fairs, context(lang), name=name, refresh=refresh(), programme=programme
        )

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
            coding = negotiate_encoding(environ.get("HTTP_ACCEPT_ENCODING"))
            answer = self._answer(environ.get("QUERY_STRING", ""), client_etag, coding)
            if answer is not None:
                return answer(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _answer(self, query: str, client_etag: str, coding: str | None) -> Response | None:
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
        if known is None or coding is None:
            return None
        tag = known[0] + GZIP_SUFFIX if coding == "gzip" else known[0]
        if client_etag.strip() not in (f'"{tag}"', f'W/"{tag}"'):
            return None
        response = _with_validators(Response(status=304), tag, known[1], private=False)
        # As on the app's own answers.
        response.headers["Vary"] = "Accept-Encoding, Cookie, Accept-Language"
        return response


@bp.get("/calendar/<token>.ics")
def company_feed(token: str) -> ResponseReturnValue:
    """A company's own fairs (applied to or followed) and its status in each, with their
    registration deadlines and programmes as the company chose, and its B2B meetings; the
    address is the only key."""
    found = db.session.scalar(queries.token(token))
    if found is None:
        abort(404)
    if found.revoked_at is not None:
        abort(410)  # Thunderbird disables a calendar on 410; a 404 reads as "now empty"
    lang = feed_language()
    company = found.company
    deadlines, programme = found.include_deadlines, found.include_programme
    alarms = company.calendar_alarms

    def fingerprint() -> tuple[Sequence[Any], datetime | None]:
        row = db.session.execute(queries.company_fingerprint(found.company_id)).one()
        # The choices' changes date the body too: the token's, and the company's (alarms).
        # An unfollow moves only the ETag (a deleted follow leaves no time behind).
        # The meetings' changes and those of what their events show (queries.meetings_fingerprint).
        changed = _latest(
            *(row[i] for i in (1, 4, 7, 10, 13, 15, 16, 17)), found.changed_at, company.updated_at
        )
        return (lang, found.token, name, options, tuple(row)), changed

    # The company's name is the calendar's: a new name is a new version; so are its choices.
    name = f"FairPlanner — {company_name(company)}"
    options = (deadlines, programme, alarms)
    parts = (found.token, lang, name, options)
    depends_on = ("catalogue", "registrations", "meetings")
    etag, last_modified = cached_validators("company-feed", depends_on, parts, fingerprint)

    def build() -> bytes:
        entries = private.company_entries(found.company_id, deadlines=deadlines)
        return ical.build_calendar(
            entries,
            private.company_context(company, lang),
            name=name,
            refresh=refresh(),
            programme=programme,
            meetings=private.company_meetings(found.company_id, lang),
        )

    return calendar_response(
        build,
        etag=etag,
        last_modified=last_modified,
        filename=f"{name}.ics",
        inline=True,
        private=True,
    )


@bp.app_context_processor
def feed_options_form() -> dict[str, Any]:
    """`calendar_feed_options(company)` for the feed panel of "My fairs": the company's
    choice as a form, read from its current feed address."""

    def calendar_feed_options(company: Company) -> FeedOptionsForm:
        token = db.session.scalar(queries.active_token(company.id))
        return FeedOptionsForm(
            formdata=None,
            deadlines=token.include_deadlines if token else True,
            programme=token.include_programme if token else True,
        )

    return {"calendar_feed_options": calendar_feed_options}


@bp.post("/my/calendar/options")
@login_required
def options() -> ResponseReturnValue:
    """What the company's calendar holds besides its fairs: deadlines, programme items."""
    company = company_required()
    form = FeedOptionsForm()
    if form.validate_on_submit():
        services.set_feed_options(
            company, deadlines=form.deadlines.data, programme=form.programme.data
        )
        db.session.commit()
        flash(
            _("Your calendar's choices are saved; calendar apps show them at their next refresh."),
            "success",
        )
    else:
        flash(_("The choices could not be saved. Please try again."), "error")
    return redirect(url_for("registrations.mine") + "#calendar")


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
