"""Following and unfollowing fairs: idempotent, and safe when two clicks race."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from fairplanner.accounts.models import Company, User
from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db
from fairplanner.following.models import Follow


def follow(company: Company, fair: Fair, *, by: User | None = None) -> Follow:
    """`company` follows `fair` (again: nothing changes). Not flushed to a second row when
    another request made the same follow at the same moment."""
    found = db.session.scalar(
        select(Follow).where(Follow.company_id == company.id, Follow.fair_id == fair.id)
    )
    if found is not None:
        return found
    item = Follow(company_id=company.id, fair_id=fair.id, user_id=by.id if by else None)
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:  # the other request's row won: it is the same follow
        return db.session.scalars(
            select(Follow).where(Follow.company_id == company.id, Follow.fair_id == fair.id)
        ).one()
    return item


def unfollow(company: Company, fair: Fair) -> bool:
    """`company` stops following `fair`; whether it did follow it."""
    result = db.session.execute(
        delete(Follow).where(Follow.company_id == company.id, Follow.fair_id == fair.id)
    )
    return bool(result.rowcount)
