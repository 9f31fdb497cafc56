"""A company that follows fairs, its members, and the outbox to read what the job queued."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from fairplanner.following.services import follow
from fairplanner.notifications.models import OutboxMessage
from fairplanner.reminders import services
from tests.notifications.conftest import smtp  # noqa: F401 - the real SMTP server fixture

TODAY = date(2027, 3, 1)  # a Monday


def outbox(db: Any, kind: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


@pytest.fixture
def company(factories):
    return factories.company(short_name="Вятка-Лес")


@pytest.fixture
def members(factories, company):
    return [factories.user(f"m{i}@vyatka.example", company=company) for i in (1, 2)]


@pytest.fixture
def followed(db, factories, company, members):
    """A fair `company` follows whose registration closes in `days` days (from TODAY)."""

    def make(days: int = 7, **kw: Any):
        deadline = TODAY + timedelta(days=days)
        kw.setdefault("starts_on", deadline + timedelta(days=14))
        kw.setdefault("registration_opens_on", TODAY - timedelta(days=60))
        # Followed while it could be (following refuses cancelled and hidden fairs); then its
        # status as asked, as an organizer's later change would set it.
        status = kw.pop("status", None)
        fair = factories.fair(registration_deadline=deadline, **kw)
        follow(company, fair)
        if status is not None:
            fair.status = status
        db.session.commit()
        return fair

    return make


def run(today: date = TODAY) -> services.Summary:
    return services.run(today)
