"""Reminder mails (registration deadlines, openings) and the weekly digest, with one-click
unsubscribe (RFC 8058) and each member's choice of what to receive."""
