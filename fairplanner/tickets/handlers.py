"""Tickets' receivers of the lower domains' events (fairplanner.events): an approval issues
the named delegation's tickets; a withdrawal, a rejection or a cancelled fair revokes them.
They run in the transaction of the change."""

from __future__ import annotations

from typing import Any

from fairplanner import events
from fairplanner.catalogue.models import Fair
from fairplanner.registrations.models import Registration, RegistrationStatus
from fairplanner.tickets import services
from fairplanner.tickets.models import RevokeReason


def on_application_decided(registration: Registration, **_: Any) -> None:
    if registration.status == RegistrationStatus.APPROVED:
        services.ensure_issued(registration)
    elif registration.status == RegistrationStatus.REJECTED:
        services.revoke_application(registration, RevokeReason.REJECTED)


def on_application_withdrawn(registration: Registration, **_: Any) -> None:
    services.revoke_application(registration, RevokeReason.WITHDRAWN)


def on_fair_cancelled(fair: Fair, **_: Any) -> None:
    services.revoke_fair(fair.id)


RECEIVERS = (
    (events.application_decided, on_application_decided),
    (events.application_promoted, on_application_decided),
    (events.application_withdrawn, on_application_withdrawn),
    (events.fair_cancelled, on_fair_cancelled),
)


def connect() -> None:
    """Subscribe (idempotent: blinker keeps one connection per function)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
