"""Hall plans in the organizer console: the audited writes (fairplanner.exhibitors.plans does
the work) and reading the marking form. Never commits.

Each change goes into the fair's change log: "hall plan" (uploaded, replaced, removed: the image
ids) and "stands placed" (the stands whose points changed).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from flask_babel import gettext as _

from fairplanner.accounts.models import User
from fairplanner.catalogue.models import Fair
from fairplanner.exhibitors import plans
from fairplanner.exhibitors.models import HallPlan
from fairplanner.media.models import Image
from fairplanner.organizers.services import log_change


def put_plan(fair: Fair, hall: str | None, image: Image, *, actor: User) -> HallPlan:
    plan, old = plans.put_plan(fair.id, hall, image)
    if old != image.id:
        log_change(
            fair,
            "hall plan",
            actor=actor,
            changes={"hall": [plan.hall, plan.hall], "image": [old, image.id]},
        )
    return plan


def remove_plan(fair: Fair, plan: HallPlan, *, actor: User) -> None:
    hall, old = plan.hall, plan.image_id
    plans.remove_plan(plan)
    log_change(fair, "hall plan", actor=actor, changes={"hall": [hall, hall], "image": [old, None]})


def place_stands(
    fair: Fair, plan: HallPlan, points: dict[str, plans.Point | None], *, actor: User
) -> int:
    """Save the stands' points; how many changed."""
    changes = plans.place_stands(plan, points)
    if changes:
        log_change(
            fair,
            "stands placed",
            actor=actor,
            changes={
                "hall": [plan.hall, plan.hall],
                "stands": [None, sorted(changes)],
            },
        )
    return len(changes)


def percent(text: str) -> float:
    """A percentage typed in the form ("12,5" or "12.5") as a fraction; ValueError if none."""
    number = float(text.strip().replace(",", ".").removesuffix("%").strip())
    if not math.isfinite(number):
        raise ValueError(text)
    return number / 100


def read_points(rows: Iterable[tuple[str, str, str]]) -> dict[str, plans.Point | None]:
    """The marking form's rows (stand, x %, y %) as points; both empty: off the plan. A row
    that is not two numbers from 0 to 100 is a PlanError naming the stand."""
    points: dict[str, plans.Point | None] = {}
    for stand, x, y in rows:
        if not x.strip() and not y.strip():
            points[stand] = None
            continue
        try:
            point = (percent(x), percent(y))
        except ValueError:
            raise plans.PlanError(
                _("Stand %(stand)s: give both positions as numbers from 0 to 100.", stand=stand)
            ) from None
        if not all(0 <= value <= 1 for value in point):
            raise plans.PlanError(
                _("Stand %(stand)s: a position is from 0 to 100 %%.", stand=stand)
            )
        points[stand] = point
    return points
