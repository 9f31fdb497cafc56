"""A company's side of a fair's B2B meetings: the programme, its profile, the participant
directory, requests and their answers, and its agenda (with a print view).

Who sees what: the programme page is public. The directory and participants' pages are for
the fair's active participants and its organizer's staff (and admins). A company's requests,
agenda and the partners' contacts are its own: another company's meeting is a 404. Contacts
are shown only between companies with an accepted meeting (`queries.agreed_between`).
Every rule is the services'; their errors come back as a message with their status.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from fairplanner import confirm
from fairplanner.accounts.models import Company, Role
from fairplanner.accounts.views import company_required
from fairplanner.catalogue.models import Fair, Sector
from fairplanner.db import utcnow
from fairplanner.display import company_name, country_name
from fairplanner.errors import DomainError
from fairplanner.exhibitors.queries import visible_fair
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, localized
from fairplanner.meetings import queries, services
from fairplanner.meetings.forms import (
    ATTENDEE_ROWS,
    LANGUAGES,
    AcceptForm,
    DeclineForm,
    FollowUpForm,
    ProfileForm,
    ProposeForm,
    RequestForm,
    parse_slots,
    slot_choices,
    slot_label,
)
from fairplanner.meetings.models import (
    AGREED_STATES,
    Block,
    FollowUp,
    Meeting,
    MeetingState,
    Participant,
    Programme,
    Scheduling,
)
from fairplanner.registrations.forms import ConfirmForm
from fairplanner.text import fold

bp = Blueprint("meetings", __name__)
PER_PAGE = 30
FILTER_MAX = 60


# --- access ----------------------------------------------------------------------------------


def _programme(slug: str) -> tuple[Fair, Programme]:
    """The visible fair and its programme, else 404."""
    fair = db.one_or_404(visible_fair(slug))
    programme = db.session.scalar(queries.programme(fair.id))
    if programme is None:
        abort(404)
    return fair, programme


def _reader_participant(fair: Fair) -> Participant | None:
    """The reader's company's participant of the fair, active or not (None: none)."""
    if not current_user.is_authenticated or current_user.company_id is None:
        return None
    return db.session.scalar(queries.participant_of(fair.id, current_user.company_id))


def _own(fair: Fair) -> Participant:
    """The reader's company's active participant: 403 without a company, 404 if not one."""
    company_required()
    participant = _reader_participant(fair)
    if participant is None or not participant.active:
        abort(404)
    return participant


def _organizer_staff(fair: Fair) -> bool:
    if not current_user.is_authenticated:
        return False
    if current_user.role == Role.ADMIN:
        return True
    return current_user.role == Role.STAFF and current_user.organizer_id == fair.organizer_id


def _viewer(fair: Fair) -> Participant | None:
    """Who may read the directory: an active participant (returned) or the organizer's staff
    (None); anyone else gets a 403."""
    if _organizer_staff(fair):
        return None
    participant = _reader_participant(fair)
    if participant is None or not participant.active:
        abort(403)
    return participant


def _own_meeting(fair: Fair, own: Participant, meeting_id: int) -> Meeting:
    """One of the company's requests or meetings at this fair, else 404."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.fair_id != fair.id or not meeting.involves(own.id):
        abort(404)
    return meeting


def _failed(exc: DomainError, fair: Fair) -> ResponseReturnValue:
    """A refused change: nothing of it is kept; the company's meetings page says why, with
    the error's status."""
    db.session.rollback()
    return _refused(fair, exc.message, exc.status_code)


def _done(fair: Fair, change: Callable[[], object], message: str, back: str) -> ResponseReturnValue:
    """Make a change through the services and commit it, then go `back` saying `message`; a
    refusal keeps nothing and says why (`_failed`)."""
    try:
        change()
        db.session.commit()
    except DomainError as exc:
        return _failed(exc, fair)
    flash(message, "success")
    return redirect(back)


def _refused(fair: Fair, message: str, status: int) -> ResponseReturnValue:
    flash(message, "error")
    fair, programme = _programme(fair.slug)
    own = _own(fair)
    return _mine_page(fair, programme, own), status


# --- display helpers -------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotDay:
    """One day's slots as the forms offer them: (value, "10:00–10:30") in Minsk time."""

    day: date
    items: list[tuple[str, str]]

    @property
    def values(self) -> set[str]:
        return {value for value, _label in self.items}


