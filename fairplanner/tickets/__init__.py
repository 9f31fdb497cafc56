"""Fair day: personal e-tickets and badges with QR codes, and the check-in at the entrances.

Every person an approved application names (a visitor delegation, an exhibitor's stand staff
within the fair's badge quota) and every person the organizer's desk registers (walk-in
visitors, press, the organizer's staff) has a ticket with a random code, shown as a QR code on
the e-ticket page, in the e-ticket mail and on the badge. The entrance staff scan it; each
scan is stored with its answer (valid, already entered today, revoked, wrong fair, wrong day,
unknown), idempotently by the device's scan id, so an offline device can send its queue again.

Tickets are a domain above registrations: they hear of approved, withdrawn and rejected
applications and cancelled fairs through `fairplanner.events`, and tell notifications of an
e-ticket to mail through `events.ticket_mailed`.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Hear of decided and ended applications and cancelled fairs (fairplanner.events)."""
    from fairplanner.tickets import handlers

    handlers.connect()
