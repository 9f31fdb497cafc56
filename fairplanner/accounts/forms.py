"""Forms for sign-up, login, passwords, the company profile and invitations."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    StopValidation,
)
from wtforms.widgets import CheckboxInput, ListWidget

from fairplanner import display
from fairplanner.accounts import identifiers
from fairplanner.accounts.identifiers import InvalidIdentifier
from fairplanner.accounts.models import Company, Country, TokenScope
from fairplanner.accounts.services import CompanyProfile, normalize_email
from fairplanner.catalogue import queries as catalogue_queries
from fairplanner.extensions import db
from fairplanner.i18n import localized
from fairplanner.text import blank_to_none, fold, strip

PASSWORD_MIN, PASSWORD_MAX = 10, 128


def email_field(label: object = None) -> EmailField:
    return EmailField(
        label or _l("Email"),
        filters=[strip],
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )


def new_password_field(label: object) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "Use %(min)d to %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX
                ),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def normalize_website(value: str | None) -> str | None:
    """A form filter: "beldrevprom.by" → "https://beldrevprom.by"; blank → None.

    People type a bare domain (or www.…) far more often than a full address; a scheme is only
    added where there is none, so "ftp://…" or "javascript:…" stay as typed and are refused.
    """
    value = blank_to_none(value)
    if value is None:
        return None
    if value.startswith("//"):
        return "https:" + value
    if "://" not in value and not re.match(r"^[a-z][a-z0-9+.-]*:(?!\d)", value, re.IGNORECASE):
        return "https://" + value
    return value


class WebAddress:
    """An http(s) address with a real host name, with one message whatever is wrong."""

    def __init__(self) -> None:
        self.message = _l("Enter a website address, such as beldrevprom.by.")
        self.url = URL(require_tld=True, message=self.message)

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        # WTForms' URL() alone lets "javascript://host/%0Aalert(1)" through.
        if urlsplit(field.data).scheme.lower() not in ("http", "https"):
            raise StopValidation(self.message)
        try:
            self.url(form, field)
        except ValidationError as exc:
            raise StopValidation(self.message) from exc


def website_field(label: object = None) -> StringField:
    """A website: a bare domain is accepted and stored with https://; one message per error."""
    return StringField(
        label or _l("Website"),
        filters=[normalize_website],
        validators=[Optional(), WebAddress(), Length(max=300)],
        render_kw={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"},
    )


def consent_field() -> BooleanField:
    """The consent to the privacy notice that creating an account needs (its label, with the
    link to the notice, is written out by templates/privacy/_consent.html)."""
    return BooleanField(
        _l("I agree to the processing of personal data under the privacy notice"),
        validators=[
            DataRequired(
                message=_l(
                    "Tick the box to agree to the processing of personal data: "
                    "without it we cannot create an account."
                )
            )
        ],
    )


class SignupForm(FlaskForm):
    email = email_field()
    password = new_password_field(_l("Password"))
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    company_name = StringField(
        _l("Company name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=300)],
        render_kw={"autocomplete": "organization"},
    )
    consent = consent_field()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Remember me on this device"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class AcceptInvitationForm(FlaskForm):
    password = new_password_field(_l("Password"))
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    consent = consent_field()


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class InviteForm(FlaskForm):
    email = email_field(_l("Colleague's email"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CompanyForm(FlaskForm):
    """The company profile. The country comes first: it decides how the tax number is read."""

    country = SelectField(
        _l("Country"),
        choices=[
            SelectChoice("", _l("Choose…")),
            *(SelectChoice(c.value, c.title) for c in Country),
        ],
        validators=[DataRequired(message=_l("Choose the country."))],
    )
    region = SelectField(_l("Region"), choices=[], validate_choice=False)
    legal_name = StringField(
        _l("Legal name"), filters=[strip], validators=[DataRequired(), Length(max=300)]
    )
    short_name = StringField(
        _l("Short name"), filters=[blank_to_none], validators=[Optional(), Length(max=120)]
    )
    tax_id = StringField(
        _l("Tax number (УНП in Belarus, ИНН in Russia)"),
        filters=[strip],
        validators=[DataRequired(), Length(max=40)],
    )
    ogrn = StringField(
        _l("ОГРН / ОГРНИП (Russia, optional)"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=20)],
    )
    sectors = MultiCheckboxField(_l("Sectors"), choices=[])
    products = TextAreaField(
        _l("Products and services"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=4000)],
    )
    website = website_field()
    contact_person = StringField(
        _l("Contact person"), filters=[strip], validators=[DataRequired(), Length(max=200)]
    )
    phone = StringField(
        _l("Phone"),
        filters=[strip],
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = email_field(_l("Contact email"))
    language = SelectField(
        _l("Language of our mail"),
        choices=[SelectChoice("ru", "Русский"), SelectChoice("en", "English")],
        validators=[Optional()],
        default="ru",
    )
    public_contact = BooleanField(
        _l("Show this contact (person, phone, email) on our public company page")
    )
    notify_confirmations = BooleanField(
        _l("Also send confirmations of our own actions (application received, withdrawn)")
    )
    calendar_alarms = BooleanField(
        _l(
            "Reminders in our calendars: a week and a day before registration deadlines,"
            " a day before openings"
        )
    )

    def chosen_country(self) -> Country | None:
        try:
            return Country(self.country.data)
        except ValueError:
            return None

    def validate_region(self, field: SelectField) -> None:
        country = self.chosen_country()
        if country is None or country == Country.OTHER:
            field.data = None
            return
        codes = {r.code for r in identifiers.regions()[country]}
        if field.data not in codes:
            raise ValidationError(_l("Choose the region."))

    def validate_tax_id(self, field: StringField) -> None:
        country = self.chosen_country()
        if country is None:
            return
        try:
            field.data = identifiers.check_tax_id(country, field.data)
        except InvalidIdentifier as exc:
            raise ValidationError(exc.message) from exc

    def validate_ogrn(self, field: StringField) -> None:
        if not field.data:
            return
        if self.chosen_country() != Country.RUSSIA:
            raise ValidationError(_l("ОГРН is only for companies registered in Russia."))
        if self.tax_id.errors:
            return
        try:
            field.data = identifiers.check_ogrn(field.data, tax_id=self.tax_id.data)
        except InvalidIdentifier as exc:
            raise ValidationError(exc.message) from exc

    def validate_phone(self, field: StringField) -> None:
        try:
            field.data = identifiers.check_phone(field.data, country=self.chosen_country())
        except InvalidIdentifier as exc:
            raise ValidationError(exc.message) from exc

    def profile(self) -> CompanyProfile:
        """The checked form as the profile the service saves."""
        return CompanyProfile(
            legal_name=self.legal_name.data,
            short_name=self.short_name.data,
            country=Country(self.country.data),
            region=self.region.data or None,
            tax_id=self.tax_id.data,
            ogrn=self.ogrn.data,
            sector_codes=self.sectors.data or [],
            products=self.products.data,
            website=self.website.data,
            contact_person=self.contact_person.data,
            phone=self.phone.data,
            email=normalize_email(self.email.data),
            notify_confirmations=self.notify_confirmations.data,
            public_contact=self.public_contact.data,
            calendar_alarms=self.calendar_alarms.data,
            language=self.language.data if self.language.data in ("ru", "en") else "ru",
        )


def company_form(company: Company, *, saved: bool, **kwargs: Any) -> CompanyForm:
    """The profile form with its choices: as saved (`saved`), else as posted (`kwargs` go to
    the form: the API passes its JSON as `formdata`)."""
    form = CompanyForm(obj=company, formdata=None) if saved else CompanyForm(**kwargs)
    if saved:
        form.country.data = company.country.value if company.country else ""
        form.sectors.data = [s.code for s in company.sectors]
        form.region.data = company.region or ""
        form.phone.data = display.phone(company.phone)  # as people write it; parsed on save
    # Grouped by country; static/js/regions.js keeps only the chosen country's group (without
    # script every group shows, and validate_region refuses a region of another country).
    form.region.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(
            r.code,
            localized(r, "name"),
            render_kw={"data-country": country.value},
            optgroup=str(country.title),
        )
        for country, items in identifiers.regions().items()
        for r in sorted(items, key=lambda r: fold(localized(r, "name")))
    ]
    sectors = [
        SelectChoice(s.code, localized(s, "name"))
        for s in db.session.scalars(catalogue_queries.sectors())
    ]
    form.sectors.choices = sorted(sectors, key=lambda c: fold(c.label))
    return form


class ApiTokenForm(FlaskForm):
    """A new personal API token: a name to recognise it by, its scope and its lifetime."""

    name = StringField(
        _l("Token name"),
        filters=[strip],
        validators=[DataRequired(message=_l("Give the token a name.")), Length(max=80)],
    )
    scope = RadioField(
        _l("What the token may do"),
        choices=[SelectChoice(s.value, s.title) for s in TokenScope],
        default=TokenScope.READ.value,
    )
    lifetime = SelectField(
        _l("Valid for"),
        choices=[
            SelectChoice("30", _l("30 days")),
            SelectChoice("90", _l("90 days")),
            SelectChoice("365", _l("a year")),
            SelectChoice("", _l("until revoked")),
        ],
        default="90",
    )

    def lifetime_days(self) -> int | None:
        return int(self.lifetime.data) if self.lifetime.data else None
