"""The status workflow: which moves are possible, and what they do to the capacity."""

from __future__ import annotations

import pytest

from fairplanner.errors import DomainError
from fairplanner.registrations.models import TRANSITIONS, Registration, RegistrationStatus
from fairplanner.registrations.services import (
    CapacityExceeded,
    InvalidRequest,
    NotAllowed,
    decide_registration,
)

S = RegistrationStatus


@pytest.fixture
def staff(make_user):
    from fairplanner.accounts.models import Role

    return make_user(role=Role.STAFF)


@pytest.fixture
def make_registration(factories):
    def make(fair, status=S.SUBMITTED, role="exhibitor", number=None):
        return factories._save(
            Registration(
                fair_id=fair.id,
                company_id=factories.company().id,
                role=role,
                status=status,
                stand_type="indoor",
                area=10,
                waitlist_number=number,
            )
        )

    return make


ALL_MOVES = [(a, b) for a in S for b in S if a != b and b != S.WITHDRAWN]


@pytest.mark.parametrize(("before", "after"), ALL_MOVES)
def test_only_the_workflow_moves_are_allowed(
    db, make_fair, make_registration, staff, before, after
):
    fair = make_fair(capacity=10)
    registration = make_registration(fair, status=before, number=1)
    allowed = after in TRANSITIONS[before]
    if allowed:
        decide_registration(registration, status=after, actor=staff, reason="Нет мест")
        assert registration.status == after
        assert registration.history[-1].status_from == before.value
        assert registration.history[-1].actor_id == staff.id
    else:
        with pytest.raises(NotAllowed):
            decide_registration(registration, status=after, actor=staff, reason="x")
        assert registration.status == before


def test_the_expected_workflow():
    assert TRANSITIONS[S.SUBMITTED] == {S.APPROVED, S.REJECTED, S.WAITLISTED, S.WITHDRAWN}
    assert TRANSITIONS[S.APPROVED] == {S.WITHDRAWN}
    assert TRANSITIONS[S.WAITLISTED] == {S.APPROVED, S.REJECTED, S.WITHDRAWN}
    assert TRANSITIONS[S.REJECTED] == TRANSITIONS[S.WITHDRAWN] == frozenset()


def test_rejection_needs_a_reason(db, make_fair, make_registration, staff):
    registration = make_registration(make_fair())
    with pytest.raises(InvalidRequest):
        decide_registration(registration, status=S.REJECTED, actor=staff, reason="  ")
    decide_registration(registration, status=S.REJECTED, actor=staff, reason="Не тот профиль")
    assert registration.reject_reason == "Не тот профиль"


def test_approving_from_the_waiting_list_respects_the_capacity(
    db, make_fair, make_registration, staff
):
    fair = make_fair(capacity=1)
    make_registration(fair, status=S.APPROVED)
    waiting = make_registration(fair, status=S.WAITLISTED, number=1)
    with pytest.raises(CapacityExceeded):
        decide_registration(waiting, status=S.APPROVED, actor=staff)
    assert waiting.status == S.WAITLISTED


def test_rejecting_a_held_request_promotes_the_waiting_list(
    db, make_fair, make_registration, staff
):
    fair = make_fair(capacity=1)
    held = make_registration(fair, status=S.SUBMITTED)
    waiting = make_registration(fair, status=S.WAITLISTED, number=1)
    decide_registration(held, status=S.REJECTED, actor=staff, reason="Дубликат")
    assert waiting.status == S.APPROVED
    assert waiting.history[-1].action == "promoted"


def test_domain_errors_carry_a_translated_message(app, db, make_fair, make_registration, staff):
    registration = make_registration(make_fair(), status=S.WITHDRAWN)
    with (
        app.test_request_context(headers={"Accept-Language": "ru"}),
        pytest.raises(DomainError) as info,
    ):
        decide_registration(registration, status=S.APPROVED, actor=staff)
    assert "невозможно" in info.value.message or "нельзя" in info.value.message
