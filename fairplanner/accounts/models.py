"""Users, the companies they act for, and invitations to join a company."""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from types import MappingProxyType

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    event,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairplanner.cache import cover
from fairplanner.catalogue.models import Sector
from fairplanner.db import UTCDateTime, db_enum, utcnow
from fairplanner.extensions import db
from fairplanner.media.models import Image
from fairplanner.text import fold, slugify, unique_slug
from fairplanner.titles import TitledEnum


class Role(TitledEnum):
    MEMBER = "member"  # acts for a company
    STAFF = "staff"  # works for an organizer (the organizer console)
    ADMIN = "admin"


class Country(TitledEnum):
    BELARUS = "BY"
    RUSSIA = "RU"
    OTHER = "OTHER"
    __titles__ = MappingProxyType(
        {BELARUS: _l("Belarus"), RUSSIA: _l("Russia"), OTHER: _l("Another country")}
    )


company_sectors = Table(
    "company_sectors",
    db.metadata,
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Company(db.Model):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[Country | None] = mapped_column(db_enum(Country), index=True)
    region: Mapped[str | None] = mapped_column(String(20), index=True)
    # Unique among companies; NULL (not yet given) may repeat on both databases.
    tax_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    ogrn: Mapped[str | None] = mapped_column(String(15))
    products: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(300))
    # The public company page's address (/companies/<slug>): from the name, transliterated,
    # made unique on insert and kept when the name changes (links stay valid).
    slug: Mapped[str | None] = mapped_column(String(100), unique=True, index=True)
    # The company's opt-in to show its contact person, phone and email on its public page.
    public_contact: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    contact_person: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    # Case- and ё-folded names and contacts, for the organizers' search (same on both
    # databases: SQLite's LOWER() leaves Cyrillic alone). Kept current by a mapper event.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Non-essential notices the members chose to receive: confirmations of their own actions
    # (application received, withdrawn). Decisions and changes to fairs always go out.
    notify_confirmations: Mapped[bool] = mapped_column(Boolean, default=True)
    # The language of the company's mail; set at sign-up from the interface language.
    language: Mapped[str] = mapped_column(String(5), default="ru")
    # Raised with every follow and unfollow (fairplanner.following.services): the catalogue's
    # stored blocks for this company's readers are keyed by it, so they show the follow state
    # without a query of their own (the login statement loads the company anyway).
    follows_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Alarms (VALARM) in the company's private feed, its downloads and the .ics it receives
    # by mail: off by default, since some calendar apps import alarms noisily.
    calendar_alarms: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the last member deleted the company: only what organizers keep remains
    # (fairplanner.accounts.erasure); its name is then shown through fairplanner.display.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The company's logo (fairplanner.media), shown on its profile and pages.
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("images.id"))

    logo: Mapped[Image | None] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=company_sectors, order_by=Sector.code)
    members: Mapped[list[User]] = relationship(back_populates="company", order_by="User.id")

    @property
    def display_name(self) -> str:
        return self.short_name or self.legal_name

    @property
    def profile_complete(self) -> bool:
        """What an organizer needs before a company may apply for a fair."""
        return all((self.country, self.tax_id, self.contact_person, self.phone, self.email)) and (
            self.country == Country.OTHER or bool(self.region)
        )


def company_search_text(company: Company) -> str:
    parts = (
        company.legal_name,
        company.short_name,
        company.tax_id,
        company.ogrn,
        company.contact_person,
        company.email,
        company.phone,
    )
    return fold(" ".join(p for p in parts if p))


@event.listens_for(Company, "before_insert")
def _give_a_slug(mapper: object, connection: Connection, company: Company) -> None:
    if company.slug:
        return
    base = slugify(company.short_name or company.legal_name or "", max_length=90) or "company"
    taken = set(
        connection.scalars(
            select(Company.slug).where(
                (Company.slug == base) | Company.slug.like(f"{base}-%", escape="\\")
            )
        )
    )
    company.slug = unique_slug(base, taken)


@event.listens_for(Company, "before_insert")
@event.listens_for(Company, "before_update")
def _refresh_company_search(mapper: object, connection: object, company: Company) -> None:
    company.search_text = company_search_text(company)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL only for an erased user (a tombstone the history points at).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(db_enum(Role), default=Role.MEMBER, index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizers.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the login session id: raising it (on a password change) signs out every other
    # session and every "remember me" cookie of the user.
    auth_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company: Mapped[Company | None] = relationship(back_populates="members")

    # Not a column: the login session this object was loaded for (fairplanner.accounts.sessions).
    session_key = None

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login
        """What the session cookie and the remember-me cookie carry: the user, the version of
        their password and the key of this one login, which logout revokes."""
        if self.session_key is None:
            self.session_key = new_session_key()
        return f"{self.id}.{self.auth_version}.{self.session_key}"


def new_session_key(now: float | None = None) -> str:
    """A fresh login's key: when it was issued (hex seconds) and 128 random bits."""
    issued = int(time.time() if now is None else now)
    return f"{issued:x}.{secrets.token_urlsafe(16)}"


class RevokedSession(db.Model):
    """A login ended by logging out: its cookies, saved or not, no longer sign anyone in.

    Keys older than LOGIN_SESSION_MAX_AGE are refused for their age, so a row can go then."""

    __tablename__ = "revoked_sessions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    # Only a SHA-256 of the token is stored: a leaked database does not leak usable links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company: Mapped[Company] = relationship()
    invited_by: Mapped[User | None] = relationship()


class TokenScope(TitledEnum):
    READ = "read"  # reads what the user may read
    WRITE = "write"  # and changes what the user may change
    __titles__ = MappingProxyType({READ: _l("Read"), WRITE: _l("Read and write")})


class ApiToken(db.Model):
    """A personal token for the REST API: acts as its user, within its scope, until it expires
    or is revoked. Only a SHA-256 of the secret is stored; its first characters (`prefix`) let
    the owner tell tokens apart. Revoked tokens stay, so that the audit entries made with them
    keep saying which token it was."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[TokenScope] = mapped_column(db_enum(TokenScope))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


# Attendee lists show the applicants' companies (the "registrations" generation); a login kept
# for the public pages (fairplanner.accounts.sessions) is the user's and company's as they were
# under the "logins" generation, which every change to them or ended login replaces.
cover(Company, generations=("registrations", "logins"))
cover(User, RevokedSession, generations=("logins",))
