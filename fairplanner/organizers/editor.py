"""The fair and programme editors of the organizer console, and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fairplanner import confirm
from fairplanner.catalogue.models import (
    Fair,
    ProgrammeEvent,
)
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, localized
from fairplanner.media.forms import ImageUploadForm
from fairplanner.media.services import ImageError, store_image
from fairplanner.organizers import changelog, queries, services
from fairplanner.organizers.forms import CancelForm, DecisionForm, EventForm, FairForm
from fairplanner.organizers.models import FairChange
from fairplanner.organizers.views import DIGITS, bp, scoped_fair, staff_required
from fairplanner.registrations.models import Registration, RegistrationChange


def commit_or_flash(action: Callable[[], Any], success: str) -> tuple[bool, Any]:
    """Run a service call and commit it, flashing the outcome: (went through, its result)."""
    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False, None
    flash(success, "success")
    return True, result


def _seen(value: object) -> int:
    """The revision a page showed; anything unreadable matches nothing (a stale edit)."""
    return int(value) if DIGITS.fullmatch(str(value)) else -1


def _fair_form(fair: Fair | None, *, saved: bool = False) -> FairForm:
    """The fair's form: as saved on GET (or when `saved`), else as posted."""
    saved = saved or request.method == "GET"
    form = FairForm(obj=fair, formdata=None) if saved else FairForm()
    if saved and fair is not None:
        form.revision.data = fair.revision
        form.venue.data = str(fair.venue_id)
        form.sectors.data = [s.code for s in fair.sectors]
        form.kind.data = fair.kind.value
        form.capacity_unit.data = fair.capacity_unit.value
    return form.load_choices()


@bp.route("/fairs/new", methods=["GET", "POST"])
@staff_required
def new_fair() -> ResponseReturnValue:
    """A new fair of the user's organizer, saved as a draft."""
    if current_user.organizer_id is None:
        abort(403)
    form = _fair_form(None)
    if form.validate_on_submit():
        done, fair = commit_or_flash(
            lambda: services.create_fair(
                form.fair_data(), organizer_id=current_user.organizer_id, actor=current_user
            ),
            _("The fair is saved as a draft. Add its programme, then publish it."),
        )
        if done:
            return redirect(url_for("organizers.programme", slug=fair.slug))
    return render_template("organizers/fair_form.html", form=form, fair=None), (
        422 if form.errors else 200
    )


@bp.route("/fairs/<slug>/edit", methods=["GET", "POST"])
@staff_required
def edit_fair(slug: str) -> ResponseReturnValue:
    """Edit a fair; a change made meanwhile by someone else is not overwritten."""
    fair = scoped_fair(slug)
    form = _fair_form(fair)
    if form.validate_on_submit():
        seen = _seen(form.revision.data)
        done, _result = commit_or_flash(
            lambda: services.update_fair(
                fair, form.fair_data(), actor=current_user, seen_revision=seen
            ),
            _("Your changes have been saved."),
        )
        if done:
            return redirect(url_for("organizers.edit_fair", slug=fair.slug))
    return _edit_page(fair, form, 422 if form.errors else 200)


def _edit_page(
    fair: Fair, form: FairForm, status: int, images: dict[str, ImageUploadForm] | None = None
) -> ResponseReturnValue:
    images = images or {}
    for kind in services.FAIR_IMAGES:
        images.setdefault(kind, ImageUploadForm(formdata=None, prefix=kind))
    return render_template(
        "organizers/fair_form.html",
        form=form,
        fair=fair,
        cancel=CancelForm(),
        confirm=DecisionForm(),
        images=images,
    ), status


