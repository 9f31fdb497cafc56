"""The organizer staff's endpoints, with a staff member's (or an admin's) token: their fairs and
programmes (fairs.py), the applications with their decisions, notes and stands
(applications.py), and the attendee exports (exports.py).

The console's rules are kept by using the console's own parts: its forms check the input (fed
with the JSON body as form data, forms.py), its services apply it, its queries read. Staff see
their organizer's fairs only (another organizer's fair or application is a 404, as in the
console); an admin sees every organizer's. A read token reads; a change needs a write token."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_smorest import Blueprint, abort

from fairplanner.accounts.models import Role, User
from fairplanner.api import auth
from fairplanner.api.schemas import PROBLEM
from fairplanner.catalogue.models import Fair
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.organizers import queries
from fairplanner.registrations.models import Registration

blp = Blueprint(
    "api_organizer",
    __name__,
    url_prefix="/api/v1/organizer",
    description="An organizer's fairs, programmes, applications, stands and exports "
    "(a staff member's or an admin's token).",
)
ID = "int(max=2147483647)"
T = TypeVar("T")


def problems(*codes: int):  # type: ignore[no-untyped-def]
    """The problems an operation may answer with, besides 401, 403 and 429 (auth.secured)."""

    def decorate(view):  # type: ignore[no-untyped-def]
        for code in codes:
            view = blp.alt_response(code, **PROBLEM)(view)
        return view

    return decorate


# --- who asks, and what they may see ------------------------------------------------------


def staff() -> tuple[User, int | None]:
    """The token's user and the organizer whose data they see (None: an admin, every one)."""
    user, organizer_id = auth.staff_of(auth.require())
    return user, None if user.role == Role.ADMIN else organizer_id


def scoped_fair(slug: str) -> Fair:
    """The fair, if it is the staff's organizer's; another organizer's is a 404."""
    return db.one_or_404(queries.fair_in_scope(slug, staff()[1]))


def scoped_registration(registration_id: int) -> Registration:
    return db.one_or_404(queries.registration_in_scope(registration_id, staff()[1]))


def commit(action: Callable[[], T]) -> T:
    """Run a service call and commit it; a rule's refusal is a problem with its status."""
    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        abort(exc.status_code, detail=exc.message)
    return result


# The views register themselves on `blp` (after it exists).
from fairplanner.api.organizer import applications, exports, fairs  # noqa: E402

__all__ = ["applications", "blp", "exports", "fairs"]
