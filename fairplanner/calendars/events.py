"""The private feeds hold the followed fairs: following or unfollowing one must replace the
"registrations" generation (fairplanner.cache), under which the feeds' validators are kept,
as a change of an application does. Registered on import (by the calendars' views)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from fairplanner.following.models import Follow

GENERATION = "registrations"


def _note(session: Session) -> None:
    # The set fairplanner.cache replaces at commit (its after_flush hook fills it likewise).
    session.info.setdefault("changed_generations", set()).add(GENERATION)


@event.listens_for(Session, "after_flush")
def _note_follows(session: Session, context: Any) -> None:
    """A follow added or deleted through the unit of work."""
    if any(isinstance(item, Follow) for item in (*session.new, *session.deleted)):
        _note(session)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_follows(state: ORMExecuteState) -> None:
    """A follow deleted (or changed) by a statement, as following.services.unfollow does."""
    mapper = state.bind_mapper
    if (state.is_delete or state.is_update) and mapper is not None and mapper.class_ is Follow:
        _note(state.session)
