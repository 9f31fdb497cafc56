"""The catalogue's filter form: public GET parameters that users bookmark and share."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from fairplanner.cache import cached
from fairplanner.catalogue import queries
from fairplanner.catalogue.models import FairKind, Oblast
from fairplanner.catalogue.queries import FairFilters
from fairplanner.extensions import db
from fairplanner.i18n import current_language, localized
from fairplanner.text import fold, strip

FALSE_VALUES = ("false", "", "0", "off", "no")


class FilterForm(FlaskForm):
    """Catalogue filters, read from the query string; bad values become notices."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip])
    sector = SelectField(_l("Sector"), choices=[], validators=[Optional()])
    oblast = SelectField(
        _l("Region"),
        choices=[
            SelectChoice("", _l("All regions")),
            *(SelectChoice(o.value, o.title) for o in Oblast),
        ],
        validators=[Optional()],
    )
    city = SelectField(_l("City"), choices=[], validators=[Optional()])
    organizer = SelectField(_l("Organizer"), choices=[], validators=[Optional()])
    kind = SelectField(
        _l("Type"),
        choices=[
            SelectChoice("", _l("All types")),
            *(SelectChoice(k.value, k.title) for k in FairKind),
        ],
        validators=[Optional()],
    )
    date_from = DateField(_l("From"), name="from", validators=[Optional()])
    date_to = DateField(_l("To"), name="to", validators=[Optional()])
    past = BooleanField(_l("Include past fairs"), false_values=FALSE_VALUES)
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=100_000)])


@dataclass
class ParsedFilters:
    """What a filter query string means, and what was wrong with it."""

    form: FilterForm
    filters: FairFilters
    page: int
    notices: list[str]


def _choices(lang: str) -> dict[str, list[list[str]]]:
    """The sectors, cities and organizers to choose from, sorted by name in `lang`: three
    queries, made once per catalogue generation and language (fairplanner.cache)."""

    def compute() -> bytes:
        choices = {
            "sector": [
                [s.code, localized(s, "name", lang)] for s in db.session.scalars(queries.sectors())
            ],
            "city": [
                [c.slug, localized(c, "name", lang)] for c in db.session.scalars(queries.cities())
            ],
            "organizer": [
                [o.slug, localized(o, "short_name", lang) or localized(o, "name", lang)]
                for o in db.session.scalars(queries.organizers())
            ],
        }
        for options in choices.values():
            options.sort(key=lambda option: fold(option[1]))
        return json.dumps(choices, ensure_ascii=False).encode()

    return json.loads(cached("filter-choices", ("catalogue",), (lang,), compute))


def parse_filters(args: MultiDict[str, str], *, max_query: int) -> ParsedFilters:
    """Read the public filter parameters; a bad value is dropped with a notice, never an error."""
    form = FilterForm(formdata=args)
    all_label = {
        "sector": _("All sectors"),
        "city": _("All cities"),
        "organizer": _("All organizers"),
    }
    for name, options in _choices(current_language()).items():
        form[name].choices = [SelectChoice("", all_label[name])] + [
            SelectChoice(value, label) for value, label in options
        ]
    notices: list[str] = []
    form.validate()
    for field in form:
        if field.errors:
            raw = args.get(field.name, "")
            notices.append(
                _(
                    "“%(label)s”: the value “%(value)s” is not valid and was ignored.",
                    label=field.label.text,
                    value=raw[:40],
                )
            )
            field.data = None
            field.raw_data = []
    q = form.q.data or None
    if q is not None and len(q) > max_query:
        q = q[:max_query]
        form.q.data = q
        notices.append(_("The search text was shortened to %(n)d characters.", n=max_query))
    date_from, date_to = form.date_from.data, form.date_to.data
    if date_from and date_to and date_to < date_from:
        notices.append(_("The end date is before the start date and was ignored."))
        date_to = form.date_to.data = None
    filters = FairFilters(
        q=q,
        sector=form.sector.data or None,
        city=form.city.data or None,
        oblast=Oblast(form.oblast.data) if form.oblast.data else None,
        organizer=form.organizer.data or None,
        kind=FairKind(form.kind.data) if form.kind.data else None,
        date_from=date_from,
        date_to=date_to,
        include_past=bool(form.past.data),
    )
    return ParsedFilters(form=form, filters=filters, page=form.page.data or 1, notices=notices)
