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

On the catalogue's public pages (`public_page`), a login checked once is kept in the process
with its user's and company's columns, for as long as the "logins" cache generation stands
(fairplanner.cache): once such a page's blocks are stored, the login statement and the ORM
loading of its two rows were a third of the request, and the only thing it read from the
database. Every change to a user or a company, and every logout, replaces that generation:
this process sees it at once, another within CACHE_GENERATION_SECONDS. Those pages show
nothing private, and every other page checks the login anew.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import bindparam, delete, inspect, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from fairplanner.accounts.models import Company, RevokedSession, User
from fairplanner.cache import generations
from fairplanner.db import utcnow
from fairplanner.extensions import db

Model = TypeVar("Model", User, Company)

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


def load(login_id: str, *, now: float | None = None, public_page: bool = False) -> User | None:
    """The user of a live login id, else None (malformed, old, revoked, or another version).
    `public_page`: for a page that shows nothing private, which may use a login kept in this
    process (see the module's docstring)."""
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
    generation = _logins_generation() if public_page else None
    kept = _kept.get(login_id) if generation is not None else None
    if kept is not None and kept[0] == generation:
        user = _present(User, kept[1])
        if "company" not in user.__dict__:
            set_committed_value(user, "company", kept[2] and _present(Company, kept[2]))
    else:
        row = db.session.execute(_LOGIN, {"user_id": int(ident), "key": key}).first()
        if row is None:
            return None
        user, company, is_revoked = row
        if user.auth_version != int(version) or is_revoked:
            return None
        if "company" not in user.__dict__:  # loaded as if eagerly: no second statement for it
            set_committed_value(user, "company", company)
        if generation is not None:
            _keep(login_id, generation, user, company)
    user.session_key = key
    return user


# Logins kept for the public pages: login id -> ("logins" generation, the user's columns, the
# company's columns or None).
_KEPT_MAX = 10_000
_kept: dict[str, tuple[int, dict[str, Any], dict[str, Any] | None]] = {}


def forget_kept_logins() -> None:
    """Check every login anew on its next public page (tests; a deploy starts empty)."""
    _kept.clear()


def _logins_generation() -> int | None:
    """The "logins" generation, or None when nothing may be kept (caching off)."""
    if not current_app.config["PAGE_CACHE"]:
        return None
    return generations().get("logins")


def _columns(instance: User | Company) -> dict[str, Any]:
    loaded = instance.__dict__
    return {
        attr.key: loaded[attr.key]
        for attr in inspect(type(instance)).column_attrs
        if attr.key in loaded
    }


def _keep(login_id: str, generation: int, user: User, company: Company | None) -> None:
    if len(_kept) >= _KEPT_MAX:
        _kept.clear()
    _kept[login_id] = (generation, _columns(user), _columns(company) if company else None)


def _present(model: type[Model], columns: dict[str, Any]) -> Model:
    """The row of `model` with these column values, in this request's session, as if loaded
    there (without a statement): the session's own copy when it has one."""
    session = db.session()
    mapper = inspect(model)
    found = session.identity_map.get(mapper.identity_key_from_primary_key((columns["id"],)))
    if found is not None:
        return found  # type: ignore[return-value]
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(columns)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


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
