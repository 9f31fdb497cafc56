"""What a company follows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from fairplanner.catalogue.models import Fair, Venue
from fairplanner.catalogue.queries import VISIBLE
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


def visible_fair(slug: str) -> Select[tuple[Fair]]:
    """A fair the catalogue shows (published or cancelled); a draft is as unknown as a typo."""
    return select(Fair).where(Fair.slug == slug, Fair.status.in_(VISIBLE))


def watch_list(company_id: int) -> Select[tuple[Fair]]:
    """The visible fairs `company_id` follows, soonest first, with what "My fairs" → Followed
    shows of each (venue and city: many-to-one, joined into the one statement)."""
    return (
        select(Fair)
        .join(Follow, Follow.fair_id == Fair.id)
        .where(Follow.company_id == company_id, Fair.status.in_(VISIBLE))
        .options(joinedload(Fair.venue).joinedload(Venue.city))
        .order_by(Fair.starts_on, Fair.id)
    )


@dataclass(frozen=True)
class FollowState:
    """What a page's Follow buttons need: the fairs the reader's company follows and the
    page to come back to."""

    fair_ids: frozenset[int]
    here: str


def follow_state(company_id: int | None, *, here: str) -> FollowState | None:
    """The reader's follow state, or None for a reader without a company (no buttons)."""
    if company_id is None:
        return None
    return FollowState(frozenset(followed_fair_ids(company_id)), here)
