"""Console pages: a fair's messages, writing one (count, preview, send or schedule), templates.

The routes join the console's blueprint, so every page is behind `staff_required` and reaches
only the fair's of the user's organizer (`scoped_fair`); messages and templates are loaded
through their fair or its organizer, so another organizer's ids are a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from fairplanner import confirm
from fairplanner.catalogue import queries as catalogue_queries
from fairplanner.catalogue.models import Fair
from fairplanner.display import country_name, label
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, localized
from fairplanner.organizers.messages import queries, services
from fairplanner.organizers.messages.content import (
    LANGUAGES,
    MAX_PDF_BYTES,
    Filters,
    Upload,
    content_of,
)
from fairplanner.organizers.messages.forms import (
    STATUS_ORDER,
    MessageForm,
    ScheduleForm,
    TemplateForm,
)
from fairplanner.organizers.messages.models import (
    Attachment,
    MessageStatus,
    MessageTemplate,
    OrganizerMessage,
)
from fairplanner.organizers.messages.text import body_html
from fairplanner.organizers.views import bp, scoped_fair, staff_required
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus
from fairplanner.text import fold

ID = "int(max=2147483647)"


@bp.app_template_filter("message_body")
def message_body(text: str | None) -> Markup:
    """A message's text on a page: escaped, line breaks kept, http(s) links clickable."""
    return body_html(text)


def _message(fair: Fair, message_id: int) -> OrganizerMessage:
    return db.one_or_404(queries.fair_message(fair.id, message_id))


def _template(fair: Fair, template_id: int) -> MessageTemplate:
    return db.one_or_404(queries.organizer_template(fair.organizer_id, template_id))


def _back(fair: Fair, message: OrganizerMessage) -> str:
    return url_for("organizers.message", slug=fair.slug, message_id=message.id)


@bp.get("/fairs/<slug>/messages")
@staff_required
def messages(slug: str) -> ResponseReturnValue:
    """Sent, scheduled and draft messages of the fair."""
    fair = scoped_fair(slug)
    rows = db.session.scalars(queries.fair_messages(fair.id)).all()
    return render_template("organizers/messages.html", fair=fair, messages=rows)


# --- writing --------------------------------------------------------------------------------


def _message_form(fair: Fair, message: OrganizerMessage | None) -> MessageForm:
    form = MessageForm(obj=message if request.method == "GET" else None)
    if request.method == "GET":
        if message is not None:
            filters = Filters.from_json(message.recipients_filter)
            form.statuses.data, form.roles.data = filters.statuses, filters.roles
            form.countries.data, form.sectors.data = filters.countries, filters.sectors
            form.attachment.data = message.attachment.value
        else:
            form.statuses.data = ["approved"]
            chosen = request.args.get("template", "")
            if chosen.isascii() and chosen.isdigit() and len(chosen) < 10:
                template = _template(fair, int(chosen))
                for name in ("subject_ru", "subject_en", "body_ru", "body_en"):
                    getattr(form, name).data = getattr(template, name)
    form.sectors.choices = sorted(
        (
            SelectChoice(s.code, localized(s, "name"))
            for s in db.session.scalars(catalogue_queries.sectors())
        ),
        key=lambda c: fold(c.label),
    )
    return form


def _upload(form: MessageForm) -> Upload | None:
    file = form.pdf.data
    if not file or not file.filename:
        return None
    try:
        if form.attachment.data != Attachment.PDF.value:
            return None
        return Upload(filename=file.filename, data=file.read(MAX_PDF_BYTES + 1))
    finally:
        file.close()  # a large upload is a temporary file


def _compose(fair: Fair, message: OrganizerMessage | None) -> ResponseReturnValue:
    form = _message_form(fair, message)
    count = None
    status = 200
    if request.method == "POST" and request.form.get("action") == "count":
        try:
            count = services.count_recipients(fair.id, form.filters().check())
        except DomainError as exc:
            flash(exc.message, "error")
            status = exc.status_code
    elif form.validate_on_submit():
        try:
            message = services.save_draft(
                fair,
                author=current_user,
                content=form.content(),
                filters=form.filters(),
                attachment=Attachment(form.attachment.data),
                upload=_upload(form),
                message=message,
            )
            db.session.commit()
            return redirect(_back(fair, message))
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            status = exc.status_code
    elif form.errors:
        status = 422
    templates = db.session.scalars(queries.organizer_templates(fair.organizer_id)).all()
    return render_template(
        "organizers/messages_form.html",
        fair=fair,
        form=form,
        message=message,
        count=count,
        templates=templates,
    ), status


