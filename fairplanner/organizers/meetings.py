"""B2B meetings in the organizer console: the programme's settings and tables, the schedule
grid, requests by state, agendas, numbers, exports, and the organizer's changes to meetings.

Views are thin: every rule is fairplanner.meetings.services'; each organizer change goes into
the fair's change log ("meeting ..." actions, fairplanner.organizers.changelog). Both companies
are told of a change by the meeting signals the services send.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from fairplanner import confirm, spreadsheets
from fairplanner.catalogue.models import Fair
from fairplanner.display import company_name
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import current_language
from fairplanner.meetings import autoschedule, scheduler, services
from fairplanner.meetings.forms import slot_label
from fairplanner.meetings.models import Meeting, MeetingState, Outcome, Programme
from fairplanner.organizers import meeting_numbers as numbers
from fairplanner.organizers.meeting_forms import (
    ApplyScheduleForm,
    CancelForm,
    CreateForm,
    OutcomeForm,
    PlaceForm,
    ScheduleForm,
    SettingsForm,
    TablesForm,
)
from fairplanner.organizers.services import log_change
from fairplanner.organizers.views import bp, scoped_fair, staff_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programme(fair: Fair) -> Programme:
    """The fair's programme; without one, the pages that need it are a 404."""
    programme = numbers.programme_of(fair.id)
    if programme is None:
        abort(404)
    return programme