def _days(programme: Programme, slots: Sequence[datetime]) -> list[SlotDay]:
    found: dict[date, list[tuple[str, str]]] = {}
    for slot in sorted(slots):
        label = f"{slot_label(slot, day=False)}–{slot_label(slot + programme.length, day=False)}"
        found.setdefault(slot.astimezone(MINSK).date(), []).append((slot.isoformat(), label))
    return [SlotDay(day, found[day]) for day in sorted(found)]


def _sectors(fair: Fair) -> list[Sector]:
    sectors = list(fair.sectors) or list(db.session.scalars(select(Sector)))
    return sorted(sectors, key=lambda s: fold(localized(s, "name")))


def _full(programme: Programme, participant: Participant) -> bool:
    count = db.session.scalar(queries.agreed_count(participant.id)) or 0
    return count >= programme.max_meetings


# --- the programme ---------------------------------------------------------------------------


@bp.get("/fairs/<slug>/b2b")
def programme(slug: str) -> ResponseReturnValue:
    """The programme: days, hours, how it works, the deadline, who may take part, and what
    the reader may do (join, see its meetings, apply first or sign in)."""
    fair, programme = _programme(slug)
    participant = _reader_participant(fair)
    qualifying = None
    if current_user.is_authenticated and current_user.company_id is not None:
        qualifying = services.qualifying_registration(programme, current_user.company_id)
    now = utcnow()
    return render_template(
        "meetings/programme.html",
        fair=fair,
        programme=programme,
        days=_days(programme, programme.slots()),
        participant=participant if participant and participant.active else None,
        qualifying=qualifying,
        staff=_organizer_staff(fair),
        accepting=programme.open and now <= programme.request_deadline,
        participants=db.session.scalar(
            select(func.count()).select_from(queries.participants(fair.id).subquery())
        ),
    )


# --- the profile -----------------------------------------------------------------------------


def _profile_form(fair: Fair, programme: Programme, participant: Participant | None) -> ProfileForm:
    data: dict[str, object] = {}
    if request.method == "GET":
        if participant is not None:
            data = {
                "offers_ru": participant.offers_ru,
                "offers_en": participant.offers_en,
                "seeks_ru": participant.seeks_ru,
                "seeks_en": participant.seeks_en,
                "phone": participant.phone,
                "email": participant.email,
                "offer_sectors": [str(s.id) for s in participant.offer_sectors],
                "seek_sectors": [str(s.id) for s in participant.seek_sectors],
                "unavailable": list(participant.unavailable),
                "attendees": list(participant.attendees),
                "languages": list(participant.languages),
            }
        else:
            company = current_user.company
            data = {
                "phone": company.phone,
                "email": company.email,
                "languages": ["ru"],
                "attendees": (
                    [{"name": company.contact_person, "position": ""}]
                    if company.contact_person
                    else []
                ),
            }
    form = ProfileForm(data=data or None)
    sectors = [SelectChoice(str(s.id), localized(s, "name")) for s in _sectors(fair)]
    form.offer_sectors.choices = sectors
    form.seek_sectors.choices = sectors
    form.unavailable.choices = slot_choices(programme.slots())
    if request.method == "GET":
        rows = min(len(form.attendees.entries) + ATTENDEE_ROWS, form.attendees.max_entries)
        while len(form.attendees.entries) < rows:
            form.attendees.append_entry()
    return form


