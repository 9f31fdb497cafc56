"""Writes for accounts: sign-up, passwords, company profiles, invitations. Never commits."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from fairplanner import events
from fairplanner.accounts import tokens
from fairplanner.accounts.models import Company, Country, Invitation, Role, User
from fairplanner.catalogue.models import Organizer, Sector
from fairplanner.db import utcnow
from fairplanner.errors import DomainError
from fairplanner.events import Consent
from fairplanner.extensions import db
from fairplanner.media import services as media_services
from fairplanner.media.models import Image

log = logging.getLogger(__name__)
INVITATION_DAYS = 14
# Checked against when the email is unknown, so that a login takes as long either way.
_DUMMY_HASH = generate_password_hash("not a password")


class EmailTaken(DomainError):
    status_code = 409


class TaxIdTaken(DomainError):
    status_code = 409


class InvalidInvitation(DomainError):
    status_code = 404


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    """scrypt, werkzeug's default key-derivation function, at PASSWORD_HASH_METHOD's cost."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    email: str,
    password: str,
    *,
    role: Role = Role.MEMBER,
    company: Company | None = None,
    organizer: Organizer | None = None,
) -> User:
    user = User(
        email=normalize_email(email),
        password_hash=hash_password(password),
        role=role,
        company=company,
        organizer_id=organizer.id if organizer else None,
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise EmailTaken(_("An account with this email address already exists.")) from exc
    log.info("user %s created (%s)", user.id, role)
    return user


def sign_up(
    email: str,
    password: str,
    *,
    company_name: str,
    language: str = "ru",
    consent: Consent | None = None,
) -> User:
    """A new company and its first member; the company's mail is in `language`. `consent` is
    what the person agreed to on the form (None for accounts made without one: demo data)."""
    if find_user(email) is not None:
        raise EmailTaken(_("An account with this email address already exists."))
    company = Company(legal_name=company_name.strip(), language=language)
    db.session.add(company)
    user = create_user(email, password, company=company)
    events.user_signed_up.send(user, company=company, invitation=None, consent=consent)
    return user


def request_sign_up(
    email: str,
    password: str,
    *,
    company_name: str,
    language: str = "ru",
    consent: Consent | None = None,
) -> User | None:
    """Sign up, or, when the address already has an account, tell its owner by mail and
    return None: the page answers the same either way, so it tells no one who has an account.
    """
    existing = find_user(email)
    if existing is None:
        return sign_up(
            email, password, company_name=company_name, language=language, consent=consent
        )
    hash_password(password)  # the work a new account costs, so that both answers take as long
    notify_account_exists(existing, lang=language)
    return None


def notify_account_exists(
    user: User, *, lang: str, company: Company | None = None, inviter: User | None = None
) -> None:
    """Tell the owner of an address that already has an account how to get in (and, for an
    invitation, why they cannot join another company with it)."""
    events.account_exists.send(user, lang=lang, company=company, inviter=inviter)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (in about the same time)."""
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    """Set a new password; every other session and remember-me cookie stops working."""
    if not check_password_hash(user.password_hash, current):
        raise DomainError(_("The current password is not correct."))
    user.password_hash = hash_password(new)
    user.auth_version += 1
    db.session.flush()


@dataclass
class CompanyProfile:
    legal_name: str
    short_name: str | None
    country: Country
    region: str | None
    tax_id: str
    ogrn: str | None
    sector_codes: list[str]
    products: str | None
    website: str | None
    contact_person: str
    phone: str
    email: str
    notify_confirmations: bool = True
    public_contact: bool = False
    language: str = "ru"
    calendar_alarms: bool = False


def tax_id_taken(tax_id: str, *, company_id: int | None) -> bool:
    """Whether another company has this tax number (unique, as the database enforces)."""
    stmt = select(func.count(Company.id)).where(Company.tax_id == tax_id)
    if company_id is not None:
        stmt = stmt.where(Company.id != company_id)
    return bool(db.session.scalar(stmt))


def update_company(company: Company, profile: CompanyProfile) -> Company:
    """Save the profile; a tax identifier already used by another company is refused."""
    if tax_id_taken(profile.tax_id, company_id=company.id):
        raise TaxIdTaken(_("Another company is already registered with this tax number."))
    for name in (
        "legal_name",
        "short_name",
        "country",
        "region",
        "tax_id",
        "ogrn",
        "products",
        "website",
        "contact_person",
        "phone",
        "email",
        "notify_confirmations",
        "public_contact",
        "language",
        "calendar_alarms",
    ):
        setattr(company, name, getattr(profile, name))
    company.sectors = list(
        db.session.scalars(select(Sector).where(Sector.code.in_(profile.sector_codes)))
    )
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise TaxIdTaken(_("Another company is already registered with this tax number.")) from exc
    return company


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_member(company: Company, email: str, *, invited_by: User) -> tuple[Invitation, str]:
    """An invitation for `email` to join the company, and its secret token (sent by mail only).

    An address that already has an account gets an invitation like any other, so that the
    inviting member cannot tell; its owner is told by mail instead of receiving the link."""
    email = normalize_email(email)
    existing = find_user(email)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        company=company,
        email=email,
        token_hash=_token_hash(token),
        invited_by=invited_by,
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    if existing is not None:
        lang = existing.company.language if existing.company else company.language
        notify_account_exists(existing, lang=lang, company=company, inviter=invited_by)
        return invitation, token
    events.invitation_sent.send(invitation, token=token, invited_by=invited_by)
    return invitation, token


def open_invitation(token: str, *, now: datetime | None = None) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    )
    now = now or utcnow()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < now:
        raise InvalidInvitation(_("This invitation link is not valid or has expired."))
    return invitation


def accept_invitation(token: str, password: str, *, consent: Consent | None = None) -> User:
    """Join the invitation's company with a new account (`consent` as for `sign_up`)."""
    invitation = open_invitation(token)
    user = create_user(invitation.email, password, company=invitation.company)
    invitation.accepted_at = utcnow()
    # The link reached the invitee only by mail: the address is confirmed.
    user.email_verified_at = invitation.accepted_at
    db.session.flush()
    events.user_signed_up.send(
        user, company=invitation.company, invitation=invitation, consent=consent
    )
    return user


# --- email verification and password reset (links signed with SECRET_KEY) -------------------

VERIFY_SALT = "verify-email"
RESET_SALT = "password-reset"


def send_verification(user: User, *, lang: str) -> None:
    """Queue the confirmation link for the user's address (with the change that needs it)."""
    token = tokens.make(VERIFY_SALT, {"u": user.id, "e": user.email})
    events.email_verification_requested.send(user, token=token, lang=lang)


def verify_email(token: str) -> tuple[User, bool] | None:
    """The user whose address the link confirms, and whether this is the first time."""
    payload = tokens.read(VERIFY_SALT, token, max_age=tokens.VERIFY_MAX_AGE)
    user = db.session.get(User, payload.get("u")) if payload else None
    if user is None or user.email != payload.get("e") or not user.active:
        return None
    if user.email_verified_at is not None:
        return user, False
    user.email_verified_at = utcnow()
    db.session.flush()
    return user, True


def request_password_reset(email: str, *, lang: str) -> None:
    """Queue a reset link when the address has an account; say nothing either way."""
    user = find_user(email)
    if user is None or not user.active:
        return
    # The session version makes the link single-use: setting a password raises it.
    token = tokens.make(RESET_SALT, {"u": user.id, "v": user.auth_version})
    events.password_reset_requested.send(user, token=token, lang=lang)


def user_for_reset(token: str) -> User | None:

    payload = tokens.read(RESET_SALT, token, max_age=tokens.RESET_MAX_AGE)
    user = db.session.get(User, payload.get("u")) if payload else None
    if user is None or user.auth_version != payload.get("v") or not user.active:
        return None
    return user


def reset_password(user: User, new: str) -> None:
    user.password_hash = hash_password(new)
    user.auth_version += 1
    # Whoever could read the link could read the mailbox: the address is confirmed.
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.flush()


def set_company_logo(company: Company, logo: Image | None) -> None:
    """Put up (or, with None, take down) the company's logo, stored by fairplanner.media."""
    old, company.logo = company.logo, logo
    db.session.flush()
    if old is not None and old is not logo:
        media_services.discard_if_unused(old)  # replaced or removed: served no more
