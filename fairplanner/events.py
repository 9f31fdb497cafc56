"""Domain events: how a lower domain tells the ones above it what happened, without importing them.

In the manner of Indico's `indico.core.signals`: one blinker signal per event, in one
`Namespace`. The domain where the change happens sends the signal (after flushing the change),
with the changed object as the *sender* and the documented keyword arguments as its payload;
the domains above it (notifications, privacy, and later meetings, tickets, calendars, api)
connect their handlers once at start-up, from their package's `init_app`, which the app factory
calls.

The rules every sender and receiver keeps:

- A receiver runs synchronously, inside the transaction of the change, before the caller
  commits: what it writes (an outbox row, a consent) commits or rolls back with the change, so a
  refused change sends no mail.
- An exception in a receiver propagates out of `send()` and out of the service: the change
  fails as a whole, never half of it (the caller rolls back).
- Receivers are module-level functions connected with `weak=False`. Connecting the same
  function again (every `create_app`, as the tests do many times) replaces its earlier
  connection, so a receiver runs once per event however many apps were built.
- Receivers accept `**_` so that a payload may grow without breaking them.

This module is core: it imports no domain (the types in the payloads are named in the
documentation only).
"""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()


@dataclass(frozen=True)
class Consent:
    """What a person agreed to while creating an account: the privacy notice, shown in `lang`.

    `notice_version` None means the version in force, which is the one the form linked to.
    """

    lang: str
    notice_version: int | None = None


# --- registrations ---------------------------------------------------------------------------

application_submitted = _signals.signal(
    "application-submitted",
    doc="""A company applied for a fair (exhibitor or visitor).

    :sender: the new ``Registration`` (flushed), its status SUBMITTED, or WAITLISTED when an
             exhibitor's request did not fit or others were already waiting.
    :actor: the ``User`` who applied.

    Listeners: notifications (the "received" mail, with the place on the waiting list).
    """,
)

application_changed = _signals.signal(
    "application-changed",
    doc="""A company changed an application the organizer has not decided on yet.

    :sender: the ``Registration`` (flushed).
    :actor: the ``User`` who changed it.
    :changes: ``{field: [old, new]}`` in JSON values, as the registration's history keeps it.

    Listeners: none yet (no mail is sent for an edit); for the domains to come (meetings,
    tickets) and feeds.
    """,
)

application_decided = _signals.signal(
    "application-decided",
    doc="""An organizer decided on an application: approved, waitlisted or rejected.

    :sender: the ``Registration`` (flushed), already in its new status.
    :actor: the staff ``User`` who decided (replies to the company's mail go to them).
    :previous: the ``RegistrationStatus`` before the decision.
    :reason: the reason given (required for a rejection), or None.

    Sent before the waiting list moves up after the decision (each promotion then sends
    `application_promoted`). Listeners: notifications (the decision mail; an approval carries
    the calendar entry).
    """,
)

application_promoted = _signals.signal(
    "application-promoted",
    doc="""A waiting exhibitor was approved automatically because room became free.

    :sender: the ``Registration`` (flushed), now APPROVED.

    No actor: the waiting list moves by itself (after a withdrawal, a decision, a smaller stand
    or a larger capacity). Listeners: notifications (the "promoted" mail with the calendar
    entry).
    """,
)

application_withdrawn = _signals.signal(
    "application-withdrawn",
    doc="""A company withdrew its application.

    :sender: the ``Registration`` (flushed), now WITHDRAWN.
    :actor: the ``User`` who withdrew it.
    :previous: the ``RegistrationStatus`` before the withdrawal.

    Sent before the freed space goes to the waiting list. Listeners: notifications (the
    "withdrawn" confirmation); later meetings and tickets (cancel that company's).
    """,
)

stand_assigned = _signals.signal(
    "stand-assigned",
    doc="""An organizer assigned an approved exhibitor its hall and stand, or changed them.

    :sender: the ``Registration`` (flushed: its version, part of the calendar SEQUENCE, has
             grown), with its new ``hall`` and ``stand``.
    :actor: the staff ``User``.
    :previous: ``(hall, stand)`` before the change, or None when it had no stand.

    Sent once per application whose stand changed, also for each row of a bulk upload.
    Listeners: notifications (the "stand" mail, with the updated calendar entry).
    """,
)

# --- accounts --------------------------------------------------------------------------------

user_signed_up = _signals.signal(
    "user-signed-up",
    doc="""A person created an account: a new company's first member, or by an invitation.

    :sender: the new ``User`` (flushed).
    :company: the user's ``Company``.
    :invitation: the accepted ``Invitation``, or None for a new company.
    :consent: the ``Consent`` given on the form, or None when the account was made without one
              (demo data, scripts).

    Listeners: privacy (records the consent, in the same transaction).
    """,
)

account_exists = _signals.signal(
    "account-exists",
    doc="""Someone signed up, or was invited, with the address of an existing account: its owner
    is to be told how to get in (the page answers the same either way, telling no one else).

    :sender: the existing ``User``.
    :lang: the language for the owner.
    :company: the inviting ``Company``, or None for a sign-up.
    :inviter: the inviting ``User``, or None for a sign-up.

    Listeners: notifications (the "account_exists" mail).
    """,
)

invitation_sent = _signals.signal(
    "invitation-sent",
    doc="""A member invited an address that has no account yet to join the company.

    :sender: the new ``Invitation`` (flushed).
    :token: the invitation's secret token (only its hash is stored; only the mail carries it).
    :invited_by: the inviting ``User`` (replies go to them).

    An address that already has an account sends `account_exists` instead. Listeners:
    notifications (the invitation mail).
    """,
)

