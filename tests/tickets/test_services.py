"""The rules of tickets: codes, people and the badge quota, revocation, and the door's answers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import FairStatus
from fairplanner.db import sqlite_write_intent
from fairplanner.i18n import MINSK, minsk_today
from fairplanner.registrations import services as registrations
from fairplanner.registrations.models import (
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)
from fairplanner.tickets import queries, services
from fairplanner.tickets.models import CheckIn, QuotaMode, RevokeReason, ScanResult, TicketRole
from tests.factories import Factories

R = ScanResult


def at(day, hour: int = 10, minute: int = 0) -> datetime:
    """A moment of a Minsk day, in UTC as the devices send it."""
    return datetime.combine(day, time(hour, minute), MINSK).astimezone(UTC)


@pytest.fixture
def today_fair(factories):
    """A fair running today (its second of three days), with an approved exhibitor."""
    fair = factories.fair(starts_on=minsk_today() - timedelta(days=1), days=3)
    company = factories.company()
    member = factories.user(company=company)
    exhibitor = factories.registration(fair, company, area=20)
    staff = factories.user(role=Role.STAFF, organizer_id=fair.organizer_id)
    return fair, exhibitor, member, staff


def scan(code: str, n: int, **kw) -> services.Scan:
    return services.Scan(scan_id=f"00000000-0000-4000-8000-{n:012d}", code=code, **kw)


# --- codes ---------------------------------------------------------------------------------------


def test_codes_are_random_128_bit_and_checked():
    codes = {services.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == services.CODE_LENGTH
        assert services.well_formed(code)
    code = next(iter(codes))
    # Typed with spaces, in lower case, with look-alike digits: the same code.
    typed = " ".join(code[i : i + 4] for i in range(0, 28, 4)).lower().replace("o", "0")
    assert services.normalize(typed) == code
    assert services.normalize(f"https://fairplanner.example/t/{code}") == code
    # One wrong character fails the check byte (or the alphabet).
    typo = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]
    assert not services.well_formed(typo)
    assert not services.well_formed(code[:-1])


# --- people and quota ----------------------------------------------------------------------------


def test_approving_a_delegation_issues_its_tickets(db, factories):
    fair = factories.fair()
    staff = factories.user(role=Role.STAFF, organizer_id=fair.organizer_id)
    visit = factories.registration(
        fair,
        factories.company(),
        role=RegistrationRole.VISITOR,
        status=RegistrationStatus.SUBMITTED,
        stand_type=None,
        area=None,
        delegates=[{"name": "Петров Пётр", "position": "Директор"}, {"name": " ", "position": ""}],
    )
    registrations.decide_registration(visit, status=RegistrationStatus.APPROVED, actor=staff)
    people = list(db.session.scalars(queries.people(visit.id)))
    assert [(p.name, p.position, p.role) for p in people] == [
        ("Петров Пётр", "Директор", TicketRole.VISITOR)
    ]
    # Issued once: looking again issues nothing more.
    assert services.ensure_issued(visit) == []


def test_people_are_logged_kept_in_the_delegation_and_revoked_when_removed(db, factories):
    fair = factories.fair()
    company = factories.company()
    member = factories.user(company=company)
    visit = factories.registration(
        fair, company, role=RegistrationRole.VISITOR, stand_type=None, area=None, delegates=[]
    )
    anna = services.add_person(visit, name="Анна Смирнова", position=None, actor=member)
    ivan = services.add_person(visit, name="Иван Орлов", email="ivan@example.com", actor=member)
    services.change_person(ivan, name="Иван Орлов", position="Инженер", email=None, actor=member)
    services.remove_person(anna, actor=member)
    assert visit.delegates == [{"name": "Иван Орлов", "position": "Инженер"}]
    assert anna.revoke_reason == RevokeReason.REMOVED
    actions = db.session.scalars(
        select(RegistrationChange.action)
        .where(RegistrationChange.registration_id == visit.id)
        .order_by(RegistrationChange.id)
    ).all()
    assert actions == ["person added", "person added", "person changed", "person removed"]
    assert services.check_in(fair, scan(anna.code, 1), staff=None).result in (R.REVOKED,)


@pytest.mark.parametrize(
    ("mode", "count", "area", "expected"),
    [
        (QuotaMode.PER_STAND, 3, 20, 3),
        (QuotaMode.PER_AREA, 1, 20, 3),
        (QuotaMode.PER_AREA, 2, 9, 2),
    ],
)
def test_badge_quota(db, factories, mode, count, area, expected):
    fair = factories.fair()
    services.save_settings(fair, quota_mode=mode, quota_count=count, quota_area=9)
    company = factories.company()
    member = factories.user(company=company)
    stand = factories.registration(fair, company, area=area)
    assert services.quota(stand) == expected
    for n in range(expected):
        services.add_person(stand, name=f"Сотрудник {n}", actor=member)
    with pytest.raises(services.QuotaReached) as refused:
        services.add_person(stand, name="Лишний", actor=member)
    assert refused.value.status_code == 409
    assert len(services.active_people(stand.id)) == expected


def test_people_close_after_the_fair_and_before_approval(db, factories):
    member = factories.user()
    past = factories.fair(starts_on=minsk_today() - timedelta(days=5), days=2)
    over = factories.registration(past, member.company)
    waiting = factories.registration(
        factories.fair(), member.company, status=RegistrationStatus.SUBMITTED
    )
    for registration in (over, waiting):
        with pytest.raises(services.PeopleClosed):
            services.add_person(registration, name="Кто-то", actor=member)
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_withdrawal_and_cancellation_revoke(db, factories, today_fair):
    fair, exhibitor, member, staff = today_fair
    ticket = services.add_person(exhibitor, name="Ольга", actor=member)
    walk_in = services.register_at_desk(fair, name="Гость", role=TicketRole.VISITOR, actor=staff)
    registrations.withdraw_registration(exhibitor, actor=member)
    assert ticket.revoke_reason == RevokeReason.WITHDRAWN
    assert walk_in.active
    fair.status = FairStatus.CANCELLED
    services.revoke_fair(fair.id)
    assert walk_in.revoke_reason == RevokeReason.FAIR_CANCELLED
    with pytest.raises(services.DeskClosed):
        services.register_at_desk(fair, name="Ещё", role=TicketRole.PRESS, actor=staff)


# --- the door ------------------------------------------------------------------------------------


def test_the_doors_answers(db, factories, today_fair):
    fair, exhibitor, member, staff = today_fair
    ticket = services.add_person(exhibitor, name="Ольга Кирова", actor=member)
    today = minsk_today()

    first = services.check_in(
        fair, scan(ticket.code, 1, gate="Вход 2", scanned_at=at(today, 10, 32)), staff=staff
    )
    assert first.result == R.VALID
    again = services.check_in(
        fair, scan(ticket.code.lower(), 2, scanned_at=at(today, 11)), staff=staff
    )
    assert again.result == R.ALREADY_ENTERED
    assert again.earlier.id == first.id
    assert again.earlier.gate == "Вход 2"
    # A new day is a first entry again (an offline scan from yesterday, the fair's first day).
    yesterday = services.check_in(
        fair, scan(ticket.code, 3, scanned_at=at(today - timedelta(days=1), 9)), staff=staff
    )
    assert yesterday.result == R.VALID

    other_fair = factories.fair(starts_on=today, days=1)
    stranger = services.register_at_desk(
        other_fair, name="Чужой", role=TicketRole.VISITOR, actor=None
    )
    assert services.check_in(fair, scan(stranger.code, 4), staff=staff).result == R.WRONG_FAIR

    assert services.check_in(fair, scan(services.new_code(), 5), staff=staff).result == R.UNKNOWN
    assert services.check_in(fair, scan("<script>", 6), staff=staff).result == R.UNKNOWN

    later = factories.fair(days=1)
    early = services.register_at_desk(later, name="Рано", role=TicketRole.PRESS, actor=None)
    assert services.check_in(later, scan(early.code, 7), staff=staff).result == R.WRONG_DAY

    services.remove_person(ticket, actor=member)
    revoked = services.check_in(fair, scan(ticket.code, 8), staff=staff)
    assert (revoked.result, revoked.ticket.revoke_reason) == (R.REVOKED, RevokeReason.REMOVED)


def test_a_scan_sent_twice_is_stored_once(db, factories, today_fair):
    fair, exhibitor, member, staff = today_fair
    ticket = services.add_person(exhibitor, name="Ольга", actor=member)
    first = services.check_in(fair, scan(ticket.code, 1, offline=True), staff=staff)
    again = services.check_in(fair, scan(ticket.code, 1, offline=True), staff=staff)
    assert again.id == first.id
    assert again.result == R.VALID
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    other = factories.fair(starts_on=minsk_today(), days=1)
    with pytest.raises(services.ScanRefused):
        services.check_in(other, scan(ticket.code, 1), staff=staff)
    with pytest.raises(services.ScanRefused):
        services.check_in(fair, services.Scan(scan_id="x", code=ticket.code), staff=staff)


def test_an_offline_queue_is_judged_in_the_order_it_was_scanned(db, factories, today_fair):
    fair, exhibitor, member, staff = today_fair
    ticket = services.add_person(exhibitor, name="Ольга", actor=member)
    now = datetime.now(UTC)
    queue = [
        scan(ticket.code, 2, scanned_at=now - timedelta(minutes=1), offline=True),
        scan(ticket.code, 1, scanned_at=now - timedelta(minutes=5), offline=True),
        # A device clock a month behind counts as three days ago: no earlier than the horizon.
        scan(services.new_code(), 3, scanned_at=now - timedelta(days=30), offline=True),
    ]
    queue.append(services.Scan(scan_id="bad id!", code=ticket.code))
    answers = list(services.check_in_many(fair, queue, staff=staff, now=now).values())
    # In the order they were scanned (the refused one, with no time, last).
    assert [getattr(a, "result", None) for a in answers] == [
        R.UNKNOWN,
        R.VALID,
        R.ALREADY_ENTERED,
        None,
    ]
    assert isinstance(answers[3], services.ScanRefused)
    assert answers[0].scanned_at == now - services.OFFLINE_HORIZON


def test_the_desk_finds_people_by_any_word_in_any_case(db, factories, today_fair):
    fair, exhibitor, member, staff = today_fair
    services.add_person(exhibitor, name="Ольга Кирова", actor=member)
    services.register_at_desk(
        fair, name="Пётр Гость", company_label="ОАО «Белшина»", role=TicketRole.PRESS, actor=staff
    )
    assert [t.name for t in queries.search_people(fair.id, "КИРОВА")] == ["Ольга Кирова"]
    assert [t.name for t in queries.search_people(fair.id, "белшина пётр")] == ["Пётр Гость"]
    assert queries.search_people(fair.id, "%") == []


# --- concurrency (real commits) ------------------------------------------------------------------


def test_two_gates_scanning_one_ticket_at_once_admit_it_once(app, committed):
    factories = Factories(committed.session)
    fair = factories.fair(starts_on=minsk_today(), days=1)
    ticket = services.register_at_desk(fair, name="Гость", role=TicketRole.VISITOR, actor=None)
    committed.session.commit()
    fair_id, code = fair.id, ticket.code
    start = threading.Barrier(2)
    results: list[ScanResult] = []

    def gate(n: int) -> None:
        from fairplanner.catalogue.models import Fair
        from fairplanner.extensions import db

        with app.app_context():
            token = sqlite_write_intent.set(True)
            try:
                start.wait()
                entry = services.check_in(
                    db.session.get(Fair, fair_id), scan(code, n, gate=f"Вход {n}"), staff=None
                )
                results.append(entry.result)
                db.session.commit()
            finally:
                sqlite_write_intent.reset(token)
                db.session.remove()

    threads = [threading.Thread(target=gate, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    committed.session.rollback()
    assert sorted(results, key=lambda r: r.value) == [R.ALREADY_ENTERED, R.VALID]
    valid = committed.session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.result == R.VALID)
    )
    assert valid == 1
