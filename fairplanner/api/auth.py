"""Who calls the API: a personal token in `Authorization: Bearer fp_…`, or nobody.

Every request under /api/v1 is authenticated first (before the read-only views' autocommit
and the ETag check), in a short transaction of its own that notes the token's use. The
token's id is kept in `g.api_token_id`, which the audit logs' entries take as their default
(fairplanner.db.acting_api_token): whatever a service writes through the API says so, and with
which token. Cookies never authenticate an API call, so the API needs no CSRF token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import abort

from fairplanner.accounts import apitokens
from fairplanner.accounts.apitokens import Bearer
from fairplanner.accounts.models import Company, Role, User
from fairplanner.api import PREFIX
from fairplanner.api.schemas import PROBLEM
from fairplanner.extensions import db

BEARER = re.compile(r"Bearer[ \t]+(\S+)[ \t]*\Z", re.IGNORECASE)
REALM = 'Bearer realm="FairPlanner API"'
SECURITY = [{"bearerAuth": []}]
View = TypeVar("View", bound=Callable[..., Any])


def authenticate() -> None:
    """Before every API request: a presented token must be valid (else 401); none is fine
    for the public reads, and the views that need one say so."""
    g.api_bearer = None
    if not request.path.startswith(PREFIX + "/") or request.method == "OPTIONS":
        return
    header = request.headers.get("Authorization")
    if header is None:
        return
    match = BEARER.match(header)
    bearer = apitokens.authenticate(match.group(1)) if match else None
    db.session.commit()  # the use noted; the view starts afresh
    if bearer is None:
        abort(
            401,
            detail=_(
                "The token is not valid: it is unknown, revoked or expired, or its account "
                "is closed. Create a new one on your API tokens page."
            ),
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    g.api_bearer = bearer
    g.api_token_id = bearer.token_id


def current_bearer() -> Bearer | None:
    return g.get("api_bearer")


def require(*, write: bool = False) -> Bearer:
    """The request's token, which must be there (401) and, for a change, be a write token
    (403)."""
    bearer = current_bearer()
    if bearer is None:
        abort(
            401,
            detail=_("This needs a personal API token: Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": REALM},
        )
    if write and not bearer.may_write():
        abort(
            403,
            detail=_("This token may only read. Create a token with the write scope to change."),
            headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="write"'},
        )
    return bearer


def user_of(bearer: Bearer) -> User:
    return db.session.get(User, bearer.user_id)  # type: ignore[return-value]


def company_of(bearer: Bearer) -> tuple[User, Company]:
    """The token's user and company: a company member's token only (403 otherwise)."""
    user = user_of(bearer)
    if user.role != Role.MEMBER or user.company is None:
        abort(403, detail=_("This is for a company's tokens; this token is not a company's."))
    return user, user.company


def staff_of(bearer: Bearer) -> tuple[User, int | None]:
    """The token's user and their organizer (None: an admin, every organizer): organizer
    staff and admins only (403 otherwise)."""
    user = user_of(bearer)
    if user.role == Role.ADMIN:
        return user, user.organizer_id
    if user.role != Role.STAFF or user.organizer_id is None:
        abort(403, detail=_("This is for organizer staff's tokens; this token is not one."))
    return user, user.organizer_id


def no_organizer_message() -> str:
    return _("This token's account belongs to no organizer.")


def secured(blp: Any, *, write: bool = False) -> Callable[[View], View]:
    """A view that needs a token (`require(write=...)` first), and its side of the OpenAPI
    document: the security requirement and the 401, 403 and 429 problems."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            require(write=write)
            return view(*args, **kwargs)

        # The scope as a role of the requirement (OpenAPI 3.1 allows them for any scheme):
        # the guide and generated clients read which token an operation needs.
        scope = "write" if write else "read"
        documented = blp.doc(security=[{"bearerAuth": [scope]}])(checked)
        for code in (401, 403, 429):
            documented = blp.alt_response(code, **PROBLEM)(documented)
        return documented  # type: ignore[no-any-return]

    return decorate
