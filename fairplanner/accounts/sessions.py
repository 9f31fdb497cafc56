"""Login sessions that logging out ends on the server, not only in the browser.

The session cookie and the remember-me cookie are signed by Flask and carry the login id
`<user>.<auth version>.<issued hex>.<nonce>` (User.get_id). Both are client-side, so a copy
saved before a logout would sign in again unless the server remembers the logout: logout
stores the login's key in `revoked_sessions`. A password change or reset raises the user's
auth version, which ends every login of theirs at once. A key is refused after
LOGIN_SESSION_MAX_AGE whatever happened (the remember-me cookie itself carries no date), so
revocations older than that can be deleted.

A table of live sessions (one row per login, looked up on every request) would do the same
with a write at every login; the revocation list writes only at logout and keeps any
`session["_user_id"] = user.get_id()` working, as Flask-Login expects.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm.attributes import set_committed_value

from fairplanner.accounts.models import Company, RevokedSession, User
from fairplanner.db import utcnow
from fairplanner.extensions import db

# Run on every signed-in request, so built once: the user, whether this login was ended, and
# the company (every page's header shows its links), in one statement. The company comes as
# an entity of its own on an outer join rather than by joinedload(): the eager loader sets up
# its paths and loading options anew on each execution, about a tenth of a signed-in request.
_LOGIN = (
    select(
        User,
        Company,
        select(RevokedSession.key).where(RevokedSession.key == bindparam("key")).exists(),
    )
    .outerjoin(User.company)
    .where(User.id == bindparam("user_id"))
)


def max_age() -> int:
    return int(current_app.config["LOGIN_SESSION_MAX_AGE"])


def load(login_id: str, *, now: float | None = None) -> User | None:
    """The user of a live login id, else None (malformed, old, revoked, or another version)."""
    parts = login_id.split(".")
    if len(parts) != 4:
        return None
    ident, version, issued, nonce = parts
    if not (ident.isdigit() and version.isdigit()) or not nonce:
        return None
    try:
        issued_at = int(issued, 16)
    except ValueError:
        return None
    now = time.time() if now is None else now
    if not now - max_age() <= issued_at <= now + 60:
        return None
    key = f"{issued}.{nonce}"
    row = db.session.execute(_LOGIN, {"user_id": int(ident), "key": key}).first()
    if row is None:
        return None
    user, company, is_revoked = row
    if user.auth_version != int(version) or is_revoked:
        return None
    if "company" not in user.__dict__:  # loaded as if eagerly: no second statement for it
        set_committed_value(user, "company", company)
    user.session_key = key
    return user


def revoke(user: User) -> None:
    """End the login `user` was loaded for (its session and remember-me cookies)."""
    key = user.session_key
    if key is None or db.session.get(RevokedSession, key) is not None:
        return
    issued = datetime.fromtimestamp(int(key.partition(".")[0], 16), tz=UTC)
    db.session.add(
        RevokedSession(key=key, user_id=user.id, expires_at=issued + timedelta(seconds=max_age()))
    )
    db.session.flush()


def purge_revocations(*, now: datetime | None = None) -> int:
    """Delete revocations of logins that are refused for their age anyway; how many went."""
    result = db.session.execute(
        delete(RevokedSession).where(RevokedSession.expires_at < (now or utcnow()))
    )
    return result.rowcount or 0