@bp.route("/fairs/<slug>/b2b/profile", methods=["GET", "POST"])
@login_required
def profile(slug: str) -> ResponseReturnValue:
    """Join the programme with a profile for this fair, or change it."""
    company = company_required()
    fair, programme = _programme(slug)
    participant = _reader_participant(fair)
    member = participant if participant is not None and participant.active else None
    if member is None and services.qualifying_registration(programme, company.id) is None:
        flash(
            _("Only companies with an approved application may take part in the B2B meetings."),
            "error",
        )
        return redirect(url_for("meetings.programme", slug=fair.slug)), 403
    form = _profile_form(fair, programme, participant)
    context = {
        "fair": fair,
        "programme": programme,
        "form": form,
        "participant": member,
        "days": _days(programme, programme.slots()),
        "booked_values": (
            {slot.isoformat() for slot in db.session.scalars(queries.seats_of(member.id))}
            if member
            else set()
        ),
        "languages": LANGUAGES,
        "confirm": ConfirmForm(),
    }
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("meetings/profile.html", **context), status
    try:
        if member is None:
            services.join(fair, company, form.profile(), actor=current_user)
        else:
            services.update_profile(member, form.profile(), actor=current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return render_template("meetings/profile.html", **context), exc.status_code
    flash(
        _("Your company takes part in the B2B meetings.")
        if member is None
        else _("Your B2B profile has been saved."),
        "success",
    )
    return redirect(url_for("meetings.mine", slug=fair.slug))


@bp.post("/fairs/<slug>/b2b/leave")
@login_required
def leave(slug: str) -> ResponseReturnValue:
    """Leave the programme, once confirmed: the company's open requests and meetings end."""
    fair = _programme(slug)[0]
    own = _own(fair)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = url_for("meetings.profile", slug=fair.slug)
    if not confirm.confirmed():
        open_count = len(db.session.scalars(queries.open_of(own.id)).all())
        return confirm.ask(
            title=_("Leave the B2B meetings of %(fair)s?", fair=localized(fair, "name")),
            lines=[
                _(
                    "Your open requests and meetings (%(count)s) are cancelled and the other "
                    "companies are told.",
                    count=open_count,
                ),
                _("You can join again later while the programme takes requests."),
            ],
            button=_("Leave the B2B meetings"),
            back=back,
        )
    return _done(
        fair,
        lambda: services.leave(own, actor=current_user),
        _("Your company no longer takes part in these B2B meetings."),
        url_for("meetings.programme", slug=fair.slug),
    )


# --- the directory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    q: str = ""
    sector: str = ""
    kind: str = ""  # "offer", "seek" or "" (either)
    country: str = ""
    page: int = 1

    def args(self, **changes: object) -> dict[str, object]:
        values = {
            "q": self.q,
            "sector": self.sector,
            "kind": self.kind,
            "country": self.country,
            "page": self.page,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}


def _arg(name: str, limit: int = FILTER_MAX) -> str:
    return request.args.get(name, "").strip()[:limit]


def _page() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 7 else 1


def _matches(participant: Participant, filters: Filters) -> bool:
    if filters.country and participant.company.country.value != filters.country:
        return False
    if filters.sector:
        offer = {str(s.id) for s in participant.offer_sectors}
        seek = {str(s.id) for s in participant.seek_sectors}
        pool = (
            offer if filters.kind == "offer" else seek if filters.kind == "seek" else offer | seek
        )
        if filters.sector not in pool:
            return False
    if filters.q:
        words = fold(filters.q).split()
        texts = [company_name(participant.company)]
        if filters.kind in ("", "offer"):
            texts += [participant.offers_ru or "", participant.offers_en or ""]
        if filters.kind in ("", "seek"):
            texts += [participant.seeks_ru or "", participant.seeks_en or ""]
        haystack = fold(" ".join(texts))
        if not all(word in haystack for word in words):
            return False
    return True


@bp.get("/fairs/<slug>/b2b/participants")
@login_required
def directory(slug: str) -> ResponseReturnValue:
    """The fair's participants, filtered by sector (offered or sought), country and words."""
    fair, programme = _programme(slug)
    viewer = _viewer(fair)
    kind = _arg("kind")
    filters = Filters(
        q=_arg("q", 200),
        sector=_arg("sector"),
        kind=kind if kind in ("offer", "seek") else "",
        country=_arg("country"),
        page=_page(),
    )
    everyone = list(
        db.session.scalars(
            queries.participants(fair.id).options(
                joinedload(Participant.company),
                selectinload(Participant.offer_sectors),
                selectinload(Participant.seek_sectors),
            )
        )
    )
    found = [p for p in everyone if _matches(p, filters)]
    found.sort(key=lambda p: fold(company_name(p.company)))
    pages = max(1, -(-len(found) // PER_PAGE))
    page = min(filters.page, pages)
    shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    counts = dict(db.session.execute(queries.agreed_counts(p.id for p in shown)).tuples().all())
    countries = sorted({p.company.country for p in everyone}, key=lambda c: country_name(c))
    return render_template(
        "meetings/directory.html",
        fair=fair,
        programme=programme,
        viewer=viewer,
        filters=filters,
        shown=shown,
        total=len(found),
        everyone=len(everyone),
        page=page,
        pages=pages,
        full={pid for pid, n in counts.items() if n >= programme.max_meetings},
        sectors=_sectors(fair),
        countries=countries,
        languages=LANGUAGES,
    )


# --- a participant ---------------------------------------------------------------------------


def _target(fair: Fair, participant_id: int) -> Participant:
    target = db.session.get(Participant, participant_id)
    if target is None or target.fair_id != fair.id or not target.active:
        abort(404)
    return target


def _request_form(
    programme: Programme, viewer: Participant | None, target: Participant
) -> tuple[RequestForm, list[datetime]]:
    form = RequestForm()
    free: list[datetime] = []
    if (
        viewer is not None
        and viewer.id != target.id
        and programme.scheduling == Scheduling.PARTICIPANTS
    ):
        free = services.free_slots(programme, viewer, target)
    form.slots.choices = slot_choices(free)
    return form, free


def _participant_page(
    fair: Fair,
    programme: Programme,
    viewer: Participant | None,
    target: Participant,
    form: RequestForm,
    free: list[datetime],
) -> str:
    agreed = viewer is not None and bool(
        db.session.scalar(queries.agreed_between(viewer.id, target.id))
    )
    between = None
    blocked = False
    if viewer is not None and viewer.id != target.id:
        open_id = db.session.scalar(queries.open_between(viewer.id, target.id))
        between = db.session.get(Meeting, open_id) if open_id else None
        blocked = db.session.get(Block, (viewer.id, target.company_id)) is not None
    return render_template(
        "meetings/participant.html",
        fair=fair,
        programme=programme,
        viewer=viewer,
        target=target,
        contacts=agreed,
        between=between,
        blocked=blocked,
        full=_full(programme, target),
        form=form,
        days=_days(programme, free),
        languages=LANGUAGES,
        accepting=programme.open and utcnow() <= programme.request_deadline,
        confirm=ConfirmForm(),
    )


@bp.get("/fairs/<slug>/b2b/participants/<int(max=2147483647):participant_id>")
@login_required
def participant(slug: str, participant_id: int) -> ResponseReturnValue:
    """A participant's profile and "Request a meeting"; its contacts only once agreed."""
    fair, programme = _programme(slug)
    viewer = _viewer(fair)
    target = _target(fair, participant_id)
    form, free = _request_form(programme, viewer, target)
    return _participant_page(fair, programme, viewer, target, form, free)


@bp.post("/fairs/<slug>/b2b/participants/<int(max=2147483647):participant_id>/request")
@login_required
def request_meeting(slug: str, participant_id: int) -> ResponseReturnValue:
    fair, programme = _programme(slug)
    own = _own(fair)
    target = _target(fair, participant_id)
    form, free = _request_form(programme, own, target)
    if not form.validate_on_submit():
        return _participant_page(fair, programme, own, target, form, free), 422
    slots = parse_slots(list(form.slots.data))
    if slots is None:
        form.slots.errors = [_("A proposed time is not a slot of this programme.")]
        return _participant_page(fair, programme, own, target, form, free), 422
    try:
        services.request_meeting(
            own, target, message=form.message.data, slots=slots, actor=current_user
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        form, free = _request_form(programme, own, target)
        return _participant_page(fair, programme, own, target, form, free), exc.status_code
    flash(_("Your request has been sent."), "success")
    return redirect(url_for("meetings.mine", slug=fair.slug))


@bp.post("/fairs/<slug>/b2b/participants/<int(max=2147483647):participant_id>/block")
@login_required
def block(slug: str, participant_id: int) -> ResponseReturnValue:
    """Take no more requests from this participant's company (its waiting ones are declined)."""
    fair = _programme(slug)[0]
    own = _own(fair)
    target = db.session.get(Participant, participant_id)
    if target is None or target.fair_id != fair.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = url_for("meetings.participant", slug=fair.slug, participant_id=target.id)
    if not target.active:
        back = url_for("meetings.mine", slug=fair.slug)
    if not confirm.confirmed():
        return confirm.ask(
            title=_("Block %(company)s?", company=company_name(target.company)),
            lines=[
                _(
                    "This company can no longer send your company requests at this fair; "
                    "its requests waiting for your answer are declined."
                ),
                _("You can unblock it on the page of your meetings."),
            ],
            button=_("Block"),
            back=back,
        )
    return _done(
        fair,
        lambda: services.block(own, target.company_id, actor=current_user),
        _("%(company)s is blocked.", company=company_name(target.company)),
        url_for("meetings.mine", slug=fair.slug),
    )


@bp.post("/fairs/<slug>/b2b/blocks/<int(max=2147483647):company_id>/unblock")
@login_required
def unblock(slug: str, company_id: int) -> ResponseReturnValue:
    fair = _programme(slug)[0]
    own = _own(fair)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if db.session.get(Block, (own.id, company_id)) is None:
        abort(404)
    services.unblock(own, company_id, actor=current_user)
    db.session.commit()
    flash(_("The company may send you requests again."), "success")
    return redirect(url_for("meetings.mine", slug=fair.slug))


# --- my meetings -----------------------------------------------------------------------------


@dataclass
class Row:
    """A meeting as one side sees it."""

    meeting: Meeting
    partner: Participant
    contacts: bool  # agreed: the partner's people, phone and email may be shown
    free: list[SlotDay]  # for an incoming request: the times free for both (to propose)
    proposed: list[SlotDay]
    can_report: bool
    follow_up: FollowUp | None


def _rows(programme: Programme, own: Participant) -> dict[str, list[Row]]:
    now = utcnow()
    groups: dict[str, list[Row]] = {
        "incoming": [],
        "outgoing": [],
        "accepted": [],
        "scheduled": [],
        "closed": [],
    }
    for meeting in db.session.scalars(queries.meetings_of(own.id)):
        partner = meeting.side_of(own.id)
        mine = meeting.requester_id == own.id
        row = Row(
            meeting=meeting,
            partner=partner,
            contacts=meeting.state in AGREED_STATES,
            free=[],
            proposed=_days(programme, meeting.proposed_slots),
            can_report=(
                meeting.state == MeetingState.SCHEDULED
                and meeting.starts_at is not None
                and meeting.starts_at <= now
            ),
            follow_up=meeting.requester_follow_up if mine else meeting.recipient_follow_up,
        )
        if meeting.state == MeetingState.REQUESTED:
            if meeting.proposed_by_id == own.id:
                groups["outgoing"].append(row)
            else:
                if programme.scheduling == Scheduling.PARTICIPANTS and partner.active:
                    row.free = _days(programme, services.free_slots(programme, own, partner))
                groups["incoming"].append(row)
        elif meeting.state == MeetingState.ACCEPTED:
            groups["accepted"].append(row)
        elif meeting.state == MeetingState.SCHEDULED:
            groups["scheduled"].append(row)
        else:
            groups["closed"].append(row)
    groups["closed"].sort(key=lambda r: r.meeting.updated_at, reverse=True)
    return groups


def _agenda(rows: list[Row]) -> list[tuple[date, list[Row]]]:
    days: dict[date, list[Row]] = {}
    for row in rows:
        if row.meeting.starts_at is not None:
            days.setdefault(row.meeting.starts_at.astimezone(MINSK).date(), []).append(row)
    return sorted(days.items())


def _blocked(own: Participant) -> list[Company]:
    return list(
        db.session.scalars(
            select(Company)
            .join(Block, Block.company_id == Company.id)
            .where(Block.participant_id == own.id)
            .order_by(Block.created_at)
        )
    )


@bp.get("/fairs/<slug>/b2b/my")
@login_required
def mine(slug: str) -> ResponseReturnValue:
    """The company's requests (incoming, outgoing), its agenda per day and what came of it."""
    company_required()
    fair, programme = _programme(slug)
    own = _reader_participant(fair)
    if own is None or not own.active:
        flash(_("Your company does not take part in these B2B meetings yet."), "error")
        return redirect(url_for("meetings.programme", slug=fair.slug))
    return _mine_page(fair, programme, own)


def _mine_page(fair: Fair, programme: Programme, own: Participant) -> str:
    groups = _rows(programme, own)
    return render_template(
        "meetings/mine.html",
        fair=fair,
        programme=programme,
        own=own,
        groups=groups,
        agenda=_agenda(groups["scheduled"]),
        blocked=_blocked(own),
        full=_full(programme, own),
        confirm=ConfirmForm(),
        follow_up=FollowUpForm(),
        follow_ups=list(FollowUp),
    )


@bp.get("/fairs/<slug>/b2b/my/print")
@login_required
def print_agenda(slug: str) -> ResponseReturnValue:
    """The agenda alone, for paper or PDF."""
    company_required()
    fair, programme = _programme(slug)
    own = _own(fair)
    groups = _rows(programme, own)
    return render_template(
        "meetings/print.html",
        fair=fair,
        programme=programme,
        own=own,
        agenda=_agenda(groups["scheduled"]),
        accepted=groups["accepted"],
    )


def _meeting_action(slug: str, meeting_id: int) -> tuple[Fair, Participant, Meeting, str]:
    fair = _programme(slug)[0]
    own = _own(fair)
    meeting = _own_meeting(fair, own, meeting_id)
    return fair, own, meeting, url_for("meetings.mine", slug=fair.slug)


@bp.post("/fairs/<slug>/b2b/meetings/<int(max=2147483647):meeting_id>/accept")
@login_required
def accept(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Accept a request: at one of the proposed times, or without one where the organizer
    sets the times."""
    fair, own, meeting, back = _meeting_action(slug, meeting_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    slot = None
    if form.slot.data:
        parsed = parse_slots([form.slot.data])
        if parsed is None:
            return _refused(fair, _("Choose one of the proposed times."), 422)
        slot = parsed[0]
    return _done(
        fair,
        lambda: services.accept(meeting, own, slot=slot, actor=current_user),
        _("The meeting is agreed."),
        back,
    )


@bp.post("/fairs/<slug>/b2b/meetings/<int(max=2147483647):meeting_id>/decline")
@login_required
def decline(slug: str, meeting_id: int) -> ResponseReturnValue:
    fair, own, meeting, back = _meeting_action(slug, meeting_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        message = _("A text may be at most %(max)s characters.", max=services.MAX_TEXT)
        return _refused(fair, message, 422)
    return _done(
        fair,
        lambda: services.decline(meeting, own, reason=form.reason.data, actor=current_user),
        _("The request is declined."),
        back,
    )


@bp.post("/fairs/<slug>/b2b/meetings/<int(max=2147483647):meeting_id>/propose")
@login_required
def propose(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Answer a request with other times."""
    fair, own, meeting, back = _meeting_action(slug, meeting_id)
    form = ProposeForm()
    if not form.validate_on_submit():
        abort(400)
    slots = parse_slots(list(form.slots.data))
    if slots is None:
        return _refused(fair, _("A proposed time is not a slot of this programme."), 422)
    return _done(
        fair,
        lambda: services.propose(meeting, own, slots=slots, actor=current_user),
        _("Your times have been sent."),
        back,
    )


@bp.post("/fairs/<slug>/b2b/meetings/<int(max=2147483647):meeting_id>/cancel")
@login_required
def cancel(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Cancel an own request, or an agreed meeting once confirmed."""
    fair, own, meeting, back = _meeting_action(slug, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    partner = company_name(meeting.side_of(own.id).company)
    if meeting.state in AGREED_STATES and not confirm.confirmed():
        when = []
        if meeting.starts_at is not None:
            when = [slot_label(meeting.starts_at)]
        return confirm.ask(
            title=_("Cancel the meeting with %(company)s?", company=partner),
            lines=[_("The other company is told, and the meeting leaves both calendars.")],
            items=when,
            button=_("Cancel the meeting"),
            back=back,
        )
    reason = (request.form.get("reason") or "").strip() or None
    return _done(
        fair,
        lambda: services.cancel(meeting, actor=current_user, by=own, reason=reason),
        _("Cancelled."),
        back,
    )


@bp.post("/fairs/<slug>/b2b/meetings/<int(max=2147483647):meeting_id>/follow-up")
@login_required
def follow_up(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Say whether the meeting took place and what came of it."""
    fair, own, meeting, back = _meeting_action(slug, meeting_id)
    form = FollowUpForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _refused(fair, _("Choose what came of the meeting."), 422)
    return _done(
        fair,
        lambda: services.report_follow_up(
            meeting, own, FollowUp(form.follow_up.data), actor=current_user
        ),
        _("Thank you: your answer has been saved."),
        back,
    )
