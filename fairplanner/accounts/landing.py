"""Where a user lands after logging in, and whether a `next` page would only answer 403.

Each role has a page where its work is: staff of an organizer and admins the organizer console,
company members "My fairs", anyone else the catalogue. A `next` the user may not open (staff
sent to /my/fairs, a member to /organizer/) falls back to that page instead of a 403.

The rules below mirror the checks the views make (`company_required`, the console's
`staff_required` and `admin_required`); a test walks every page as every role and fails when
they disagree, so a new restricted page cannot slip past unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from fairplanner.accounts.models import Role, User

Rule = Callable[[User], bool]


def has_company(user: User) -> bool:
    return user.company_id is not None


def works_in_console(user: User) -> bool:
    """Admins, and staff who belong to an organizer."""
    return user.role == Role.ADMIN or (user.role == Role.STAFF and user.organizer_id is not None)


def is_admin(user: User) -> bool:
    return user.role == Role.ADMIN


def is_organizer_staff(user: User) -> bool:
    """Someone who acts for an organizer (creating a fair needs one, even for an admin)."""
    return works_in_console(user) and user.organizer_id is not None


# Endpoint (or "blueprint.") → who may open it. The most specific entry wins.
RULES: dict[str, Rule] = {
    "registrations.": has_company,
    "accounts.company": has_company,
    "accounts.members": has_company,
    "erasure.delete_account": has_company,
    "exhibitors.own_entry": has_company,
    "meetings.profile": has_company,
    "meetings.mine": has_company,
    "meetings.print_agenda": has_company,
    "organizers.": works_in_console,
    "organizers.admin": is_admin,
    "organizers.outbox": is_admin,
    "organizers.new_fair": is_organizer_staff,
    "privacy.export": has_company,
    # A company's people and their badges; the e-ticket page (tickets.eticket) is public.
    "tickets.people": has_company,
    "tickets.edit_person": has_company,
    "tickets.badges": has_company,
    "tickets.badge": has_company,
}


def rule_for(endpoint: str) -> Rule | None:
    if endpoint in RULES:
        return RULES[endpoint]
    blueprint = endpoint.rpartition(".")[0]
    return RULES.get(f"{blueprint}.") if blueprint else None


def home_for(user: User) -> str:
    """The page where the user's work is."""
    if works_in_console(user):
        return url_for("organizers.index")
    if has_company(user):
        return url_for("registrations.mine")
    return url_for("catalogue.index")


def may_open(user: User, path: str) -> bool:
    """Whether a GET of `path` (a path on this site) would show the user a page, not a 403.

    A path that matches no page (or only a POST) is refused too: landing on a 404 or 405 right
    after logging in is no better.
    """
    adapter = current_app.url_map.bind("localhost")
    target = urlsplit(path).path
    for _attempt in range(2):
        try:
            endpoint, _args = adapter.match(target, method="GET")
        except RequestRedirect as redirect:  # /organizer → /organizer/
            target = urlsplit(redirect.new_url).path
            continue
        except HTTPException:
            return False
        rule = rule_for(endpoint)
        return rule is None or rule(user)
    return False


def landing(user: User, wanted: str | None) -> str:
    """`wanted` (already checked to be on this site) if the user may open it, else home."""
    if wanted and may_open(user, wanted):
        return wanted
    return home_for(user)
