"""The webhooks that domain events cause (fairplanner.events): one delivery per matching
active subscription of the fair's organizer, queued in the transaction of the change."""

from __future__ import annotations

from typing import Any

from fairplanner import events
from fairplanner.catalogue.models import Fair, ProgrammeEvent
from fairplanner.registrations.models import Registration
from fairplanner.webhooks.models import WebhookEvent
from fairplanner.webhooks.services import queue


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def fair_data(fair: Fair) -> dict[str, Any]:
    return {
        "id": fair.id,
        "slug": fair.slug,
        "name_ru": fair.name_ru,
        "name_en": fair.name_en,
        "status": fair.status.value,
        "starts_on": _day(fair.starts_on),
        "ends_on": _day(fair.ends_on),
        "venue_id": fair.venue_id,
        "organizer_id": fair.organizer_id,
        "revision": fair.revision,
    }


def application_data(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.id,
        "fair_id": registration.fair_id,
        "company_id": registration.company_id,
        "role": registration.role.value,
        "status": registration.status.value,
        "hall": registration.hall,
        "stand": registration.stand,
    }


def _application(event: WebhookEvent, registration: Registration, **extra: Any) -> None:
    fair = registration.fair
    data = {"application": application_data(registration), "fair": fair_data(fair), **extra}
    queue(event, fair.organizer_id, data)


def on_application_submitted(registration: Registration, **_: Any) -> None:
    _application(WebhookEvent.APPLICATION_SUBMITTED, registration)


def on_application_changed(
    registration: Registration, *, changes: dict[str, Any] | None = None, **_: Any
) -> None:
    _application(WebhookEvent.APPLICATION_CHANGED, registration, changes=changes or {})


def on_application_decided(
    registration: Registration, *, previous: Any = None, reason: str | None = None, **_: Any
) -> None:
    _application(
        WebhookEvent.APPLICATION_DECIDED,
        registration,
        previous_status=getattr(previous, "value", previous),
        reason=reason,
    )


def on_application_promoted(registration: Registration, **_: Any) -> None:
    # Approved from the waiting list: for an integrator, a decision like any other.
    _application(WebhookEvent.APPLICATION_DECIDED, registration, previous_status="waitlisted")


def on_application_withdrawn(registration: Registration, *, previous: Any = None, **_: Any) -> None:
    _application(
        WebhookEvent.APPLICATION_WITHDRAWN,
        registration,
        previous_status=getattr(previous, "value", previous),
    )


def on_fair_published(fair: Fair, **_: Any) -> None:
    queue(WebhookEvent.FAIR_PUBLISHED, fair.organizer_id, {"fair": fair_data(fair)})


def on_fair_changed(fair: Fair, *, changes: dict[str, Any] | None = None, **_: Any) -> None:
    data = {"fair": fair_data(fair), "changes": changes or {}}
    queue(WebhookEvent.FAIR_CHANGED, fair.organizer_id, data)


def on_fair_cancelled(fair: Fair, *, reason: str | None = None, **_: Any) -> None:
    data = {"fair": fair_data(fair), "reason": reason}
    queue(WebhookEvent.FAIR_CANCELLED, fair.organizer_id, data)


def on_programme_changed(
    fair: Fair,
    *,
    item: ProgrammeEvent | None = None,
    item_id: int | None = None,
    change: str,
    **_: Any,
) -> None:
    data = {
        "fair": fair_data(fair),
        "change": change,
        "item": {
            "id": item.id if item is not None else item_id,
            "title_ru": item.title_ru if item is not None else None,
            "starts_at": item.starts_at.isoformat() if item is not None else None,
            "ends_at": item.ends_at.isoformat() if item is not None else None,
        },
    }
    queue(WebhookEvent.PROGRAMME_CHANGED, fair.organizer_id, data)


RECEIVERS = (
    (events.application_submitted, on_application_submitted),
    (events.application_changed, on_application_changed),
    (events.application_decided, on_application_decided),
    (events.application_promoted, on_application_promoted),
    (events.application_withdrawn, on_application_withdrawn),
    (events.fair_published, on_fair_published),
    (events.fair_changed, on_fair_changed),
    (events.fair_cancelled, on_fair_cancelled),
    (events.programme_changed, on_programme_changed),
)


def connect() -> None:
    """Subscribe the webhook receivers (idempotent: blinker keeps one connection per function)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
