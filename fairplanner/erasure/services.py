"""Erasure of personal data: a member deletes their account; the last member, the company.

Organizers keep what they need for their fairs: the applications, the decisions on them and
their history stay, anonymised (the company becomes "Deleted company #id" through
fairplanner.display, its identifiers, contacts, products and delegates are cleared, and the
people in the history become "Deleted user"). Everything else goes: the profile, the
invitations, the feed addresses, the users' addresses and password hashes, and the mail to
them, sent or not. Active applications to fairs that have not ended are withdrawn through the
registrations service first, so the organizer's list and waiting list stay right.

This module sits above accounts, registrations, calendars and notifications (it reads and
writes all of them); none of them imports it. Never commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select, update
from werkzeug.security import check_password_hash

from fairplanner.accounts import tokens
from fairplanner.accounts.models import Company, Invitation, User
from fairplanner.calendars.models import CalendarToken
from fairplanner.catalogue.models import Fair
from fairplanner.db import utcnow
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.media import services as media_services
from fairplanner.notifications.models import OutboxMessage
from fairplanner.registrations import services as registrations
from fairplanner.registrations.models import Registration, RegistrationChange
from fairplanner.tickets import services as tickets

log = logging.getLogger(__name__)

# Fields of an application that describe people or the company's business, not the fair.
# Fields of an application's history that name or describe people (the people of its tickets
# are logged as "person", "name", "position" and "email").
PERSONAL_FIELDS = ("products", "note", "delegates", "person", "name", "position", "email")
PLACEHOLDER = "—"
PROOF_SALT = "erase-account"
PROOF_MAX_AGE = 10 * 60


class NotAllowed(DomainError):
    status_code = 403


@dataclass
class Plan:
    """What deleting `user`'s account will do, for the pages that ask first."""

    user: User
    company: Company
    colleagues: int
    withdrawn: list[Registration] = field(default_factory=list)
    kept: int = 0

    @property
    def last_member(self) -> bool:
        return self.colleagues == 0

    @property
    def clears_contact(self) -> bool:
        """The company's contact address is the leaving member's own."""
        return not self.last_member and self.company.email == self.user.email


def _to_withdraw(company: Company, today: date) -> list[Registration]:
    """Active applications to fairs that have not ended (a past fair's stay as they are)."""
    stmt = (
        select(Registration)
        .join(Registration.fair)
        .where(Registration.company_id == company.id, Fair.ends_on >= today)
        .order_by(Fair.starts_on, Registration.id)
    )
    return [r for r in db.session.scalars(stmt) if r.withdrawable]


def plan(user: User, *, today: date) -> Plan:
    company = user.company
    if company is None:
        raise NotAllowed(_("Only a member of a company can delete the account here."))
    colleagues = sum(1 for m in company.members if m.id != user.id)
    result = Plan(user=user, company=company, colleagues=colleagues)
    if result.last_member:
        result.withdrawn = _to_withdraw(company, today)
        total = db.session.scalar(
            select(func.count(Registration.id)).where(Registration.company_id == company.id)
        )
        result.kept = int(total or 0)
    return result


# --- proving the password between the two steps ------------------------------------------


def check_password(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)


def make_proof(user: User) -> str:
    """A short-lived signed note that `user` has just entered the password (the confirmation
    page posts it back instead of the password itself)."""
    return tokens.make(PROOF_SALT, {"u": user.id, "v": user.auth_version})


def proof_valid(user: User, proof: str | None) -> bool:
    payload = tokens.read(PROOF_SALT, proof or "", max_age=PROOF_MAX_AGE)
    return bool(payload) and payload.get("u") == user.id and payload.get("v") == user.auth_version


# --- the erasure itself -------------------------------------------------------------------


def delete_member(user: User, *, actor: User) -> None:
    """The member leaves; the company stays with the colleagues."""
    company = user.company
    if actor.id != user.id or company is None:
        raise NotAllowed(_("You can only delete your own account."))
    if not any(m.id != user.id for m in company.members):
        raise NotAllowed(
            _("You are the last member: deleting your account deletes the company too.")
        )
    addresses = {user.email}
    if company.email == user.email:
        company.email = None  # the colleagues give a new contact before the next application
    _erase_user(user)
    dropped = _drop_mail(addresses)
    db.session.flush()
    log.info("user %s deleted their account (%s messages dropped)", user.id, dropped)


