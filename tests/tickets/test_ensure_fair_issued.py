"""Visitor delegations approved before tickets existed get their tickets on the console's first
look, once (tickets.services.ensure_fair_issued)."""

from __future__ import annotations

from sqlalchemy import select

from fairplanner.registrations.models import RegistrationRole, RegistrationStatus
from fairplanner.tickets import services
from fairplanner.tickets.models import Ticket, TicketRole


def visit(factories, fair, delegates, status=RegistrationStatus.APPROVED):
    # Made directly, as the rows were before tickets: no approval event issued anything.
    return factories.registration(
        fair,
        factories.company(),
        role=RegistrationRole.VISITOR,
        status=status,
        stand_type=None,
        area=None,
        delegates=delegates,
    )


def test_old_delegations_are_issued_once(db, factories, count_queries):
    fair = factories.fair()
    old = visit(factories, fair, [{"name": "Петров Пётр", "position": "Директор"}, {"name": " "}])
    nobody = visit(factories, fair, [])
    waiting = visit(factories, fair, [{"name": "Ждёт Решения"}], RegistrationStatus.SUBMITTED)
    factories.registration(fair, factories.company())  # an exhibitor names its own people
    elsewhere = visit(factories, factories.fair(), [{"name": "Другая Выставка"}])

    issued = services.ensure_fair_issued(fair)

    assert [(t.name, t.position, t.role, t.registration_id) for t in issued] == [
        ("Петров Пётр", "Директор", TicketRole.VISITOR, old.id)
    ]
    owners = set(db.session.scalars(select(Ticket.registration_id)))
    assert owners == {old.id}
    assert not owners & {nobody.id, waiting.id, elsewhere.id}
    # The next look finds nothing to do, in one statement.
    with count_queries() as counter:
        assert services.ensure_fair_issued(fair) == []
    assert counter.count == 1


def test_a_delegation_whose_people_were_all_removed_is_not_issued_again(db, factories):
    fair = factories.fair()
    old = visit(factories, fair, [{"name": "Анна"}])
    (anna,) = services.ensure_fair_issued(fair)
    services.remove_person(anna, actor=None)
    old.delegates = [{"name": "Анна"}]  # even if the list still named her
    assert services.ensure_fair_issued(fair) == []
    assert db.session.scalars(select(Ticket.revoked_at)).one() is not None