def _meeting(fair: Fair, meeting_id: int) -> Meeting:
    meeting = numbers.meeting_in(fair.id, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _pair(meeting: Meeting) -> str:
    return f"{company_name(meeting.requester.company)} — {company_name(meeting.recipient.company)}"


def _where(meeting: Meeting) -> dict[str, str | None]:
    return {
        "starts_at": meeting.starts_at.isoformat() if meeting.starts_at else None,
        "table": meeting.table.place if meeting.table and meeting.starts_at else None,
    }


def _log(fair: Fair, action: str, meeting: Meeting, before: dict | None = None, **extra) -> None:
    after = _where(meeting)
    before = before or dict.fromkeys(after)
    changes: dict = {"meeting": [meeting.id, _pair(meeting)]}
    changes.update({key: [before[key], after[key]] for key in after})
    changes.update({key: [None, value] for key, value in extra.items()})
    log_change(fair, action, actor=current_user, changes=changes)


# --- settings and tables ----------------------------------------------------------------------


def _settings_page(
    fair: Fair,
    programme: Programme | None,
    form: SettingsForm,
    tables_form: TablesForm,
    *,
    error: str | None = None,
    tables_error: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    return render_template(
        "organizers/meetings/settings.html",
        fair=fair,
        programme=programme,
        form=form,
        tables_form=tables_form,
        error=error,
        tables_error=tables_error,
    ), status


@bp.route("/fairs/<slug>/meetings/settings", methods=["GET", "POST"])
@staff_required
def meetings_settings(slug: str) -> ResponseReturnValue:
    """Enable the fair's B2B programme and set its days, slots, limits and tables."""
    fair = scoped_fair(slug)
    programme = numbers.programme_of(fair.id)
    form = SettingsForm().setup(fair)
    tables_form = TablesForm(formdata=None)
    tables_form.fill(numbers.tables(fair.id))
    if request.method == "GET":
        if programme is not None:
            form.fill(programme)
        else:
            form.days.data = [fair.starts_on.isoformat()]
            form.deadline_date.data = fair.starts_on
        return _settings_page(fair, programme, form, tables_form)
    if not form.validate_on_submit():
        status = 400 if "csrf_token" in form.errors else 422
        return _settings_page(fair, programme, form, tables_form, status=status)
    created = programme is None
    try:
        saved = services.save_programme(fair, form.settings(), actor=current_user)
        log_change(
            fair,
            "meeting programme",
            actor=current_user,
            changes={"created": [None, created], "open": [None, saved.open]},
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        programme = numbers.programme_of(fair.id)
        return _settings_page(
            fair, programme, form, tables_form, error=exc.message, status=exc.status_code
        )
    flash(_("The B2B programme has been saved."), "success")
    return redirect(url_for("organizers.meetings_settings", slug=fair.slug))


@bp.post("/fairs/<slug>/meetings/tables")
@staff_required
def meeting_tables(slug: str) -> ResponseReturnValue:
    """Save the tables (one per line: name; hall)."""
    fair = scoped_fair(slug)
    programme = numbers.programme_of(fair.id)
    form = SettingsForm(formdata=None).setup(fair)
    if programme is not None:
        form.fill(programme)
    tables_form = TablesForm()
    if not tables_form.validate_on_submit():
        status = 400 if "csrf_token" in tables_form.errors else 422
        message = (
            _("The form has expired. Send it again.")
            if status == 400
            else _("Please correct the marked fields.")
        )
        return _settings_page(
            fair, programme, form, tables_form, tables_error=message, status=status
        )
    try:
        saved = services.save_tables(fair, tables_form.rows(), actor=current_user)
        log_change(
            fair,
            "meeting tables",
            actor=current_user,
            changes={"tables": [None, [t.place for t in saved]]},
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _settings_page(
            fair, programme, form, tables_form, tables_error=exc.message, status=exc.status_code
        )
    flash(_("The tables have been saved."), "success")
    return redirect(url_for("organizers.meetings_settings", slug=fair.slug))


# --- the grid, requests, agendas ----------------------------------------------------------------


def _day(programme: Programme) -> date | None:
    days = programme.day_dates
    if not days:
        return None
    try:
        wanted = date.fromisoformat(request.args.get("day", "")[:10])
    except ValueError:
        return days[0]
    return wanted if wanted in days else days[0]


@bp.get("/fairs/<slug>/meetings")
@staff_required
def meetings(slug: str) -> ResponseReturnValue:
    """The schedule grid of one meeting day: tables × slots."""
    fair = scoped_fair(slug)
    programme = numbers.programme_of(fair.id)
    if programme is None:
        return render_template("organizers/meetings/none.html", fair=fair)
    day = _day(programme)
    grid = numbers.grid(programme, day) if day else None
    counts = numbers.state_counts(fair.id)
    return render_template(
        "organizers/meetings/grid.html",
        fair=fair,
        programme=programme,
        grid=grid,
        counts=counts,
        waiting=counts[MeetingState.ACCEPTED],  # for the scheduler
    )


@bp.get("/fairs/<slug>/meetings/requests")
@staff_required
def meeting_requests(slug: str) -> ResponseReturnValue:
    """Requests and meetings of one state, with the count of each state."""
    fair = scoped_fair(slug)
    programme = _programme(fair)
    try:
        state = MeetingState(request.args.get("state", MeetingState.REQUESTED.value))
    except ValueError:
        state = MeetingState.REQUESTED
    return render_template(
        "organizers/meetings/requests.html",
        fair=fair,
        programme=programme,
        state=state,
        states=numbers.STATES,
        counts=numbers.state_counts(fair.id),
        meetings=numbers.in_state(fair.id, state),
    )


@bp.get("/fairs/<slug>/meetings/companies")
@staff_required
def meeting_companies(slug: str) -> ResponseReturnValue:
    """The participants, each with a link to its agenda."""
    fair = scoped_fair(slug)
    programme = _programme(fair)
    return render_template(
        "organizers/meetings/companies.html",
        fair=fair,
        programme=programme,
        agendas=numbers.agendas(fair.id),
    )


@bp.get("/fairs/<slug>/meetings/companies/<int(max=2147483647):participant_id>")
@staff_required
def meeting_agenda(slug: str, participant_id: int) -> ResponseReturnValue:
    """One company's agenda: its meetings by time with table and partner."""
    fair = scoped_fair(slug)
    programme = _programme(fair)
    participant = numbers.participant_in(fair.id, participant_id)
    if participant is None:
        abort(404)
    return render_template(
        "organizers/meetings/agenda.html",
        fair=fair,
        programme=programme,
        participant=participant,
        meetings=numbers.agenda(participant),
    )


@bp.get("/fairs/<slug>/meetings/numbers")
@staff_required
def meeting_numbers(slug: str) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    programme = _programme(fair)
    return render_template(
        "organizers/meetings/numbers.html",
        fair=fair,
        programme=programme,
        numbers=numbers.numbers(fair.id),
    )


# --- exports ----------------------------------------------------------------------------------


@bp.get("/fairs/<slug>/meetings.xlsx")
@staff_required
def meetings_xlsx(slug: str) -> ResponseReturnValue:
    """Every meeting on one sheet, and a sheet per table."""
    fair = scoped_fair(slug)
    _programme(fair)
    body = spreadsheets.to_xlsx_book(numbers.export_sheets(fair.id), lang=current_language())
    return Response(
        body,
        content_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{fair.slug}-meetings.xlsx"'},
    )


@bp.get("/fairs/<slug>/meetings/print/tables")
@staff_required
def meetings_print_tables(slug: str) -> ResponseReturnValue:
    """A sheet per table for the hall staff, a page each."""
    fair = scoped_fair(slug)
    _programme(fair)
    return render_template(
        "organizers/meetings/print_tables.html", fair=fair, tables=numbers.by_table(fair.id)
    )


@bp.get("/fairs/<slug>/meetings/print/agendas")
@staff_required
def meetings_print_agendas(slug: str) -> ResponseReturnValue:
    """An agenda per company, a page each."""
    fair = scoped_fair(slug)
    _programme(fair)
    return render_template(
        "organizers/meetings/print_agendas.html", fair=fair, agendas=numbers.agendas(fair.id)
    )


# --- the organizer's changes ------------------------------------------------------------------


def _create_page(fair, programme, form, *, error=None, status=200) -> ResponseReturnValue:
    return render_template(
        "organizers/meetings/create.html",
        fair=fair,
        programme=programme,
        form=form,
        error=error,
    ), status


@bp.route("/fairs/<slug>/meetings/new", methods=["GET", "POST"])
@staff_required
def meeting_new(slug: str) -> ResponseReturnValue:
    """Book a meeting between two participants, with or without a time and table."""
    fair = scoped_fair(slug)
    programme = _programme(fair)
    tables = numbers.tables(fair.id)
    participants = numbers.participants(fair.id)
    form = CreateForm().setup(programme, tables, optional=True).setup_participants(participants)
    if request.method == "GET":
        form.slot.data = request.args.get("slot", "")
        form.table.data = request.args.get("table", "")
        return _create_page(fair, programme, form)
    if not form.validate_on_submit():
        status = 400 if "csrf_token" in form.errors else 422
        return _create_page(fair, programme, form, status=status)
    by_id = {str(p.id): p for p in participants}
    try:
        meeting = services.create_meeting(
            fair,
            by_id[form.first.data],
            by_id[form.second.data],
            starts_at=form.starts_at(),
            table=form.chosen_table(tables),
            actor=current_user,
        )
        _log(fair, "meeting created", meeting)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _create_page(fair, programme, form, error=exc.message, status=exc.status_code)
    flash(_("The meeting has been booked; both companies are told."), "success")
    return redirect(url_for("organizers.meeting", slug=fair.slug, meeting_id=meeting.id))


def _meeting_page(
    fair: Fair,
    meeting: Meeting,
    *,
    place_form: PlaceForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    programme = _programme(fair)
    tables = numbers.tables(fair.id)
    if place_form is None:
        place_form = PlaceForm(formdata=None).setup(programme, tables, optional=False)
        if meeting.starts_at:
            place_form.slot.data = meeting.starts_at.isoformat()
        if meeting.table_id:
            place_form.table.data = str(meeting.table_id)
    outcome_form = OutcomeForm(formdata=None)
    outcome_form.outcome.data = meeting.outcome.value if meeting.outcome else ""
    return render_template(
        "organizers/meetings/meeting.html",
        fair=fair,
        programme=programme,
        meeting=meeting,
        place_form=place_form,
        cancel_form=CancelForm(formdata=None),
        outcome_form=outcome_form,
        error=error,
    ), status


@bp.get("/fairs/<slug>/meetings/<int(max=2147483647):meeting_id>")
@staff_required
def meeting(slug: str, meeting_id: int) -> ResponseReturnValue:
    """A meeting with its history and the organizer's actions."""
    fair = scoped_fair(slug)
    return _meeting_page(fair, _meeting(fair, meeting_id))


@bp.post("/fairs/<slug>/meetings/<int(max=2147483647):meeting_id>/move")
@staff_required
def meeting_move(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Give an accepted meeting a time and table, or move a scheduled one."""
    fair = scoped_fair(slug)
    found = _meeting(fair, meeting_id)
    programme = _programme(fair)
    tables = numbers.tables(fair.id)
    form = PlaceForm().setup(programme, tables, optional=False)
    if not form.validate_on_submit():
        status = 400 if "csrf_token" in form.errors else 422
        message = _("Please correct the marked fields.")
        return _meeting_page(fair, found, place_form=form, error=message, status=status)
    before = _where(found)
    try:
        services.place(
            found, starts_at=form.starts_at(), table=form.chosen_table(tables), actor=current_user
        )
        if _where(found) != before:
            _log(fair, "meeting moved", found, before)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        found = _meeting(fair, meeting_id)
        return _meeting_page(
            fair, found, place_form=form, error=exc.message, status=exc.status_code
        )
    flash(_("The meeting's time and table have been saved; both companies are told."), "success")
    return redirect(url_for("organizers.meeting", slug=fair.slug, meeting_id=found.id))


@bp.post("/fairs/<slug>/meetings/<int(max=2147483647):meeting_id>/cancel")
@staff_required
def meeting_cancel(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Cancel a request or a meeting, after a confirmation; both companies are told."""
    fair = scoped_fair(slug)
    found = _meeting(fair, meeting_id)
    form = CancelForm()
    if not form.validate_on_submit():
        status = 400 if "csrf_token" in form.errors else 422
        return _meeting_page(
            fair, found, error=_("Please correct the marked fields."), status=status
        )
    back = url_for("organizers.meeting", slug=fair.slug, meeting_id=found.id)
    if not confirm.confirmed():
        when = (
            slot_label(found.starts_at)
            if found.starts_at and found.state == MeetingState.SCHEDULED
            else None
        )
        return confirm.ask(
            title=_("Cancel the meeting %(pair)s?", pair=_pair(found)),
            lines=[
                *([_("It was to take place on %(when)s.", when=when)] if when else []),
                _("Both companies are told, and it is marked cancelled in their calendars."),
            ],
            button=_("Cancel the meeting"),
            back=back,
        )
    before = _where(found)
    try:
        services.cancel(found, actor=current_user, reason=form.reason.data)
        _log(fair, "meeting cancelled", found, before)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        found = _meeting(fair, meeting_id)
        return _meeting_page(fair, found, error=exc.message, status=exc.status_code)
    flash(_("The meeting has been cancelled; both companies are told."), "success")
    return redirect(back)


@bp.post("/fairs/<slug>/meetings/<int(max=2147483647):meeting_id>/outcome")
@staff_required
def meeting_outcome(slug: str, meeting_id: int) -> ResponseReturnValue:
    """Mark on the day whether a scheduled meeting was held."""
    fair = scoped_fair(slug)
    found = _meeting(fair, meeting_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        status = 400 if "csrf_token" in form.errors else 422
        return _meeting_page(fair, found, error=_("Choose what happened."), status=status)
    outcome = Outcome(form.outcome.data) if form.outcome.data else None
    old = found.outcome.value if found.outcome else None
    try:
        services.mark_outcome(found, outcome, actor=current_user)
        if old != (form.outcome.data or None):
            _log(fair, "meeting marked", found, None, outcome=outcome.value if outcome else None)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        found = _meeting(fair, meeting_id)
        return _meeting_page(fair, found, error=exc.message, status=exc.status_code)
    flash(_("Saved."), "success")
    return redirect(url_for("organizers.meeting", slug=fair.slug, meeting_id=found.id))


# --- automatic scheduling --------------------------------------------------------------------

SCHEDULER_SECONDS = 20.0


def _reason(reason: scheduler.Reason) -> str:
    return {
        scheduler.Reason.NO_COMMON_SLOT: _("The two companies have no free time in common."),
        scheduler.Reason.LIMIT: _("One of the companies already has its maximum of meetings."),
        scheduler.Reason.FULL: _(
            "Every time both are free at is taken: by the tables' other meetings, by the "
            "companies' other meetings, or by their maximum of meetings."
        ),
    }[reason]


@bp.post("/fairs/<slug>/meetings/schedule")
@staff_required
def meetings_schedule(slug: str) -> ResponseReturnValue:
    """Run the solver on the accepted meetings without a time and show what it would do;
    nothing is written until the organizer applies it."""
    fair = scoped_fair(slug)
    programme = _programme(fair)
    form = ScheduleForm()
    if not form.validate_on_submit():
        abort(400)
    preview = autoschedule.preview(fair.id, time_limit=SCHEDULER_SECONDS)
    placed = sorted(preview.result.placed, key=lambda p: (p.starts_at, p.table_id))
    return render_template(
        "organizers/meetings/schedule.html",
        fair=fair,
        programme=programme,
        preview=preview,
        placed=placed,
        reason=_reason,
        form=ApplyScheduleForm(token=preview.token),
    )


@bp.post("/fairs/<slug>/meetings/schedule/apply")
@staff_required
def meetings_schedule_apply(slug: str) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    _programme(fair)
    form = ApplyScheduleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        applied, skipped = autoschedule.apply(fair.id, form.token.data, actor=current_user)
        if applied:
            log_change(
                fair,
                "meeting scheduler",
                actor=current_user,
                changes={"meetings": [None, applied], "skipped": [None, len(skipped)]},
            )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("organizers.meetings", slug=fair.slug))
    if skipped:
        flash(
            _(
                "%(applied)s meetings scheduled; %(skipped)s could no longer be placed as "
                "previewed: run the scheduler again for them.",
                applied=applied,
                skipped=len(skipped),
            ),
            "info",
        )
    else:
        flash(
            _("%(applied)s meetings scheduled; both companies of each are told.", applied=applied),
            "success",
        )
    return redirect(url_for("organizers.meetings", slug=fair.slug))
