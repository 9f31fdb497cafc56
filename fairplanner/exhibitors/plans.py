"""Hall plans: reading them, and the writes an organizer makes (never commits).

The organizer console (fairplanner.organizers) calls the writes and keeps the fair's change log;
the public hall page and the exhibitor catalogue's stand links read them here. A stand placed
on a plan is a stand of the hall: an approved exhibitor's, as the organizer assigned it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from fairplanner.accounts.models import Company
from fairplanner.errors import DomainError
from fairplanner.exhibitors import queries
from fairplanner.exhibitors.models import HallPlan, StandPosition
from fairplanner.extensions import db
from fairplanner.media.models import Image
from fairplanner.media.services import discard_if_unused
from fairplanner.registrations.models import (
    STAND_FIELD_LENGTH,
    Registration,
    RegistrationRole,
    RegistrationStatus,
)
from fairplanner.registrations.stands import clean
from fairplanner.text import fold


class PlanError(DomainError):
    status_code = 422


Point = tuple[float, float]


@dataclass(frozen=True)
class Stand:
    """A stand of a hall as a plan page lists it: the company only when it may be shown."""

    stand: str
    company: str | None
    point: Point | None

    @property
    def anchor(self) -> str:
        return anchor(self.stand)


def anchor(stand: str) -> str:
    """The fragment of a stand on its hall's page ("stand-А-12"): an id has no spaces."""
    return "stand-" + "_".join(stand.split())


# --- reading --------------------------------------------------------------------------------


def plans_of(fair_id: int) -> Select[tuple[HallPlan]]:
    return (
        select(HallPlan)
        .where(HallPlan.fair_id == fair_id)
        .options(selectinload(HallPlan.image), selectinload(HallPlan.positions))
    )


def plan_of(fair_id: int, hall: str) -> Select[tuple[HallPlan]]:
    return plans_of(fair_id).where(HallPlan.hall == hall)


def planned_halls(fair_id: int) -> set[str]:
    """The halls of the fair that have a plan (one query)."""
    return set(db.session.scalars(select(HallPlan.hall).where(HallPlan.fair_id == fair_id)))


def _stand_rows(fair_id: int, hall: str) -> Select:
    return (
        select(Registration.stand, Company.short_name, Company.legal_name)
        .join(Company, Company.id == Registration.company_id)
        .where(
            Registration.fair_id == fair_id,
            Registration.hall == hall,
            Registration.stand.is_not(None),
            Registration.role == RegistrationRole.EXHIBITOR,
            Registration.status == RegistrationStatus.APPROVED,
        )
    )


def _order(stand: str) -> tuple:
    """ "А-2" before "А-10": digits compare as numbers."""
    key: list[tuple[int, int | str]] = []
    number = ""
    for ch in fold(stand):
        if ch.isdigit():
            number += ch
            continue
        if number:
            key.append((0, int(number)))
            number = ""
        key.append((1, ch))
    if number:
        key.append((0, int(number)))
    return tuple(key)


def stands(plan: HallPlan | None, fair_id: int, hall: str, *, public: bool) -> list[Stand]:
    """The hall's stands (one query), with their points on the plan. `public`: only the
    catalogue's listings name their company, and a stand whose exhibitor is not listed keeps
    its number without a name."""
    statement = _stand_rows(fair_id, hall)
    if public:
        statement = statement.add_columns(queries.public().label("shown"))
    points = {p.stand: (p.x, p.y) for p in plan.positions} if plan is not None else {}
    found = []
    for row in db.session.execute(statement):
        name = row.short_name or row.legal_name
        if public and not row.shown:
            name = None
        found.append(Stand(row.stand, name, points.get(row.stand)))
    return sorted(found, key=lambda s: _order(s.stand))


def halls(fair_id: int) -> list[str]:
    """Halls the fair's stands are in, and those with a plan (two queries), by name."""
    assigned = select(Registration.hall).where(
        Registration.fair_id == fair_id,
        Registration.hall.is_not(None),
        Registration.status == RegistrationStatus.APPROVED,
    )
    names = set(db.session.scalars(assigned.distinct())) | planned_halls(fair_id)
    return sorted(names, key=_order)


# --- writing --------------------------------------------------------------------------------


def check_hall(hall: str | None) -> str:
    value = clean(hall)
    if value is None:
        raise PlanError(_("Give the name of the hall, as its stands have it."))
    if len(value) > STAND_FIELD_LENGTH:
        raise PlanError(_("A hall's name is at most %(n)d characters.", n=STAND_FIELD_LENGTH))
    return value


def put_plan(fair_id: int, hall: str | None, image: Image) -> tuple[HallPlan, int | None]:
    """Upload or replace the hall's plan image; the stands' positions stay (a new drawing of
    the same hall). The plan and the id of the image it had (None when new)."""
    name = check_hall(hall)
    plan = db.session.scalars(plan_of(fair_id, name)).first()
    if plan is None:
        plan = HallPlan(fair_id=fair_id, hall=name, image=image)
        db.session.add(plan)
        db.session.flush()
        return plan, None
    replaced = plan.image
    if replaced.id == image.id:
        return plan, image.id
    plan.image = image
    db.session.flush()
    discard_if_unused(replaced)  # unless another plan, fair or company shows it
    return plan, replaced.id


def remove_plan(plan: HallPlan) -> None:
    """Take the plan down with its stands' positions."""
    image = plan.image
    db.session.delete(plan)
    db.session.flush()
    discard_if_unused(image)


def fraction(value: object) -> float:
    """A coordinate as stored: a finite number from 0 to 1; else PlanError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PlanError(_("A position on the plan is a number."))
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= 1:
        raise PlanError(
            _("A position must lie on the plan, between its left and right, top and bottom edges.")
        )
    return number


def place_stands(
    plan: HallPlan, points: Mapping[str, Point | None]
) -> dict[str, list[Point | None]]:
    """Put stands at points (None: off the plan). Only stands of the plan's hall; every point
    checked before anything is written. The changes, as stand → [old point, new point]."""
    known = {s.stand for s in stands(None, plan.fair_id, plan.hall, public=False)}
    current = {p.stand: p for p in plan.positions}
    wanted: dict[str, Point | None] = {}
    for stand, point in points.items():
        if stand not in known and stand not in current:
            raise PlanError(_("Stand %(stand)s is not in %(hall)s.", stand=stand, hall=plan.hall))
        wanted[stand] = None if point is None else (fraction(point[0]), fraction(point[1]))
    changes: dict[str, list[Point | None]] = {}
    for stand, point in wanted.items():
        found = current.get(stand)
        old = (found.x, found.y) if found is not None else None
        if old == point:
            continue
        changes[stand] = [old, point]
        if point is None:
            plan.positions.remove(found)
        elif found is None:
            plan.positions.append(StandPosition(stand=stand, x=point[0], y=point[1]))
        else:
            found.x, found.y = point
    db.session.flush()
    return changes
