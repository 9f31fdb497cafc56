"""`flask seed-demo`: the demo catalogue, dated around today, loaded once."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from fairplanner.catalogue.models import City, Fair, FairStatus, Oblast, Sector, Venue
from fairplanner.demo.catalogue import edition_start, load_demo_file
from fairplanner.i18n import minsk_today


def counts(db) -> dict[str, int]:
    """Rows of every table: the catalogue's, the logins', the change log's, the outbox's..."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_seed_is_idempotent(runner, db):
    editions = sum(f.get("occurrence", 1) for f in load_demo_file()["fairs"])
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert f"fairs: {editions} added, 0 already present" in first.output
    after_first = counts(db)
    updated = db.session.scalars(select(Fair.updated_at).order_by(Fair.id)).all()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert f"fairs: 0 added, {editions} already present" in second.output
    assert "accounts: 0 added, 2 already present" in second.output
    assert all(after_first[model.__tablename__] for model in (Fair, Sector, City, Venue))
    assert after_first["fair_changes"] > editions  # the services logged what made the fairs
    assert counts(db) == after_first
    assert db.session.scalars(select(Fair.updated_at).order_by(Fair.id)).all() == updated


@pytest.mark.sqlite_only
def test_demo_catalogue_is_realistic(runner, db):
    runner.invoke(args=["seed-demo"])
    today = minsk_today()
    horizon = today + timedelta(days=548)
    fairs = db.session.scalars(select(Fair)).all()
    upcoming = [f for f in fairs if f.status == FairStatus.PUBLISHED and today <= f.starts_on]
    assert len([f for f in upcoming if f.starts_on <= horizon]) >= 30
    assert {f.venue.city.oblast for f in upcoming} == set(Oblast)
    assert len({s.code for f in upcoming for s in f.sectors}) >= 10
    assert all(len(f.programme) >= 3 for f in fairs)
    assert any(f.ends_on < today for f in fairs)
    cancelled = [f for f in fairs if f.status == FairStatus.CANCELLED]
    assert len(cancelled) == 1
    assert cancelled[0].cancel_reason_ru
    assert cancelled[0].cancel_reason_en
    assert all(f.registration_opens_on <= f.registration_deadline <= f.starts_on for f in fairs)
    assert all(f.search_name for f in fairs)


def test_demo_data_is_complete_in_both_languages():
    data = load_demo_file()
    for fair in data["fairs"]:
        for field in ("name", "description"):
            assert fair[f"{field}_ru"], fair["key"]
            assert fair[f"{field}_en"], fair["key"]
        for event in fair["programme"]:
            assert event["title_ru"], fair["key"]
            assert event["title_en"], fair["key"]


def test_broken_data_file_is_reported_and_nothing_is_saved(runner, db, tmp_path):
    data = load_demo_file()
    data["fairs"][3]["venue"] = "no-such-venue"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["seed-demo", "--file", str(path)])
    assert result.exit_code != 0
    assert "not valid" in result.output
    assert counts(db)["fairs"] == 0


@pytest.mark.parametrize(
    ("month", "day", "occurrence", "past", "expected"),
    [
        (6, 3, 1, False, date(2027, 6, 3)),
        (11, 26, 1, False, date(2026, 11, 26)),
        (11, 25, 1, False, date(2027, 11, 25)),  # today itself has begun: the next edition
        (6, 3, 2, False, date(2028, 6, 3)),
        (2, 10, 1, True, date(2026, 2, 10)),
        (12, 1, 1, True, date(2025, 12, 1)),
        (2, 29, 1, False, date(2027, 2, 28)),
    ],
)
def test_editions_are_dated_around_today(month, day, occurrence, past, expected):
    today = date(2026, 11, 25)
    assert edition_start(month, day, today=today, occurrence=occurrence, past=past) == expected


@pytest.mark.sqlite_only
def test_demo_login_works_and_its_profile_is_complete(runner, client, db):
    result = runner.invoke(args=["seed-demo"])
    account = load_demo_file()["accounts"][0]
    assert f"demo login (company): {account['email']} / {account['password']}" in result.output
    staff = load_demo_file()["accounts"][1]
    assert f"demo login (organizer staff): {staff['email']} / {staff['password']}" in result.output
    response = client.post(
        "/login", data={"email": account["email"], "password": account["password"]}
    )
    assert response.status_code == 302
    html = client.get("/company").get_data(as_text=True)
    assert "Эти сведения нужны организаторам" not in html
    assert account["company"]["tax_id"] in html


@pytest.mark.sqlite_only
def test_the_demo_fair_has_b2b_meetings_and_fair_day_tickets(runner, db):
    """Participants from Belarus and the Kirov region with offers and needs, meetings booked
    between them, and the demo login in a programme of its own; every approved application of
    the demo fairs names its people, each with a well-formed ticket (one seed for both: each
    seed takes a dozen seconds)."""
    from fairplanner.accounts.models import Country
    from fairplanner.meetings.models import Meeting, MeetingState, Participant, Programme

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    programme = db.session.scalar(
        select(Programme).join(Fair).where(Fair.slug.like("my-belarus-%"))
    )
    assert programme is not None
    participants = db.session.scalars(
        select(Participant).where(Participant.fair_id == programme.fair_id)
    ).all()
    assert len(participants) >= 10
    assert {p.company.country for p in participants} == {Country.RUSSIA, Country.BELARUS}
    assert all((p.offers_ru and p.seeks_ru) for p in participants)
    assert all(p.offer_sectors and p.seek_sectors for p in participants)
    states = db.session.scalars(
        select(Meeting.state).where(Meeting.fair_id == programme.fair_id)
    ).all()
    assert states.count(MeetingState.SCHEDULED) >= 5
    assert MeetingState.REQUESTED in states
    demo = db.session.scalar(
        select(Participant)
        .join(Participant.company)
        .where(Participant.company.has(short_name="Вятка-Лес"))
    )
    assert demo is not None
    assert db.session.scalars(
        select(Meeting.state).where(
            (Meeting.recipient_id == demo.id) | (Meeting.requester_id == demo.id)
        )
    ).all()

    # Fair day: tickets for the demo applications (and a few from the organizer's desk).
    from fairplanner.registrations.models import Registration, RegistrationStatus
    from fairplanner.tickets.models import Ticket, TicketRole
    from fairplanner.tickets.services import quota, well_formed

    approved = db.session.scalars(
        select(Registration).where(
            Registration.fair_id == programme.fair_id,
            Registration.status == RegistrationStatus.APPROVED,
        )
    ).all()
    tickets = db.session.scalars(select(Ticket).where(Ticket.fair_id == programme.fair_id)).all()
    for registration in approved:
        people = [t for t in tickets if t.registration_id == registration.id]
        assert 1 <= len(people) <= quota(registration), registration.company.display_name
    assert all(well_formed(t.code) and t.active for t in tickets)
    assert len({t.code for t in tickets}) == len(tickets)
    roles = {t.role for t in tickets}
    assert roles == {
        TicketRole.EXHIBITOR,
        TicketRole.VISITOR,
        TicketRole.PRESS,
        TicketRole.ORGANIZER,
    }
    own = db.session.scalars(
        select(Ticket).where(Ticket.company.has(short_name="Вятка-Лес"), Ticket.email.is_not(None))
    ).all()
    assert own, "the demo login's people have addresses to try the e-ticket mail with"