@bp.post("/fairs/<slug>/images/<any(logo, cover):kind>")
@staff_required
def fair_image(slug: str, kind: str) -> ResponseReturnValue:
    """Upload or replace the fair's logo or cover; a file that is no acceptable image is
    refused on the edit page, in the user's language, and nothing is stored."""
    fair = scoped_fair(slug)
    upload_form = ImageUploadForm(prefix=kind)
    if upload_form.validate_on_submit():
        upload = upload_form.image.data
        if not upload or not getattr(upload, "filename", ""):
            upload_form.image.errors.append(_("Choose an image file: PNG, JPEG or WebP."))
        else:
            try:
                image = store_image(upload.stream)
                services.set_fair_image(fair, kind, image, actor=current_user)
                db.session.commit()
            except ImageError as exc:
                db.session.rollback()
                upload_form.image.errors.append(exc.message)
            else:
                flash(_("The image has been saved."), "success")
                return redirect(url_for("organizers.edit_fair", slug=fair.slug, _anchor=kind))
    status = 422 if upload_form.errors else 400
    return _edit_page(fair, _fair_form(fair, saved=True), status, {kind: upload_form})


@bp.post("/fairs/<slug>/images/<any(logo, cover):kind>/remove")
@staff_required
def remove_fair_image(slug: str, kind: str) -> ResponseReturnValue:
    """Take the fair's logo or cover down, after a confirmation."""
    fair = scoped_fair(slug)
    back = url_for("organizers.edit_fair", slug=fair.slug, _anchor=kind)
    if getattr(fair, kind) is None:
        return redirect(back)
    if not confirm.confirmed():
        return confirm.ask(
            title=_("Remove the logo?") if kind == "logo" else _("Remove the cover image?"),
            lines=[_("The fair page and the catalogue will show the fair without it.")],
            button=_("Remove the logo") if kind == "logo" else _("Remove the cover image"),
            back=back,
        )
    commit_or_flash(
        lambda: services.set_fair_image(fair, kind, None, actor=current_user),
        _("The image has been removed."),
    )
    return redirect(back)


def _fair_action(slug: str, action: Callable[[Fair], Any], message: str) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    _done, result = commit_or_flash(lambda: action(fair), message)
    target = result if isinstance(result, Fair) else fair  # a copy opens the new edition
    return redirect(url_for("organizers.edit_fair", slug=target.slug))


@bp.post("/fairs/<slug>/publish")
@staff_required
def publish(slug: str) -> ResponseReturnValue:
    return _fair_action(
        slug, lambda f: services.publish_fair(f, actor=current_user), _("The fair is published.")
    )


@bp.post("/fairs/<slug>/cancel")
@staff_required
def cancel(slug: str) -> ResponseReturnValue:
    """Cancel the fair with a reason, after a page that says who will be told."""
    fair = scoped_fair(slug)  # another organizer's fair is a 404 before anything else is said
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the cancellation."), "error")
        return redirect(url_for("organizers.edit_fair", slug=slug))
    if not confirm.confirmed():
        told = db.session.scalar(queries.notified_on_change(fair.id)) or 0
        return confirm.ask(
            title=_("Cancel “%(name)s”?", name=localized(fair, "name")),
            lines=[
                _(
                    "The fair page and calendars will show it as cancelled: “%(reason)s”.",
                    reason=form.reason_ru.data.strip(),
                ),
                ngettext(
                    "%(num)d company with an active application will get an email.",
                    "%(num)d companies with active applications will get an email.",
                    told,
                )
                if told
                else _("No company has an active application: nobody gets an email."),
                _("A cancellation cannot be undone."),
            ],
            button=_("Cancel the fair"),
            back=url_for("organizers.edit_fair", slug=slug),
        )
    return _fair_action(
        slug,
        lambda f: services.cancel_fair(
            f, actor=current_user, reason_ru=form.reason_ru.data, reason_en=form.reason_en.data
        ),
        _("The fair is cancelled; the public page and the calendars show the reason."),
    )


@bp.post("/fairs/<slug>/copy")
@staff_required
def copy(slug: str) -> ResponseReturnValue:
    return _fair_action(
        slug,
        lambda f: services.copy_fair(f, actor=current_user),
        _("Next year's edition is saved as a draft."),
    )