@bp.route("/fairs/<slug>/messages/new", methods=["GET", "POST"])
@staff_required
def new_message(slug: str) -> ResponseReturnValue:
    """Write a message: recipients, texts, attachment; "Count" shows how many it reaches."""
    return _compose(scoped_fair(slug), None)


@bp.route(f"/fairs/<slug>/messages/<{ID}:message_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_message(slug: str, message_id: int) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    message = _message(fair, message_id)
    if message.status != MessageStatus.DRAFT:
        flash(_("Only a draft can be changed."), "error")
        return redirect(_back(fair, message))
    return _compose(fair, message)


# --- one message ----------------------------------------------------------------------------


def _previews(fair: Fair, message: OrganizerMessage) -> list[dict[str, Any]]:
    """The mail as a company reading Russian and one reading English would get it."""
    content = content_of(message)
    previews = []
    for reader in LANGUAGES:
        lang = content.language_for(reader)
        with force_locale(lang):
            context = services.mail_context(
                message, fair, lang, company_name=_("Company name"), link="#"
            )
            html = render_template("organizers/_message_mail.html", message=message, **context)
        previews.append(
            {
                "reader": reader,
                "lang": lang,
                # Our own template's output, escaped when it was rendered.
                "html": Markup(html),  # noqa: S704
            }
        )
    return previews


def _summary(filters: Filters) -> list[tuple[str, str]]:
    """The recipients' filter in words (names, never codes)."""
    sectors = {
        s.code: localized(s, "name") for s in db.session.scalars(catalogue_queries.sectors())
    }
    groups = [
        (
            _("Status of the application"),
            [label(s, RegistrationStatus) for s in STATUS_ORDER if s.value in filters.statuses],
        ),
        (_("Role"), [label(r, RegistrationRole) for r in filters.roles]),
        (_("Country"), [country_name(c) for c in filters.countries]),
        (
            _("Sector of the company"),
            sorted((sectors.get(c, c) for c in filters.sectors), key=fold),
        ),
    ]
    return [(title, ", ".join(names) if names else _("any")) for title, names in groups]


def _show(fair: Fair, message: OrganizerMessage, status: int = 200) -> ResponseReturnValue:
    filters = Filters.from_json(message.recipients_filter)
    count = names = received = None
    if message.status == MessageStatus.SENT:
        received = db.session.execute(queries.recipients(message.id)).all()
    else:
        count = services.count_recipients(fair.id, filters)
        names = services.recipient_names(fair.id, filters)
    return render_template(
        "organizers/messages_show.html",
        fair=fair,
        message=message,
        summary=_summary(filters),
        count=count,
        names=names,
        received=received,
        previews=_previews(fair, message),
        schedule_form=ScheduleForm(),
    ), status


@bp.get(f"/fairs/<slug>/messages/<{ID}:message_id>")
@staff_required
def message(slug: str, message_id: int) -> ResponseReturnValue:
    """A message: its preview in each language, its recipients, and what can be done with it."""
    fair = scoped_fair(slug)
    return _show(fair, _message(fair, message_id))


@bp.post(f"/fairs/<slug>/messages/<{ID}:message_id>/send")
@staff_required
def send_message(slug: str, message_id: int) -> ResponseReturnValue:
    """Send a draft now, after a page that says to how many companies."""
    fair = scoped_fair(slug)
    message = _message(fair, message_id)
    if message.status == MessageStatus.DRAFT and not confirm.confirmed():
        count = services.count_recipients(fair.id, Filters.from_json(message.recipients_filter))
        return confirm.ask(
            title=ngettext(
                "Send the message to %(num)d company?",
                "Send the message to %(num)d companies?",
                count.companies,
            ),
            lines=[
                _("Each company gets one email at its contact address, in its language."),
                _("The message is also shown on each company's application page."),
                _("A sent message cannot be recalled."),
            ],
            items=services.recipient_names(fair.id, Filters.from_json(message.recipients_filter)),
            button=_("Send"),
            back=_back(fair, message),
        )
    try:
        sent = services.send_now(message)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _show(fair, _message(fair, message_id), exc.status_code)
    flash(
        ngettext(
            "The message has been sent to %(num)d company.",
            "The message has been sent to %(num)d companies.",
            sent,
        ),
        "success",
    )
    return redirect(_back(fair, message))


@bp.post(f"/fairs/<slug>/messages/<{ID}:message_id>/schedule")
@staff_required
def schedule_message(slug: str, message_id: int) -> ResponseReturnValue:
    """Send a draft at a day and time in Minsk."""
    fair = scoped_fair(slug)
    message = _message(fair, message_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        flash(_("Give the day and the time of sending."), "error")
        return _show(fair, message, 422)
    at = datetime.combine(form.day.data, form.time.data, tzinfo=MINSK)
    try:
        services.schedule(message, at=at)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _show(fair, _message(fair, message_id), exc.status_code)
    flash(_("The message is scheduled."), "success")
    return redirect(_back(fair, message))


@bp.post(f"/fairs/<slug>/messages/<{ID}:message_id>/unschedule")
@staff_required
def unschedule_message(slug: str, message_id: int) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    message = _message(fair, message_id)
    try:
        services.unschedule(message)
        db.session.commit()
        flash(_("The message is a draft again: nothing will be sent."), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(_back(fair, message))


@bp.post(f"/fairs/<slug>/messages/<{ID}:message_id>/delete")
@staff_required
def delete_message(slug: str, message_id: int) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    message = _message(fair, message_id)
    if message.status == MessageStatus.DRAFT and not confirm.confirmed():
        return confirm.ask(
            title=_("Delete the draft?"),
            lines=[_("The draft and its attached file are deleted. Nobody gets an email.")],
            items=[_subject(message)],
            button=_("Delete"),
            back=_back(fair, message),
        )
    try:
        services.delete_draft(message)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(_back(fair, message))
    flash(_("The draft is deleted."), "success")
    return redirect(url_for("organizers.messages", slug=fair.slug))


def _subject(item: OrganizerMessage | MessageTemplate) -> str:
    return localized(item, "subject") or item.subject_ru or item.subject_en or ""


@bp.get(f"/fairs/<slug>/messages/<{ID}:message_id>/attachment.pdf")
@staff_required
def message_file(slug: str, message_id: int) -> ResponseReturnValue:
    """The uploaded PDF, as a download of type application/pdf only (never shown inline)."""
    fair = scoped_fair(slug)
    message = _message(fair, message_id)
    if message.file is None:
        return redirect(_back(fair, message))
    return Response(
        message.file.data,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{message.file.filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


# --- templates ------------------------------------------------------------------------------


@bp.get("/fairs/<slug>/message-templates")
@staff_required
def message_templates(slug: str) -> ResponseReturnValue:
    """The organizer's saved templates (shared by all its fairs)."""
    fair = scoped_fair(slug)
    templates = db.session.scalars(queries.organizer_templates(fair.organizer_id)).all()
    return render_template("organizers/messages_templates.html", fair=fair, templates=templates)


def _template_page(fair: Fair, template: MessageTemplate | None) -> ResponseReturnValue:
    form = TemplateForm(obj=template if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            services.save_template(
                fair.organizer_id, name=form.name.data, content=form.content(), template=template
            )
            db.session.commit()
            flash(_("The template is saved."), "success")
            return redirect(url_for("organizers.message_templates", slug=fair.slug))
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            status = exc.status_code
    elif form.errors:
        status = 422
    return render_template(
        "organizers/messages_template_form.html", fair=fair, form=form, template=template
    ), status


@bp.route("/fairs/<slug>/message-templates/new", methods=["GET", "POST"])
@staff_required
def new_message_template(slug: str) -> ResponseReturnValue:
    return _template_page(scoped_fair(slug), None)


@bp.route(f"/fairs/<slug>/message-templates/<{ID}:template_id>", methods=["GET", "POST"])
@staff_required
def edit_message_template(slug: str, template_id: int) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    return _template_page(fair, _template(fair, template_id))


@bp.post(f"/fairs/<slug>/message-templates/<{ID}:template_id>/delete")
@staff_required
def delete_message_template(slug: str, template_id: int) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    template = _template(fair, template_id)
    back = url_for("organizers.message_templates", slug=fair.slug)
    if not confirm.confirmed():
        return confirm.ask(
            title=_("Delete the template “%(name)s”?", name=template.name),
            lines=[_("Messages written from it stay as they are.")],
            button=_("Delete"),
            back=back,
        )
    services.delete_template(template)
    db.session.commit()
    flash(_("The template is deleted."), "success")
    return redirect(back)
