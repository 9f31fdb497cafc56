"""Following and unfollowing fairs: idempotent, and safe when two clicks race."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from fairplanner.accounts.models import Company, User
from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.following.models import Follow


class NotFollowable(DomainError):
    """Only a published fair can be followed (a draft is not shown, a cancelled one is over)."""


def follow(company: Company, fair: Fair, *, by: User | None = None) -> Follow:
    """`company` follows `fair` (again: nothing changes). Not flushed to a second row when
    another request made the same follow at the same moment."""
    found = db.session.scalar(
        select(Follow).where(Follow.company_id == company.id, Follow.fair_id == fair.id)
    )
    if found is not None:
        return found
    if fair.status != FairStatus.PUBLISHED:
        raise NotFollowable(
            _("This fair has been cancelled: it can no longer be followed.")
            if fair.status == FairStatus.CANCELLED
            else _("This fair cannot be followed.")
        )
    item = Follow(company_id=company.id, fair_id=fair.id, user_id=by.id if by else None)
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:  # the other request's row won: it is the same follow
        return db.session.scalars(
            select(Follow).where(Follow.company_id == company.id, Follow.fair_id == fair.id)
        ).one()
    _changed(company)
    return item


def unfollow(company: Company, fair: Fair) -> bool:
    """`company` stops following `fair`; whether it did follow it."""
    result = db.session.execute(
        delete(Follow).where(Follow.company_id == company.id, Follow.fair_id == fair.id)
    )
    if result.rowcount:
        _changed(company)
    return bool(result.rowcount)


def _changed(company: Company) -> None:
    """Raise the company's follows_version in this transaction: the catalogue's blocks stored
    for its readers are keyed by it, so the next page shows the new state. An increment in
    SQL, so two follows at once both count; the profile's updated_at stays as it was."""
    db.session.execute(
        update(Company)
        .where(Company.id == company.id)
        .values(follows_version=Company.follows_version + 1, updated_at=Company.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(company, ["follows_version"])
