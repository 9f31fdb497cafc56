"""Registering to exhibit or visit, editing, withdrawing, and the waiting list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fairplanner.accounts.models import Company
from fairplanner.catalogue.models import CapacityUnit, FairStatus
from fairplanner.i18n import minsk_today
from fairplanner.registrations.models import Registration, RegistrationChange, RegistrationStatus

EXHIBIT = {
    "stand_type": "indoor",
    "area": "12,5",
    "needs_power": "y",
    "products": "Фанера, пиломатериалы",
    "note": "Нужен угловой стенд",
}
CONFIRMED = {"confirmed": "1"}  # as posted from the confirmation page
VISIT = {
    "delegates-0-name": "Иванов Иван",
    "delegates-0-position": "Директор",
    "delegates-1-name": "Петрова Анна",
    "aims": ["purchasing", "partners"],
}


def registrations(db) -> list[Registration]:
    return db.session.scalars(select(Registration).order_by(Registration.id)).all()


def count(db) -> int:
    return db.session.scalar(select(func.count(Registration.id)))


@pytest.fixture
def fair(make_fair):
    return make_fair(slug="belagro", capacity=3, stand_area_min=4, stand_area_max=100)


def test_exhibitor_registration(client, db, member, fair):
    page = client.get("/fairs/belagro", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/fairs/belagro/register/exhibitor"' in page
    assert "Free: 3 of 3 stands" in page
    response = client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    assert response.status_code == 302
    (registration,) = registrations(db)
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.company_id == member.company_id
    assert str(registration.area) == "12.5"
    assert registration.needs_power
    assert not registration.needs_water
    assert [c.action for c in registration.history] == ["submitted"]
    assert registration.history[0].actor_id == member.id
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Подана" in html
    assert "Фанера, пиломатериалы" in html


def test_visitor_registration(client, db, member, fair):
    response = client.post("/fairs/belagro/register/visitor", data=VISIT)
    assert response.status_code == 302
    (registration,) = registrations(db)
    assert registration.delegates == [
        {"name": "Иванов Иван", "position": "Директор"},
        {"name": "Петрова Анна", "position": ""},
    ]
    assert registration.aims == ["purchasing", "partners"]


def test_both_roles_at_once_but_not_the_same_role_twice(client, db, member, fair):
    assert client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT).status_code == 302
    assert client.post("/fairs/belagro/register/visitor", data=VISIT).status_code == 302
    response = client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    assert response.status_code == 409
    assert "уже есть заявка" in response.get_data(as_text=True)
    assert count(db) == 2


def test_database_enforces_one_active_registration(db, member, fair):
    from sqlalchemy.exc import IntegrityError

    for _ in range(2):
        db.session.add(
            Registration(
                fair_id=fair.id,
                company_id=member.company_id,
                role="visitor",
                status=RegistrationStatus.SUBMITTED,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_withdrawn_registration_can_be_made_again(client, db, member, fair):
    client.post("/fairs/belagro/register/visitor", data=VISIT)
    first = registrations(db)[0]
    client.post(f"/my/registrations/{first.id}/withdraw", data=CONFIRMED)
    assert client.post("/fairs/belagro/register/visitor", data=VISIT).status_code == 302
    assert [r.status for r in registrations(db)] == [
        RegistrationStatus.WITHDRAWN,
        RegistrationStatus.SUBMITTED,
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"area": "0"}, "The stand area at this fair is 4 to 100 m²."),
        ({"area": "-5"}, "The stand area at this fair is 4 to 100 m²."),
        ({"area": "1e9"}, "The stand area at this fair is 4 to 100 m²."),
        ({"area": "NaN"}, "4 to 100"),
        ({"area": "Infinity"}, "4 to 100"),
        ({"area": "двенадцать"}, "Not a valid decimal value."),
        ({"area": ""}, "Enter the area in m²"),
        ({"stand_type": "penthouse"}, "Not a valid choice"),
        ({"stand_type": ""}, "Choose the kind of stand."),
        ({"products": "я" * 2001}, "longer than 2000"),
        ({"note": "я" * 2001}, "longer than 2000"),
    ],
)
def test_bad_exhibitor_input(client, db, member, fair, change, message):
    response = client.post(
        "/fairs/belagro/register/exhibitor",
        data={**EXHIBIT, **change},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"aims": []}, "Choose at least one aim."),
        ({"aims": ["bribery"]}, "is not a valid choice"),
        ({"delegates-0-name": "", "delegates-1-name": ""}, "Name at least one delegate."),
        ({"delegates-2-position": "Инженер"}, "Add the name for this position."),
        ({"delegates-0-name": "Я" * 201}, "longer than 200"),
    ],
)
def test_bad_visitor_input(client, db, member, fair, change, message):
    response = client.post(
        "/fairs/belagro/register/visitor",
        data={**VISIT, **change},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db) == 0


@pytest.mark.parametrize(
    ("fair_kwargs", "status", "message"),
    [
        ({"registration_opens_on": 5}, 409, "has not opened yet"),
        ({"registration_deadline": -1, "registration_opens_on": -30}, 409, "deadline"),
        ({"status": FairStatus.CANCELLED}, 409, "cancelled"),
        ({"status": FairStatus.DRAFT}, 404, "Page not found"),
    ],
)
def test_registration_outside_the_window(
    client, db, member, make_fair, fair_kwargs, status, message
):
    today = minsk_today()
    kwargs = {
        k: today + timedelta(days=v) if isinstance(v, int) else v for k, v in fair_kwargs.items()
    }
    make_fair(slug="closed", starts_on=today + timedelta(days=30), **kwargs)
    response = client.post(
        "/fairs/closed/register/exhibitor", data=EXHIBIT, headers={"Accept-Language": "en"}
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert count(db) == 0


def test_an_incomplete_profile_is_sent_to_the_profile_first(
    client, db, make_user, login_as, factories, fair
):
    login_as(make_user(company=factories._save(Company(legal_name="Без реквизитов"))))
    response = client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/company")
    assert count(db) == 0


def test_unknown_role_is_404(client, member, fair):
    assert client.get("/fairs/belagro/register/organizer").status_code == 404
    assert client.post("/fairs/belagro/register/admin", data=EXHIBIT).status_code == 404


def test_tampered_role_and_status_fields_are_ignored(client, db, member, fair):
    data = {
        **EXHIBIT,
        "role": "visitor",
        "status": "approved",
        "company_id": "999",
        "waitlist_number": "1",
    }
    assert client.post("/fairs/belagro/register/exhibitor", data=data).status_code == 302
    (registration,) = registrations(db)
    assert registration.role.value == "exhibitor"
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.company_id == member.company_id
    edit = {**EXHIBIT, "status": "approved", "role": "visitor"}
    client.post(f"/my/registrations/{registration.id}/edit", data=edit)
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.role.value == "exhibitor"


def test_anonymous_visitors_are_sent_to_login(client, fair):
    response = client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    page = client.get("/fairs/belagro", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Log in to register" in page


@pytest.fixture
def others_registration(db, factories, fair):
    other = factories.company()
    registration = Registration(
        fair_id=fair.id,
        company_id=other.id,
        role="visitor",
        status=RegistrationStatus.SUBMITTED,
        delegates=[{"name": "Чужой", "position": ""}],
        aims=["sales"],
    )
    return factories._save(registration)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/my/registrations/{id}"),
        ("get", "/my/registrations/{id}/edit"),
        ("post", "/my/registrations/{id}/edit"),
        ("post", "/my/registrations/{id}/withdraw"),
    ],
)
def test_another_companys_registration_is_404(
    client, db, member, others_registration, method, path
):
    url = path.format(id=others_registration.id)
    response = getattr(client, method)(url, data=VISIT)
    assert response.status_code == 404
    db.session.refresh(others_registration)
    assert others_registration.status == RegistrationStatus.SUBMITTED
    assert others_registration.delegates == [{"name": "Чужой", "position": ""}]
    assert "Чужой" not in client.get("/my/fairs").get_data(as_text=True)


def test_edit_keeps_a_history_of_changes(client, db, member, fair):
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    (registration,) = registrations(db)
    form = client.get(f"/my/registrations/{registration.id}/edit").get_data(as_text=True)
    assert 'value="12.5"' in form  # the form comes filled in
    response = client.post(
        f"/my/registrations/{registration.id}/edit",
        data={**EXHIBIT, "area": "20", "needs_water": "y"},
    )
    assert response.status_code == 302
    db.session.refresh(registration)
    assert str(registration.area) == "20.0"
    last = registration.history[-1]
    assert last.action == "edited"
    assert last.changes == {"area": ["12.5", "20"], "needs_water": [False, True]}
    page = client.get(
        f"/my/registrations/{registration.id}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Application changed" in page
    assert member.email in page
    assert re.search(r"<del>12\.5</del> → <ins>20</ins>", page)


def test_unchanged_edit_adds_no_history(client, db, member, fair):
    client.post("/fairs/belagro/register/visitor", data=VISIT)
    (registration,) = registrations(db)
    client.post(f"/my/registrations/{registration.id}/edit", data=VISIT)
    assert [c.action for c in registration.history] == ["submitted"]


def test_withdraw_at_any_time_but_only_once(client, db, member, fair):
    client.post("/fairs/belagro/register/visitor", data=VISIT)
    (registration,) = registrations(db)
    registration.status = RegistrationStatus.APPROVED
    db.session.commit()
    assert (
        client.post(f"/my/registrations/{registration.id}/withdraw", data=CONFIRMED).status_code
        == 302
    )
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.WITHDRAWN
    # A withdrawn application cannot be changed or withdrawn again.
    again = client.post(
        f"/my/registrations/{registration.id}/withdraw",
        data=CONFIRMED,
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert "can no longer be withdrawn" in again.get_data(as_text=True)
    edit = client.post(
        f"/my/registrations/{registration.id}/edit",
        data=VISIT,
        follow_redirects=True,
        headers={"Accept-Language": "en"},
    )
    assert "can no longer be changed" in edit.get_data(as_text=True)
    assert [c.action for c in registration.history] == ["submitted", "withdrawn"]


def test_approved_application_cannot_be_edited(client, db, member, fair):
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    (registration,) = registrations(db)
    registration.status = RegistrationStatus.APPROVED
    db.session.commit()
    client.post(f"/my/registrations/{registration.id}/edit", data={**EXHIBIT, "area": "50"})
    db.session.refresh(registration)
    assert str(registration.area) == "12.5"


def register_companies(client, factories, login_as, make_user, n, data=EXHIBIT, slug="belagro"):
    statuses = []
    for _ in range(n):
        login_as(make_user())
        response = client.post(f"/fairs/{slug}/register/exhibitor", data=data)
        statuses.append(response.status_code)
    return statuses


def test_capacity_overflow_goes_to_the_waiting_list(
    client, db, factories, login_as, make_user, fair
):
    assert register_companies(client, factories, login_as, make_user, 5) == [302] * 5
    statuses = [r.status for r in registrations(db)]
    assert statuses == [RegistrationStatus.SUBMITTED] * 3 + [RegistrationStatus.WAITLISTED] * 2
    fifth = registrations(db)[4]
    page = client.get(f"/my/registrations/{fifth.id}", headers={"Accept-Language": "en"})
    assert "You are number 2 on the waiting list." in page.get_data(as_text=True)
    mine = client.get("/my/fairs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Place 2 in the queue" in mine
    fair_page = client.get("/fairs/belagro", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "All exhibitor places are taken" in fair_page


def test_freed_space_moves_the_waiting_list_up(client, db, factories, login_as, make_user, fair):
    register_companies(client, factories, login_as, make_user, 5)
    first = registrations(db)[0]
    login_as(db.session.get(Company, first.company_id).members[0])
    client.post(f"/my/registrations/{first.id}/withdraw", data=CONFIRMED)
    statuses = [r.status for r in registrations(db)]
    assert statuses == [
        RegistrationStatus.WITHDRAWN,
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.APPROVED,  # the head of the waiting list
        RegistrationStatus.WAITLISTED,
    ]
    promoted = registrations(db)[3]
    assert promoted.history[-1].action == "promoted"
    assert promoted.history[-1].actor_id is None


def test_area_capacity_counts_square_metres(client, db, factories, login_as, make_user, make_fair):
    make_fair(
        slug="sqm",
        capacity=30,
        capacity_unit=CapacityUnit.SQM,
        stand_area_min=4,
        stand_area_max=100,
    )
    statuses = []
    for area in ("12", "12", "10", "6"):
        login_as(make_user())
        client.post("/fairs/sqm/register/exhibitor", data={**EXHIBIT, "area": area})
        statuses.append(registrations(db)[-1].status)
    # 12 + 12 = 24 of 30; 10 does not fit (waiting list); 6 would fit, but nobody overtakes
    # the waiting list.
    assert statuses == [
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.WAITLISTED,
    ]


def test_a_smaller_stand_frees_room_for_the_next_in_line(
    client, db, factories, login_as, make_user, make_fair
):
    make_fair(slug="sqm", capacity=20, capacity_unit=CapacityUnit.SQM, stand_area_min=4)
    first = login_as(make_user())
    client.post("/fairs/sqm/register/exhibitor", data={**EXHIBIT, "area": "15"})
    login_as(make_user())
    client.post("/fairs/sqm/register/exhibitor", data={**EXHIBIT, "area": "10"})
    assert [r.status for r in registrations(db)] == [
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.WAITLISTED,
    ]
    login_as(first)
    own = registrations(db)[0]
    client.post(f"/my/registrations/{own.id}/edit", data={**EXHIBIT, "area": "8"})
    assert [r.status for r in registrations(db)] == [
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.APPROVED,
    ]


def test_area_fair_is_full_when_less_than_the_smallest_stand_is_left(
    client, member, make_fair, factories
):
    fair = make_fair(slug="sqm", capacity=20, capacity_unit=CapacityUnit.SQM, stand_area_min=4)
    factories._save(
        Registration(
            fair_id=fair.id,
            company_id=factories.company().id,
            role="exhibitor",
            status=RegistrationStatus.APPROVED,
            stand_type="indoor",
            area=17,
        )
    )
    page = client.get("/fairs/sqm", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "All exhibitor places are taken" in page
    assert "Join the exhibitor waiting list" in page


def test_a_concurrent_change_is_noticed_not_overwritten(app, client, db, member, fair):
    """Another request withdrew the application while this one was on its way."""
    client.post("/fairs/belagro/register/visitor", data=VISIT)
    (registration,) = registrations(db)
    db.session.execute(
        Registration.__table__.update()
        .where(Registration.id == registration.id)
        .values(status="withdrawn", version=Registration.version + 1)
    )
    db.session.commit()
    response = client.post(
        f"/my/registrations/{registration.id}/withdraw",
        data=CONFIRMED,
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "can no longer be withdrawn" in response.get_data(as_text=True)
    assert [c.action for c in registration.history] == ["submitted"]


def test_growing_an_area_beyond_the_capacity_is_refused(client, db, member, make_fair):
    make_fair(slug="sqm", capacity=30, capacity_unit=CapacityUnit.SQM)
    client.post("/fairs/sqm/register/exhibitor", data={**EXHIBIT, "area": "20"})
    (registration,) = registrations(db)
    response = client.post(
        f"/my/registrations/{registration.id}/edit",
        data={**EXHIBIT, "area": "40"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert "not enough free space" in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert str(registration.area) == "20.0"


def test_visitors_do_not_use_exhibitor_capacity(
    client, db, factories, login_as, make_user, make_fair
):
    make_fair(slug="tiny", capacity=1)
    for _ in range(3):
        login_as(make_user())
        client.post("/fairs/tiny/register/visitor", data=VISIT)
    assert {r.status for r in registrations(db)} == {RegistrationStatus.SUBMITTED}


def test_my_fairs_lists_every_registration_with_deadline(client, db, member, make_fair):
    make_fair(slug="a", name_ru="Белагро")
    make_fair(slug="b", name_ru="Продэкспо")
    client.post("/fairs/a/register/visitor", data=VISIT)
    client.post("/fairs/b/register/exhibitor", data=EXHIBIT)
    html = client.get("/my/fairs").get_data(as_text=True)
    assert "Белагро" in html
    assert "Продэкспо" in html
    assert html.count('class="status status-submitted"') == 2
    assert "Срок регистрации" in html


def test_my_fairs_statement_count_does_not_grow(client, db, member, make_fair, count_queries):
    make_fair(slug="first")
    client.post("/fairs/first/register/visitor", data=VISIT)
    client.get("/my/fairs")  # the first visit also makes the calendar feed address
    db.session.expire_all()
    with count_queries() as one:
        client.get("/my/fairs")
    for i in range(8):
        make_fair(slug=f"more-{i}", city=f"city{i}")
        client.post(f"/fairs/more-{i}/register/exhibitor", data=EXHIBIT)
    db.session.expire_all()  # nothing cached from earlier requests hides a lazy load
    with count_queries() as many:
        client.get("/my/fairs")
    assert many.count == one.count


@pytest.mark.parametrize(
    ("role", "lang", "texts"),
    [
        (
            "exhibitor",
            "ru",
            [
                "Отозвать заявку?",
                "Организатор сразу увидит",
                "достанется первой в листе ожидания",
            ],
        ),
        ("exhibitor", "en", ["Withdraw your application?", "The organizer sees at once"]),
        ("visitor", "en", ["Withdraw your application?", "A confirmation goes to"]),
    ],
)
def test_withdrawing_asks_first_and_says_who_is_told(client, db, member, fair, role, lang, texts):
    client.post(f"/fairs/belagro/register/{role}", data=EXHIBIT if role == "exhibitor" else VISIT)
    (registration,) = registrations(db)
    url = f"/my/registrations/{registration.id}/withdraw"
    page = client.post(url, headers={"Accept-Language": lang})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in texts:
        assert text in html
    assert fair.name_ru in html or fair.name_en in html
    assert 'name="confirmed" value="1"' in html
    assert f'action="{url}"' in html
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.SUBMITTED  # nothing happened yet
    assert [c.action for c in registration.history] == ["submitted"]
    # The page's own button posts again, confirmed: now it is withdrawn.
    assert client.post(url, data=CONFIRMED).status_code == 302
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.WITHDRAWN


def test_history_rows_record_status_moves(db, client, member, fair):
    client.post("/fairs/belagro/register/visitor", data=VISIT)
    (registration,) = registrations(db)
    client.post(f"/my/registrations/{registration.id}/withdraw", data=CONFIRMED)
    rows = db.session.scalars(select(RegistrationChange).order_by(RegistrationChange.id)).all()
    assert [(r.status_from, r.status_to) for r in rows] == [
        (None, "submitted"),
        ("submitted", "withdrawn"),
    ]


@pytest.mark.parametrize("action", ["register", "edit", "withdraw"])
def test_forged_posts_without_a_csrf_token_are_refused(
    app, client, db, member, fair, monkeypatch, action
):
    client.post("/fairs/belagro/register/visitor", data=VISIT)
    (registration,) = registrations(db)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = {
        "register": "/fairs/belagro/register/exhibitor",
        "edit": f"/my/registrations/{registration.id}/edit",
        "withdraw": f"/my/registrations/{registration.id}/withdraw",
    }[action]
    response = client.post(
        url, data={**EXHIBIT, **VISIT, "aims": ["sales"]}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert count(db) == 1
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.aims == ["purchasing", "partners"]