email_verification_requested = _signals.signal(
    "email-verification-requested",
    doc="""A user's address needs confirming (after a sign-up, or asked again).

    :sender: the ``User``.
    :token: the signed confirmation token.
    :lang: the language of the mail.

    Listeners: notifications (the "verify_email" mail with the link).
    """,
)

password_reset_requested = _signals.signal(
    "password-reset-requested",
    doc="""An active user asked for a new password (nothing is sent for an unknown address).

    :sender: the ``User``.
    :token: the signed, single-use reset token.
    :lang: the language of the mail.

    Listeners: notifications (the "password_reset" mail with the link).
    """,
)

# --- fairs -----------------------------------------------------------------------------------

fair_published = _signals.signal(
    "fair-published",
    doc="""An organizer published a draft fair: the public sees it from now on.

    :sender: the ``Fair`` (flushed), now PUBLISHED.
    :actor: the staff ``User``, or None (demo data, scripts).

    Listeners: webhooks (the organizer's "fair.published" subscribers).
    """,
)

programme_changed = _signals.signal(
    "programme-changed",
    doc="""An organizer added, edited or deleted an item of a fair's programme.

    :sender: the ``Fair`` (flushed: its ``updated_at`` has moved).
    :actor: the staff ``User``, or None.
    :change: ``"added"``, ``"edited"`` or ``"deleted"``.
    :item: the ``ProgrammeEvent`` (flushed), or None when it was deleted.
    :item_id: the item's id (also for a deleted one).

    Listeners: webhooks (the organizer's "programme.changed" subscribers).
    """,
)

fair_changed = _signals.signal(
    "fair-changed",
    doc="""An organizer saved changes to a fair (any status).

    :sender: the ``Fair`` (flushed: its revision, the calendar SEQUENCE, has grown).
    :actor: the staff ``User``.
    :changes: ``{field: [old, new]}``, as the fair's change log keeps it.

    Listeners: notifications (when a published fair moved in time or place, every company with
    an active application is told, with the updated calendar entry). Later meetings and
    tickets.
    """,
)

fair_cancelled = _signals.signal(
    "fair-cancelled",
    doc="""An organizer cancelled a fair.

    :sender: the ``Fair`` (flushed), now CANCELLED.
    :actor: the staff ``User``.
    :reason: the reason given (in Russian, as the public page shows it).

    Listeners: notifications (every company with an active application is told, with the
    cancelled calendar entry). Later meetings and tickets (cancel theirs).
    """,
)

# --- webhooks --------------------------------------------------------------------------------

webhook_disabled = _signals.signal(
    "webhook-disabled",
    doc="""A webhook subscription was disabled after its deliveries failed too many times in a row.

    :sender: the ``WebhookSubscription`` (flushed), no longer active.

    Listeners: notifications (the organizer's staff are told by mail).
    """,
)

# --- meetings --------------------------------------------------------------------------------

meeting_requested = _signals.signal(
    "meeting-requested",
    doc="""A participant asked another for a B2B meeting.

    :sender: the new ``Meeting`` (flushed), REQUESTED, with the proposed slots.
    :actor: the ``User`` who sent it.

    Listeners: notifications (the request mail to the recipient's company).
    """,
)

meeting_answered = _signals.signal(
    "meeting-answered",
    doc="""The side a request waits for answered it.

    :sender: the ``Meeting`` (flushed): ACCEPTED or SCHEDULED after an acceptance, DECLINED,
             or still REQUESTED with other slots proposed.
    :actor: the ``User`` who answered.
    :answer: ``"accepted"``, ``"declined"`` or ``"proposed"``.

    An acceptance with a time also sends `meeting_scheduled`. Listeners: notifications (the
    answer mail to the other side).
    """,
)

meeting_scheduled = _signals.signal(
    "meeting-scheduled",
    doc="""A meeting got its time and table, or they changed (accepted with a slot, placed by the
    organizer or the scheduler, moved).

    :sender: the ``Meeting`` (flushed), SCHEDULED; its ``sequence`` has grown.
    :actor: the ``User`` who did it.
    :previous: ``(starts_at, table_id)`` before the change, or None when it had no time.

    Listeners: notifications (both companies get the meeting's calendar entry).
    """,
)

meeting_cancelled = _signals.signal(
    "meeting-cancelled",
    doc="""A meeting or a request was cancelled: by a side, by the organizer, or because a
    company's application ended or the fair was cancelled.

    :sender: the ``Meeting`` (flushed), CANCELLED; its ``sequence`` has grown.
    :actor: the ``User`` who cancelled, or None when it followed from another change.
    :previous: the ``MeetingState`` before.
    :reason: the reason given, or None.

    Listeners: notifications (the other side, or both when the organizer cancelled; a
    scheduled meeting's mail carries the cancelled calendar entry).
    """,
)

# --- tickets ---------------------------------------------------------------------------------

ticket_mailed = _signals.signal(
    "ticket-mailed",
    doc="""A company (or the organizer's desk) sent a person their e-ticket.

    :sender: the active ``Ticket`` (flushed), which has an email address.
    :actor: the ``User`` who sent it, or None.

    Listeners: notifications (the e-ticket mail to the person, in the company's language, with
    the QR code, the fair's calendar entry and the venue's address).
    """,
)
