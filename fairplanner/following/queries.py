"""What a company follows."""

from __future__ import annotations

from sqlalchemy import select

from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db
from fairplanner.following.models import Follow


def followed_fair_ids(company_id: int) -> set[int]:
    return set(db.session.scalars(select(Follow.fair_id).where(Follow.company_id == company_id)))


def is_following(company_id: int, fair_id: int) -> bool:
    return (
        db.session.scalar(
            select(Follow.id).where(Follow.company_id == company_id, Follow.fair_id == fair_id)
        )
        is not None
    )


def followed_fairs(company_id: int) -> list[Fair]:
    """The fairs `company_id` follows, soonest first."""
    return list(
        db.session.scalars(
            select(Fair)
            .join(Follow, Follow.fair_id == Fair.id)
            .where(Follow.company_id == company_id)
            .order_by(Fair.starts_on, Fair.id)
        )
    )
