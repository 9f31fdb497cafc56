"""Meetings' receivers of the lower domains' events (fairplanner.events): an application that
ends, or a cancelled fair, cancels the company's (or every) meeting, and its partners hear of
it through `meeting_cancelled`. They run in the transaction of the change."""

from __future__ import annotations

from typing import Any

from fairplanner import events
from fairplanner.catalogue.models import Fair
from fairplanner.meetings import services
from fairplanner.registrations.models import Registration, RegistrationStatus


def on_application_withdrawn(registration: Registration, **_: Any) -> None:
    services.end_company(registration.fair_id, registration.company_id)


def on_application_decided(registration: Registration, **_: Any) -> None:
    if registration.status == RegistrationStatus.REJECTED:
        services.end_company(registration.fair_id, registration.company_id)


def on_fair_cancelled(fair: Fair, **_: Any) -> None:
    services.end_fair(fair.id)


RECEIVERS = (
    (events.application_withdrawn, on_application_withdrawn),
    (events.application_decided, on_application_decided),
    (events.fair_cancelled, on_fair_cancelled),
)


def connect() -> None:
    """Subscribe (idempotent: blinker keeps one connection per function)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
