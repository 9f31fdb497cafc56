"""Webhooks in the organizer console: the organizer's subscriptions (add, turn on again,
delete), each one's delivery log with the receiver's answers, and "send again".
fairplanner.webhooks does the work; these views commit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fairplanner import confirm
from fairplanner.extensions import db
from fairplanner.organizers.views import bp, staff_required
from fairplanner.webhooks import services
from fairplanner.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

LOG_SIZE = 50  # deliveries shown on a subscription's page, newest first


def _organizer_id() -> int:
    """Webhooks belong to an organizer: an admin without one has none to manage."""
    if current_user.organizer_id is None:
        abort(404)
    return current_user.organizer_id


def _subscription(subscription_id: int) -> WebhookSubscription:
    """The subscription, if it is the user's organizer's; another's is a 404."""
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None or subscription.organizer_id != _organizer_id():
        abort(404)
    return subscription


def _list(status: int = 200, error: str | None = None, url: str = "", chosen=()):
    subscriptions = db.session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.organizer_id == _organizer_id())
        .order_by(WebhookSubscription.id)
    ).all()
    return render_template(
        "organizers/webhooks.html",
        subscriptions=subscriptions,
        events=list(WebhookEvent),
        error=error,
        url=url,
        chosen=set(chosen),
    ), status


@bp.get("/webhooks")
@staff_required
def webhooks() -> ResponseReturnValue:
    return _list()


@bp.post("/webhooks")
@staff_required
def webhook_add() -> ResponseReturnValue:
    url = request.form.get("url", "").strip()[:2000]
    chosen = request.form.getlist("events")
    try:
        services.create_subscription(_organizer_id(), url, chosen)
    except services.WebhookError as exc:
        db.session.rollback()
        return _list(422, exc.message, url, chosen)
    db.session.commit()
    flash(
        _("The webhook is added. Check the signatures of its requests with its secret."), "success"
    )
    return redirect(url_for("organizers.webhooks"))


@bp.get("/webhooks/<int:subscription_id>")
@staff_required
def webhook_log(subscription_id: int) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    deliveries = db.session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_SIZE)
    ).all()
    return render_template(
        "organizers/webhook_log.html",
        subscription=subscription,
        deliveries=deliveries,
        titles={event.value: event.title for event in WebhookEvent},
    )


@bp.post("/webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/again")
@staff_required
def webhook_send_again(subscription_id: int, delivery_id: int) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription.id:
        abort(404)
    if not subscription.active:
        flash(_("Turn the webhook on first: a webhook that is off sends nothing."), "error")
        return redirect(url_for("organizers.webhook_log", subscription_id=subscription.id))
    services.send_again(delivery)
    db.session.commit()
    flash(_("The event will be sent again within a minute."), "success")
    return redirect(url_for("organizers.webhook_log", subscription_id=subscription.id))


@bp.post("/webhooks/<int:subscription_id>/enable")
@staff_required
def webhook_enable(subscription_id: int) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    services.enable(subscription)
    db.session.commit()
    flash(_("The webhook is on again."), "success")
    return redirect(url_for("organizers.webhook_log", subscription_id=subscription.id))


@bp.post("/webhooks/<int:subscription_id>/delete")
@staff_required
def webhook_delete(subscription_id: int) -> ResponseReturnValue:
    subscription = _subscription(subscription_id)
    if not confirm.confirmed():
        return confirm.ask(
            title=_("Delete the webhook?"),
            lines=[
                _(
                    "No more events will be sent to %(url)s, and its delivery log is deleted.",
                    url=subscription.url,
                ),
            ],
            button=_("Delete the webhook"),
            back=url_for("organizers.webhook_log", subscription_id=subscription.id),
        )
    services.delete_subscription(subscription)
    db.session.commit()
    flash(_("The webhook is deleted."), "success")
    return redirect(url_for("organizers.webhooks"))