def delete_company(company: Company, *, actor: User, today: date) -> None:
    """The last member deletes the company and their own account."""
    members = list(company.members)
    if actor.company_id != company.id or any(m.id != actor.id for m in members):
        raise NotAllowed(_("Only the last member of a company can delete it."))
    for registration in _to_withdraw(company, today):
        registrations.withdraw_registration(registration, actor=actor)
    # Only the members' own (login) addresses: the contact address is typed in the profile and
    # proves nothing, so sweeping mail by it could delete other people's messages.
    addresses = {m.email for m in members}
    for member in members:
        _erase_user(member)
    db.session.execute(delete(Invitation).where(Invitation.company_id == company.id))
    db.session.execute(delete(CalendarToken).where(CalendarToken.company_id == company.id))
    kept = db.session.scalars(
        select(Registration).where(Registration.company_id == company.id)
    ).all()
    if kept:
        anonymise_company(company)
        for registration in kept:
            anonymise_registration(registration)
    else:
        company.sectors = []
        logo = company.logo
        db.session.delete(company)
        media_services.discard_if_unused(logo)
    dropped = _drop_mail(addresses, company_id=company.id)
    db.session.flush()
    log.info(
        "company %s deleted by its last member (%s applications kept, %s messages dropped)",
        company.id,
        len(kept),
        dropped,
    )


def anonymise_company(company: Company) -> None:
    """Keep the row the organizers' applications point at, with nothing that identifies it."""
    company.legal_name = f"#{company.id}"  # shown as "Deleted company #id" (display)
    for name in (
        "short_name",
        "tax_id",
        "ogrn",
        "products",
        "website",
        "contact_person",
        "phone",
        "email",
    ):
        setattr(company, name, None)
    company.sectors = []
    company.notify_confirmations = False
    company.erased_at = utcnow()
    logo, company.logo = company.logo, None  # a logo would say whose row this was
    media_services.discard_if_unused(logo)


def anonymise_registration(registration: Registration) -> None:
    """The application as the organizer decided it, without the people and the texts."""
    registration.products = None
    registration.note = None
    # As many delegates as came (the numbers count them), without names or positions.
    registration.delegates = [{"name": PLACEHOLDER, "position": ""} for _ in registration.delegates]
    tickets.anonymise_people(registration.id, PLACEHOLDER)
    for change in registration.history:
        anonymise_change(change)


def anonymise_change(change: RegistrationChange) -> None:
    if not any(name in change.changes for name in PERSONAL_FIELDS):
        return
    changes: dict[str, Any] = dict(change.changes)
    for name in PERSONAL_FIELDS:
        if name in changes:
            changes[name] = [None, None]
    change.changes = changes  # a new dict: JSON columns do not track changes inside


def _erase_user(user: User) -> None:
    """Delete the user, or keep a tombstone (no address, no hash, no sign-in) where the history
    points at it. Raising the session version ends every session and remember-me cookie."""
    db.session.execute(
        delete(Invitation).where(
            or_(
                Invitation.email == user.email,
                and_(Invitation.invited_by_id == user.id, Invitation.accepted_at.is_(None)),
            )
        )
    )
    db.session.execute(
        update(Invitation).where(Invitation.invited_by_id == user.id).values(invited_by_id=None)
    )
    user.company = None
    db.session.flush()
    # Rows that exist only for the user (ON DELETE CASCADE: consents, login keys) go with it,
    # also when the user stays as a tombstone for the history.
    for fk in _user_keys(cascading=True):
        db.session.execute(delete(fk.parent.table).where(fk.parent == user.id))
    if _referenced(user):
        user.email = None
        user.password_hash = None
        user.active = False
        user.auth_version += 1
        user.last_login_at = None
        user.email_verified_at = None
        user.erased_at = utcnow()
    else:
        db.session.delete(user)
    db.session.flush()


def _referenced(user: User) -> bool:
    """Whether any row (the history, an application, a note) points at the user. Read from
    the schema, so a table added later is counted without changing this."""
    for fk in _user_keys(cascading=False):
        found = db.session.scalar(
            select(func.count()).select_from(fk.parent.table).where(fk.parent == user.id)
        )
        if found:
            return True
    return False


def _user_keys(*, cascading: bool) -> list:
    """The foreign keys of other tables that point at users, with ON DELETE CASCADE or without."""
    users = User.__table__
    return [
        fk
        for table in db.metadata.tables.values()
        if table is not users
        for fk in table.foreign_keys
        if fk.column.table is users and (fk.ondelete == "CASCADE") == cascading
    ]


def _drop_mail(addresses: set[str | None], *, company_id: int | None = None) -> int:
    """Delete every message about the company, or to, from or naming these addresses."""
    addresses = {a.lower() for a in addresses if a}
    conditions = [OutboxMessage.company_id == company_id] if company_id is not None else []
    if not addresses and not conditions:
        return 0
    conditions.append(func.lower(OutboxMessage.to_email).in_(addresses))
    conditions.append(func.lower(OutboxMessage.reply_to).in_(addresses))
    for address in addresses:
        conditions.append(OutboxMessage.body_text.contains(address, autoescape=True))
        conditions.append(OutboxMessage.body_html.contains(address, autoescape=True))
    result = db.session.execute(delete(OutboxMessage).where(or_(*conditions)))
    return result.rowcount or 0