@bp.route("/fairs/<slug>/programme", methods=["GET", "POST"])
@staff_required
def programme(slug: str) -> ResponseReturnValue:
    """The programme, with a form for a new item (times in Minsk time)."""
    fair = scoped_fair(slug)
    form = EventForm()
    if request.method == "GET":
        form.day.data = fair.starts_on
    if form.validate_on_submit():
        done, _event = commit_or_flash(
            lambda: services.add_event(fair, form.event_data(), actor=current_user),
            _("The programme item is added."),
        )
        if done:
            return redirect(url_for("organizers.programme", slug=fair.slug))
    return render_template(
        "organizers/programme.html", fair=fair, form=form, confirm=DecisionForm()
    ), (422 if form.errors else 200)


def _scoped_event(fair: Fair, event_id: int) -> ProgrammeEvent:
    event = next((e for e in fair.programme if e.id == event_id), None)
    if event is None:
        abort(404)
    return event


@bp.route("/fairs/<slug>/programme/<int(max=2147483647):event_id>", methods=["GET", "POST"])
@staff_required
def edit_event(slug: str, event_id: int) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    event = _scoped_event(fair, event_id)
    form = EventForm(obj=event if request.method == "GET" else None)
    if request.method == "GET":
        form.revision.data = event.revision
        local_start, local_end = event.starts_at.astimezone(MINSK), event.ends_at.astimezone(MINSK)
        form.day.data, form.start.data = local_start.date(), local_start.time()
        form.end.data, form.kind.data = local_end.time(), event.kind.value
    if form.validate_on_submit():
        seen = _seen(form.revision.data)
        done, _result = commit_or_flash(
            lambda: services.update_event(
                fair, event, form.event_data(), actor=current_user, seen_revision=seen
            ),
            _("Your changes have been saved."),
        )
        if done:
            return redirect(url_for("organizers.programme", slug=fair.slug))
    return render_template("organizers/event_form.html", fair=fair, event=event, form=form), (
        422 if form.errors else 200
    )


@bp.post("/fairs/<slug>/programme/<int(max=2147483647):event_id>/delete")
@staff_required
def delete_event(slug: str, event_id: int) -> ResponseReturnValue:
    """Delete a programme item, after a page that says what goes with it."""
    fair = scoped_fair(slug)
    event = _scoped_event(fair, event_id)
    if not confirm.confirmed():
        return confirm.ask(
            title=_("Delete “%(title)s”?", title=event.title_ru),
            lines=[
                _("The item leaves the programme on the fair page and in calendars."),
                _("Nobody gets an email about it."),
            ],
            button=_("Delete"),
            back=url_for("organizers.programme", slug=fair.slug),
        )
    services.delete_event(fair, event, actor=current_user)
    db.session.commit()
    flash(_("The programme item is deleted."), "success")
    return redirect(url_for("organizers.programme", slug=fair.slug))


@bp.get("/fairs/<slug>/log")
@staff_required
def fair_log(slug: str) -> ResponseReturnValue:
    """The audit log: edits of the fair and every decision on its applications."""
    fair = scoped_fair(slug)
    edits = db.session.scalars(
        select(FairChange)
        .where(FairChange.fair_id == fair.id)
        .options(joinedload(FairChange.actor))
        .order_by(FairChange.at.desc())
    ).all()
    decisions = db.session.scalars(
        select(RegistrationChange)
        .join(RegistrationChange.registration)
        .where(Registration.fair_id == fair.id)
        .options(
            joinedload(RegistrationChange.actor),
            joinedload(RegistrationChange.registration).joinedload(Registration.company),
        )
        .order_by(RegistrationChange.at.desc())
    ).all()
    return render_template(
        "organizers/log.html",
        fair=fair,
        edits=changelog.fair_entries(edits),
        decisions=changelog.registration_entries(decisions),
    )
