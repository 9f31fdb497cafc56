"""Forms of the B2B meetings in the organizer console: the programme's settings, its tables,
and the organizer's actions on meetings. They only read what was typed; the rules are
fairplanner.meetings.services'."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from fairplanner.accounts.forms import MultiCheckboxField
from fairplanner.catalogue.models import Fair
from fairplanner.display import company_name
from fairplanner.i18n import MINSK
from fairplanner.meetings import services
from fairplanner.meetings.forms import slot_choices
from fairplanner.meetings.models import (
    Audience,
    MeetingTable,
    Outcome,
    Participant,
    Programme,
    Scheduling,
)
from fairplanner.organizers.forms import SANE_DATE

BREAK_ROWS = 3
MAX_TABLES = 200


class BreakForm(Form):
    starts = TimeField(_l("Break from"), validators=[Optional()])
    ends = TimeField(_l("Break until"), validators=[Optional()])


class SettingsForm(FlaskForm):
    """A fair's B2B programme (services.Settings)."""

    days = MultiCheckboxField(_l("Meeting days"), choices=[])
    day_starts = TimeField(_l("Meetings start at"), validators=[InputRequired()])
    day_ends = TimeField(_l("Meetings end at"), validators=[InputRequired()])
    breaks = FieldList(FormField(BreakForm), min_entries=BREAK_ROWS, max_entries=BREAK_ROWS)
    slot_minutes = SelectField(
        _l("Slot length"),
        coerce=int,
        choices=[SelectChoice(n, _l("%(num)s min", num=n)) for n in services.SLOT_MINUTES],
        default=30,
    )
    deadline_date = DateField(_l("Requests until (date)"), validators=[InputRequired(), SANE_DATE])
    deadline_time = TimeField(
        _l("Requests until (time, Minsk)"), validators=[InputRequired()], default=time(18)
    )
    max_meetings = IntegerField(
        _l("Meetings per company, at most"),
        validators=[InputRequired(), NumberRange(1, 100)],
        default=10,
    )
    max_pending = IntegerField(
        _l("Requests waiting for an answer per company, at most"),
        validators=[InputRequired(), NumberRange(1, 200)],
        default=20,
    )
    requests_per_hour = IntegerField(
        _l("Requests per company per hour, at most"),
        validators=[InputRequired(), NumberRange(1, 200)],
        default=10,
    )
    audience = SelectField(
        _l("Who may take part"),
        choices=[SelectChoice(a.value, a.title) for a in Audience],
        default=Audience.BOTH.value,
    )
    scheduling = SelectField(
        _l("Meeting times"),
        choices=[SelectChoice(s.value, s.title) for s in Scheduling],
        default=Scheduling.PARTICIPANTS.value,
    )
    open = BooleanField(_l("Open: participants may join and send requests"), default=True)

    def setup(self, fair: Fair) -> SettingsForm:
        self.days.choices = [
            SelectChoice(day.isoformat(), format_date(day, "EEEE, d MMMM"))
            for day in fair_days(fair)
        ]
        return self

    def validate_days(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one meeting day."))

    def fill(self, programme: Programme) -> None:
        """The form as the programme stands (on the first visit)."""
        self.days.data = list(programme.days)
        self.day_starts.data = programme.day_starts
        self.day_ends.data = programme.day_ends
        for row, (start, end) in zip(self.breaks, programme.break_times(), strict=False):
            row.starts.data, row.ends.data = start, end
        self.slot_minutes.data = programme.slot_minutes
        deadline = programme.request_deadline.astimezone(MINSK)
        self.deadline_date.data = deadline.date()
        self.deadline_time.data = deadline.time().replace(second=0, microsecond=0)
        self.max_meetings.data = programme.max_meetings
        self.max_pending.data = programme.max_pending
        self.requests_per_hour.data = programme.requests_per_hour
        self.audience.data = programme.audience.value
        self.scheduling.data = programme.scheduling.value
        self.open.data = programme.open

    def settings(self) -> services.Settings:
        breaks = []
        for row in self.breaks:
            start, end = row.starts.data, row.ends.data
            if start is None and end is None:
                continue
            if start is None or end is None:
                raise services.MeetingError(_("Give both the start and the end of a break."))
            breaks.append((start, end))
        deadline = datetime.combine(self.deadline_date.data, self.deadline_time.data, MINSK)
        return services.Settings(
            days=[date.fromisoformat(day) for day in self.days.data],
            day_starts=self.day_starts.data,
            day_ends=self.day_ends.data,
            breaks=breaks,
            slot_minutes=self.slot_minutes.data,
            request_deadline=deadline.astimezone(UTC),
            max_meetings=self.max_meetings.data,
            max_pending=self.max_pending.data,
            requests_per_hour=self.requests_per_hour.data,
            audience=Audience(self.audience.data),
            scheduling=Scheduling(self.scheduling.data),
            open=bool(self.open.data),
        )


def fair_days(fair: Fair) -> list[date]:
    days = (fair.ends_on - fair.starts_on).days + 1
    return [fair.starts_on + timedelta(days=n) for n in range(max(days, 0))]


class TablesForm(FlaskForm):
    tables = TextAreaField(
        _l("Tables, one per line: name; hall"),
        validators=[Length(max=20000)],
        render_kw={"rows": 8},
    )

    def fill(self, tables: list[MeetingTable]) -> None:
        self.tables.data = "\n".join(f"{t.name}; {t.hall}" if t.hall else t.name for t in tables)

    def rows(self) -> list[services.TableRow]:
        rows = []
        for line in (self.tables.data or "").splitlines():
            if not line.strip():
                continue
            name, _, hall = line.partition(";")
            rows.append(services.TableRow(name.strip(), hall.strip() or None))
        if len(rows) > MAX_TABLES:
            raise services.MeetingError(_("At most %(max)s tables.", max=MAX_TABLES))
        return rows


# --- the organizer's actions on meetings ------------------------------------------------------


def programme_slot_choices(programme: Programme, *, optional: bool) -> list[SelectChoice]:
    choices = slot_choices(programme.slots())
    if optional:
        choices.insert(0, SelectChoice("", _l("No time yet")))
    return choices


def table_choices(tables: list[MeetingTable]) -> list[SelectChoice]:
    return [SelectChoice("", _l("The first free table"))] + [
        SelectChoice(str(t.id), t.place) for t in tables
    ]


class PlaceForm(FlaskForm):
    """A time and a table for a meeting (to move it, or with a new one)."""

    slot = SelectField(_l("Time"), choices=[])
    table = SelectField(_l("Table"), choices=[], validators=[Optional()])

    def setup(self, programme: Programme, tables: list[MeetingTable], *, optional: bool):
        self.slot.choices = programme_slot_choices(programme, optional=optional)
        self.table.choices = table_choices(tables)
        if not optional:
            self.slot.validators = [DataRequired()]
        return self

    def starts_at(self) -> datetime | None:
        return datetime.fromisoformat(self.slot.data) if self.slot.data else None

    def chosen_table(self, tables: list[MeetingTable]) -> MeetingTable | None:
        return next((t for t in tables if str(t.id) == self.table.data), None)


class CreateForm(PlaceForm):
    first = SelectField(_l("First company"), choices=[])
    second = SelectField(_l("Second company"), choices=[])

    def setup_participants(self, participants: list[Participant]) -> CreateForm:
        choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(str(p.id), company_name(p.company)) for p in participants
        ]
        self.first.choices = choices
        self.second.choices = list(choices)
        self.first.validators = [DataRequired()]
        self.second.validators = [DataRequired()]
        return self

    def validate_second(self, field: SelectField) -> None:
        if field.data and field.data == self.first.data:
            raise ValidationError(_l("Choose two different companies."))


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (both companies see it)"),
        validators=[Optional(), Length(max=services.MAX_TEXT)],
        render_kw={"rows": 3},
    )


OUTCOMES = {"held": Outcome.HELD, "no-show": Outcome.NO_SHOW, "": None}


class OutcomeForm(FlaskForm):
    outcome = SelectField(
        _l("On the day"),
        choices=[
            SelectChoice("", _l("Not marked")),
            SelectChoice(Outcome.HELD.value, Outcome.HELD.title),
            SelectChoice(Outcome.NO_SHOW.value, Outcome.NO_SHOW.title),
        ],
    )


class ScheduleForm(FlaskForm):
    """ "Run the scheduler": a button (the CSRF token is all it carries)."""


class ApplyScheduleForm(FlaskForm):
    """Apply the preview shown: its placements, signed (fairplanner.meetings.autoschedule)."""

    token = HiddenField(validators=[DataRequired()])
