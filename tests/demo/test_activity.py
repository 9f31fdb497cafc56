"""`flask seed-demo`: companies apply for BelExpo's open fairs and staff decide, through the
services, so that the demo organizer has real work and a history whatever the day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from stdnum.by import unp
from stdnum.ru import inn, ogrn

from fairplanner.accounts.identifiers import check_ogrn, check_phone, check_tax_id, regions
from fairplanner.accounts.models import Company, Country, User
from fairplanner.catalogue.models import Fair, FairStatus, ProgrammeEvent
from fairplanner.db import utcnow
from fairplanner.demo import cli
from fairplanner.demo.activity import load_activity_file, seed_activity
from fairplanner.demo.catalogue import edition_start, load_demo_file, seed_demo
from fairplanner.demo.timeline import moments
from fairplanner.i18n import MINSK, minsk_today
from fairplanner.notifications.models import OutboxMessage
from fairplanner.organizers.models import FairChange
from fairplanner.registrations.models import (
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)

ACTIVITY = load_activity_file()
NEW_COMPANIES = [c for c in ACTIVITY["companies"] if "profile" in c]
DEMO_COMPANY = load_demo_file()["accounts"][0]


def staff(db) -> User:
    return db.session.scalar(select(User).where(User.email == ACTIVITY["staff"]))


def organizer_registrations(db) -> list[Registration]:
    return db.session.scalars(
        select(Registration)
        .join(Registration.fair)
        .where(Fair.organizer_id == staff(db).organizer_id)
        .order_by(Registration.id)
    ).all()


def seed_on(today: date) -> None:
    seed_demo(load_demo_file(), today=today)
    seed_activity(ACTIVITY, today=today)


def row_counts(db) -> dict[str, int]:
    models = (
        Registration,
        RegistrationChange,
        FairChange,
        Company,
        User,
        ProgrammeEvent,
        OutboxMessage,
    )
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


@pytest.mark.sqlite_only
def test_cli_prints_what_it_added_and_the_logins(runner, db):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert f"companies: {len(NEW_COMPANIES)} added, 0 already present" in result.output
    added = int(result.output.split("applications: ")[1].split(" added")[0])
    assert added >= 10
    assert "demo login (company): demo@vyatka-les.example / demo-password-2026" in result.output
    assert (
        "demo login (organizer staff): staff@belexpo.example / staff-password-2026" in result.output
    )
    # The other companies' passwords are random and printed nowhere.
    for company in NEW_COMPANIES:
        assert company["login"] not in result.output


@pytest.mark.sqlite_only
def test_second_run_adds_nothing(runner, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    before = row_counts(db)
    statuses = [r.status for r in organizer_registrations(db)]
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "companies: 0 added" in second.output
    assert "applications: 0 added" in second.output
    assert "fair edits: 0 added" in second.output
    assert row_counts(db) == before
    assert [r.status for r in organizer_registrations(db)] == statuses


@pytest.mark.sqlite_only
def test_every_status_on_the_organizers_fairs(runner, db):
    runner.invoke(args=["seed-demo"])
    registrations = organizer_registrations(db)
    assert {r.status for r in registrations} == set(RegistrationStatus)
    assert len({r.fair_id for r in registrations}) >= 2
    today = minsk_today()
    for fair in {r.fair for r in registrations}:
        assert fair.starts_on > today
        assert fair.registration_opens_on <= today <= fair.registration_deadline
    rejected = [r for r in registrations if r.status == RegistrationStatus.REJECTED]
    assert all(r.reject_reason for r in rejected)
    exhibitors = [r for r in registrations if r.role == RegistrationRole.EXHIBITOR]
    assert all(r.stand_type and r.area and r.products for r in exhibitors)
    assert any(r.needs_power for r in exhibitors)
    assert any(r.needs_water for r in exhibitors)
    assert any(r.needs_internet for r in exhibitors)
    assert any(r.note for r in exhibitors)
    visitors = [r for r in registrations if r.role == RegistrationRole.VISITOR]
    assert visitors
    assert all(r.delegates and r.aims for r in visitors)


@pytest.mark.sqlite_only
def test_companies_from_belarus_and_russia_apply(runner, db):
    runner.invoke(args=["seed-demo"])
    companies = {r.company for r in organizer_registrations(db)}
    assert {c.country for c in companies} == {Country.BELARUS, Country.RUSSIA}
    assert len(companies) >= 8
    assert all(c.profile_complete for c in companies)


@pytest.mark.parametrize("spec", NEW_COMPANIES, ids=[c["key"] for c in NEW_COMPANIES])
def test_demo_company_details_are_valid(spec):
    profile = spec["profile"]
    country = Country(profile["country"])
    assert check_tax_id(country, profile["tax_id"]) == profile["tax_id"]
    assert check_phone(profile["phone"], country=country) == profile["phone"]
    assert profile["region"] in {r.code for r in regions()[country]}
    if country == Country.BELARUS:
        assert unp.is_valid(profile["tax_id"])
        assert profile["ogrn"] is None
    else:
        assert inn.is_valid(profile["tax_id"])
        assert profile["tax_id"][:2] == profile["region"]  # the ИНН starts with the region
        assert check_ogrn(profile["ogrn"], tax_id=profile["tax_id"]) == profile["ogrn"]
        assert profile["ogrn"][3:5] == profile["region"]
        if len(profile["ogrn"]) == 13:
            assert ogrn.is_valid(profile["ogrn"])


@pytest.mark.sqlite_only
def test_demo_company_has_applications_in_several_states(runner, db):
    runner.invoke(args=["seed-demo"])
    company = db.session.scalar(
        select(Company).where(Company.tax_id == DEMO_COMPANY["company"]["tax_id"])
    )
    statuses = db.session.scalars(
        select(Registration.status).where(Registration.company_id == company.id)
    ).all()
    assert len(set(statuses)) >= 3


@pytest.mark.sqlite_only
def test_history_is_written_by_the_services(runner, db):
    runner.invoke(args=["seed-demo"])
    registrations = organizer_registrations(db)
    decider = staff(db)
    for registration in registrations:
        history = registration.history
        assert history[0].action == "submitted"
        assert history[0].actor_id == registration.created_by_id
        assert history[-1].status_to == registration.status.value
        for change in history:
            if change.action in ("approved", "rejected", "waitlisted"):
                assert change.actor_id == decider.id
            if change.action == "withdrawn":
                assert change.actor.company_id == registration.company_id
    actions = {c.action for r in registrations for c in r.history}
    assert {"submitted", "edited", "approved", "rejected", "waitlisted", "withdrawn"} <= actions
    # The catalogue's fairs are made by the organizer services too (created, programme,
    # published or cancelled), by the organizer's demo staff where the data has one; what
    # follows the publication is the demo activity, by the staff who decide.
    planned = {f["key"]: len(f["programme"]) for f in load_demo_file()["fairs"]}
    activity = []
    for fair in db.session.scalars(select(Fair)):
        log = db.session.scalars(
            select(FairChange).where(FairChange.fair_id == fair.id).order_by(FairChange.id)
        ).all()
        ours = fair.organizer_id == decider.organizer_id
        assert all(c.actor_id == (decider.id if ours else None) for c in log)
        prepared = ["created"] + ["event added"] * planned[fair.slug.rsplit("-", 1)[0]]
        assert [c.action for c in log[: len(prepared)]] == prepared
        rest = log[len(prepared) :]
        if fair.status == FairStatus.DRAFT:
            assert rest == []
        elif fair.status == FairStatus.CANCELLED:
            assert [c.action for c in rest] == ["published", "cancelled"]
        else:
            assert rest[0].action == "published"
            activity += rest[1:]
    assert {c.action for c in activity} == {"event added", "edited"}
    assert all(c.actor_id == decider.id for c in activity)
    assert any("registration_deadline" in c.changes for c in activity)


@pytest.mark.sqlite_only
def test_change_log_page_shows_the_history(runner, db, client, login_as):
    runner.invoke(args=["seed-demo"])
    login_as(staff(db))
    registration = organizer_registrations(db)[0]
    html = client.get(f"/organizer/fairs/{registration.fair.slug}/log").get_data(as_text=True)
    assert registration.company.display_name in html
    attendees = client.get(f"/organizer/fairs/{registration.fair.slug}/registrations")
    assert attendees.status_code == 200


def test_rule_broken_by_the_data_is_reported_and_nothing_is_saved(runner, db, monkeypatch):
    broken = load_activity_file()
    plan = next(iter(broken["fairs"].values()))
    for entry in plan["applications"]:
        entry.pop("reason", None)  # a rejection without a reason is refused
    for other in list(broken["fairs"])[1:]:
        broken["fairs"][other] = plan
    monkeypatch.setattr(cli, "load_activity_file", lambda: broken)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "breaks a rule" in result.output
    assert row_counts(db)["registrations"] == 0
    assert db.session.scalar(select(func.count()).select_from(Fair)) == 0


def open_planned_fairs(today: date) -> int:
    """How many editions of the planned fairs take applications on `today`."""
    fairs = {f["key"]: f for f in load_demo_file()["fairs"]}
    count = 0
    for key in ACTIVITY["fairs"]:
        f = fairs[key]
        for occurrence in range(1, f.get("occurrence", 1) + 1):
            start = edition_start(
                f["month"], f["day"], today=today, occurrence=occurrence, past=False
            )
            opens = start - timedelta(days=f["registration_opens_days_before"])
            closes = start - timedelta(days=f["registration_closes_days_before"])
            count += opens <= today <= closes
    return count


def test_two_planned_fairs_take_applications_on_every_day_of_the_year():
    first = date(2027, 1, 1)
    days = [first + timedelta(days=n) for n in range(365)]
    assert min(open_planned_fairs(day) for day in days) >= 2


@pytest.mark.parametrize("today", [date(2027, 3, 21), date(2027, 8, 30), date(2027, 12, 7)])
def test_any_day_gives_every_status(db, today):
    seed_on(today)
    registrations = organizer_registrations(db)
    assert {r.status for r in registrations} == set(RegistrationStatus)
    assert {r.company.country for r in registrations} == {Country.BELARUS, Country.RUSSIA}
    demo = [r for r in registrations if r.company.tax_id == DEMO_COMPANY["company"]["tax_id"]]
    assert len({r.status for r in demo}) >= 2


@pytest.mark.sqlite_only
def test_history_is_spread_over_the_weeks_before_the_seed(runner, db):
    runner.invoke(args=["seed-demo"])
    now = utcnow()
    spans = []
    for fair in {r.fair for r in organizer_registrations(db)}:
        fair_log = db.session.execute(
            select(FairChange.at, FairChange.action)
            .where(FairChange.fair_id == fair.id)
            .order_by(FairChange.id)
        ).all()
        # The fair was prepared (created, programme, published) before its registration opened.
        published = [action for _, action in fair_log].index("published")
        preparation = [at for at, _ in fair_log[: published + 1]]
        log = [at for at, _ in fair_log[published + 1 :]]
        log += db.session.scalars(
            select(RegistrationChange.at)
            .join(RegistrationChange.registration)
            .where(Registration.fair_id == fair.id)
            .order_by(RegistrationChange.id)
        ).all()
        assert preparation + log == sorted(preparation + log)
        assert len(set(preparation + log)) == len(preparation + log)  # no ties
        assert preparation[-1].astimezone(MINSK).date() < fair.registration_opens_on
        assert fair.registration_opens_on <= log[0].astimezone(MINSK).date()
        assert log[-1] <= now
        spans.append(log[-1] - log[0])
    assert max(spans) >= timedelta(days=2)
    for registration in organizer_registrations(db):
        assert registration.created_at == registration.history[0].at
        assert registration.updated_at == registration.history[-1].at


@pytest.mark.parametrize(
    ("count", "first_day", "last_day"),
    [
        (1, date(2026, 11, 1), date(2026, 11, 1)),
        (9, date(2026, 11, 1), date(2026, 11, 1)),
        (9, date(2026, 10, 1), date(2026, 11, 26)),
        (40, date(2026, 11, 20), date(2026, 11, 26)),
    ],
)
def test_moments_increase_in_office_hours(count, first_day, last_day):
    now = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    result = moments(count, first_day=first_day, last_day=last_day, now=now)
    assert len(result) == count
    assert result == sorted(set(result))
    local = [m.astimezone(MINSK) for m in result]
    assert first_day <= local[0].date()
    assert local[-1].date() <= last_day
    assert all(time(9) <= m.time() <= time(21) for m in local)
    assert result[-1] <= now


def test_moments_never_pass_now():
    now = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # 10:00 in Minsk
    result = moments(12, first_day=date(2026, 11, 27), last_day=date(2026, 11, 27), now=now)
    assert result == sorted(set(result))
    assert result[-1] <= now
