"""The mail that domain events cause (fairplanner.events), queued in the outbox in the
transaction of the change: a change rolled back sends nothing, and a mail that cannot be
queued fails the change.

`connect()` is called by `fairplanner.notifications.init_app` at start-up; connecting the same
module-level functions again (every app the tests build) replaces the earlier connection, so
each runs once per event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fairplanner import events
from fairplanner.accounts.models import Company, Invitation, Role, User
from fairplanner.catalogue.models import Fair, FairStatus, Organizer
from fairplanner.core.urls import public_url
from fairplanner.extensions import db
from fairplanner.meetings.models import Meeting, MeetingState
from fairplanner.notifications import meetings, tickets
from fairplanner.notifications.messages import fair_changed, registration_event, stand_assigned
from fairplanner.notifications.services import enqueue
from fairplanner.registrations import queries as registration_queries
from fairplanner.registrations.models import Registration, RegistrationStatus
from fairplanner.tickets.models import Ticket
from fairplanner.webhooks.models import WebhookSubscription

# A fair that moved in time or place: its companies get the updated calendar entry.
MOVED = frozenset({"starts_on", "ends_on", "venue_id"})


_link = public_url


# --- registrations ---------------------------------------------------------------------------


def _tell(
    registration: Registration,
    event: str,
    *,
    reason: str | None = None,
    reply_to: str | None = None,
) -> None:
    """Queue the company's message, with its place when it is on the waiting list."""
    position = None
    if registration.status == RegistrationStatus.WAITLISTED:
        position = db.session.scalar(registration_queries.waitlist_rank(registration))
    registration_event(registration, event, reason=reason, position=position, reply_to=reply_to)


def on_application_submitted(registration: Registration, **_: Any) -> None:
    _tell(registration, "received")


def on_application_decided(
    registration: Registration, *, actor: User, reason: str | None = None, **_: Any
) -> None:
    # Replies to a decision go to the staff member who took it.
    _tell(registration, registration.status.value, reason=reason, reply_to=actor.email)


def on_application_promoted(registration: Registration, **_: Any) -> None:
    _tell(registration, "promoted")


def on_application_withdrawn(registration: Registration, **_: Any) -> None:
    _tell(registration, "withdrawn")


def on_stand_assigned(
    registration: Registration, *, previous: tuple[str, str] | None = None, **_: Any
) -> None:
    stand_assigned(registration, previous=previous)


# --- accounts --------------------------------------------------------------------------------


def on_account_exists(
    user: User,
    *,
    lang: str,
    company: Company | None = None,
    inviter: User | None = None,
    **_: Any,
) -> None:
    enqueue(
        "account_exists",
        to=user.email,
        lang=lang,
        login=_link("/login"),
        reset=_link("/password/forgot"),
        company=company.display_name if company else None,
        inviter=inviter.email if inviter else None,
    )


def on_invitation_sent(invitation: Invitation, *, token: str, invited_by: User, **_: Any) -> None:
    enqueue(
        "invitation",
        to=invitation.email,
        lang="ru",
        reply_to=invited_by.email,
        inviter=invited_by.email,
        company=invitation.company.display_name,
        link=_link(f"/invite/{token}"),
    )


def on_email_verification_requested(user: User, *, token: str, lang: str, **_: Any) -> None:
    enqueue("verify_email", to=user.email, lang=lang, link=_link(f"/verify/{token}"))


def on_password_reset_requested(user: User, *, token: str, lang: str, **_: Any) -> None:
    enqueue("password_reset", to=user.email, lang=lang, link=_link(f"/password/reset/{token}"))


# --- fairs -----------------------------------------------------------------------------------


def on_fair_changed(fair: Fair, *, changes: dict[str, Any], **_: Any) -> None:
    if MOVED & changes.keys() and fair.status == FairStatus.PUBLISHED:
        fair_changed(fair, cancelled=False)


def on_fair_cancelled(fair: Fair, *, reason: str | None = None, **_: Any) -> None:
    fair_changed(fair, cancelled=True, reason=reason)


# --- meetings --------------------------------------------------------------------------------


def on_meeting_requested(meeting: Meeting, **_: Any) -> None:
    meetings.requested(meeting)


def on_meeting_answered(
    meeting: Meeting, *, answer: str, actor: User | None = None, **_: Any
) -> None:
    meetings.answered(meeting, answer=answer, actor=actor)


def on_meeting_scheduled(
    meeting: Meeting, *, previous: tuple[Any, int | None] | None = None, **_: Any
) -> None:
    meetings.scheduled(meeting, previous=previous)


def on_meeting_cancelled(
    meeting: Meeting,
    *,
    previous: MeetingState,
    actor: User | None = None,
    reason: str | None = None,
    **_: Any,
) -> None:
    meetings.cancelled(meeting, actor=actor, previous=previous, reason=reason)


# --- tickets ---------------------------------------------------------------------------------


def on_ticket_mailed(ticket: Ticket, *, actor: User | None = None, **_: Any) -> None:
    tickets.mailed(ticket, actor=actor)


# --- webhooks --------------------------------------------------------------------------------


def on_webhook_disabled(subscription: WebhookSubscription, **_: Any) -> None:
    """Every active staff member of the organizer learns that its webhook was turned off."""
    organizer = db.session.get(Organizer, subscription.organizer_id)
    staff = db.session.scalars(
        select(User)
        .where(
            User.organizer_id == subscription.organizer_id,
            User.role == Role.STAFF,
            User.active.is_(True),
        )
        .order_by(User.id)
    )
    for user in staff:
        enqueue(
            "webhook_disabled",
            to=user.email,
            lang="ru",
            organizer=organizer.name_ru if organizer else "",
            url=subscription.url,
            failures=subscription.consecutive_failures,
            console=_link("/organizer/"),
        )


RECEIVERS = (
    (events.application_submitted, on_application_submitted),
    (events.application_decided, on_application_decided),
    (events.application_promoted, on_application_promoted),
    (events.application_withdrawn, on_application_withdrawn),
    (events.stand_assigned, on_stand_assigned),
    (events.account_exists, on_account_exists),
    (events.invitation_sent, on_invitation_sent),
    (events.email_verification_requested, on_email_verification_requested),
    (events.password_reset_requested, on_password_reset_requested),
    (events.fair_changed, on_fair_changed),
    (events.fair_cancelled, on_fair_cancelled),
    (events.meeting_requested, on_meeting_requested),
    (events.meeting_answered, on_meeting_answered),
    (events.meeting_scheduled, on_meeting_scheduled),
    (events.meeting_cancelled, on_meeting_cancelled),
    (events.ticket_mailed, on_ticket_mailed),
    (events.webhook_disabled, on_webhook_disabled),
)


def connect() -> None:
    """Subscribe the mail receivers (idempotent: blinker keeps one connection per function)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
