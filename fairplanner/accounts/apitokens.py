"""Personal API tokens: created and revoked by their user, shown once, stored as a SHA-256.

A token acts as its user (a company member for the company, organizer staff for the
organizer) within its scope: `read` reads, `write` also changes. The secret is 43 characters
after `fp_`: `fp_` lets secret scanners (and people) recognise it, the rest is 256 random
bits, so a plain SHA-256 is as good as a slow hash here and costs one index lookup per request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update

from fairplanner.accounts.models import ApiToken, TokenScope, User
from fairplanner.db import utcnow
from fairplanner.errors import DomainError
from fairplanner.extensions import db

SECRET_PREFIX = "fp_"  # noqa: S105 - the visible start of every secret
SHOWN_PREFIX = 10  # "fp_" and 7 characters: enough to tell one's tokens apart
MAX_ACTIVE = 20
# The choices offered; None: until revoked.
LIFETIMES_DAYS = (30, 90, 365, None)
DEFAULT_LIFETIME_DAYS = 90
# last_used_at is written at most once a minute per token, not on every request.
USE_RESOLUTION = timedelta(minutes=1)


class TokenError(DomainError):
    status_code = 422


@dataclass(frozen=True)
class Bearer:
    """What a request's valid token grants: plain values, read once per request."""

    token_id: int
    user_id: int
    scope: TokenScope

    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(user: User) -> Select[tuple[ApiToken]]:
    """The user's tokens, usable ones first, newest first."""
    return (
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )


def active_count(user: User, *, now: datetime | None = None) -> int:
    now = now or utcnow()
    return db.session.scalar(
        select(func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
        )
    )


def create_token(
    user: User, *, name: str, scope: TokenScope, lifetime_days: int | None
) -> tuple[ApiToken, str]:
    """A new token of `user` and its secret, which is never stored nor shown again."""
    name = " ".join(name.split())
    if not name:
        raise TokenError(_("Give the token a name, such as the program that will use it."))
    if lifetime_days not in LIFETIMES_DAYS:
        raise TokenError(_("Choose how long the token stays valid."))
    if active_count(user) >= MAX_ACTIVE:
        raise TokenError(
            _("You have %(count)s valid tokens: revoke one you no longer use.", count=MAX_ACTIVE)
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user=user,
        name=name[:80],
        scope=scope,
        token_hash=digest(secret),
        prefix=secret[:SHOWN_PREFIX],
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days) if lifetime_days else None,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def revoke_all(user: User) -> None:
    """Every token of the user stops working (the account is erased or turned off)."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def authenticate(secret: str, *, now: datetime | None = None) -> Bearer | None:
    """What a presented secret grants, or None: unknown, revoked, expired, or its user can no
    longer log in. Notes the use (at most once a minute)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    now = now or utcnow()
    row = db.session.execute(
        select(ApiToken.id, ApiToken.user_id, ApiToken.scope, ApiToken.last_used_at)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == digest(secret),
            ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
            User.active.is_(True),
            User.erased_at.is_(None),
        )
    ).one_or_none()
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= USE_RESOLUTION:
        db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return Bearer(token_id=row.id, user_id=row.user_id, scope=row.scope)
