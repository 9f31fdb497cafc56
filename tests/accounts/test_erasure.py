"""Deleting an account, and the company with its last member: what goes and what organizers keep."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from fairplanner import display
from fairplanner.accounts import services as account_services
from fairplanner.accounts.models import Company, Invitation, Role, User
from fairplanner.calendars import services as calendar_services
from fairplanner.calendars.models import CalendarToken
from fairplanner.erasure import services as erasure
from fairplanner.i18n import minsk_today
from fairplanner.notifications.models import OutboxMessage, OutboxStatus
from fairplanner.registrations import services as registrations
from fairplanner.registrations.models import (
    Registration,
    RegistrationRole,
    RegistrationStatus,
    StandType,
    VisitAim,
)
from tests.factories import PASSWORD

S = RegistrationStatus
USER_EMAIL = "anna.erase@stiraemaya.example"
CONTACT_EMAIL = "office@stiraemaya.example"
LEGAL = "ООО «Стираемая Ромашка»"
SHORT = "Стираемая Ромашка"
CONTACT = "Петрова Анна Сергеевна"
PHONE = "+375291234567"
OGRN = "1194350099999"
PRODUCTS = "Сыры плавленые Ромашковые"
NOTE = "Звонить Анне после обеда"
DELEGATE = "Сидоров Пётр Ильич"
POSITION = "Главный закупщик сыров"
WEBSITE = "https://stiraemaya.example"


def exhibitor(**kw: Any) -> registrations.ExhibitorRequest:
    return registrations.ExhibitorRequest(stand_type=StandType.INDOOR, area=Decimal(10), **kw)


@pytest.fixture
def world(db, factories, make_user):
    """A company with a past fair (decided applications, an edit in the history), an approved
    stand at a coming fair with another company waiting behind it, an invitation, a feed, mail."""
    organizer = factories.organizer("belexpo")
    staff = make_user("staff@belexpo.example", role=Role.STAFF, organizer_id=organizer.id)
    company = factories.company(
        legal_name=LEGAL,
        short_name=SHORT,
        ogrn=OGRN,
        contact_person=CONTACT,
        phone=PHONE,
        email=CONTACT_EMAIL,
        products=PRODUCTS,
        website=WEBSITE,
    )
    user = make_user(USER_EMAIL, company=company)
    today = minsk_today()
    coming = factories.fair(organizer=organizer, capacity=1)
    past = factories.fair(organizer=organizer)
    mine = registrations.submit_registration(
        company,
        coming,
        role=RegistrationRole.EXHIBITOR,
        request=exhibitor(),
        actor=user,
        today=today,
    )
    registrations.decide_registration(mine, status=S.APPROVED, actor=staff)
    other = make_user()
    waiting = registrations.submit_registration(
        other.company,
        coming,
        role=RegistrationRole.EXHIBITOR,
        request=exhibitor(),
        actor=other,
        today=today,
    )
    stand = registrations.submit_registration(
        company, past, role=RegistrationRole.EXHIBITOR, request=exhibitor(), actor=user, today=today
    )
    registrations.update_registration(
        stand, request=exhibitor(products=PRODUCTS, note=NOTE), actor=user, today=today
    )
    registrations.decide_registration(stand, status=S.APPROVED, actor=staff)
    visit = registrations.submit_registration(
        company,
        past,
        role=RegistrationRole.VISITOR,
        request=registrations.VisitRequest(
            delegates=[{"name": DELEGATE, "position": POSITION}],
            aims=[VisitAim.PURCHASING.value],
            note=NOTE,
        ),
        actor=user,
        today=today,
    )
    registrations.decide_registration(visit, status=S.APPROVED, actor=staff)
    account_services.invite_member(company, "newbie@stiraemaya.example", invited_by=user)
    calendar_services.feed_token(company)
    account_services.send_verification(user, lang="ru")
    db.session.flush()
    # Half the mail has gone out already.
    for message in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
        if message.id % 2:
            message.status = OutboxStatus.SENT
    # The fair with the decided applications is over now.
    past.registration_opens_on = today - timedelta(days=90)
    past.registration_deadline = today - timedelta(days=40)
    past.starts_on, past.ends_on = today - timedelta(days=30), today - timedelta(days=28)
    db.session.commit()
    assert waiting.status == S.WAITLISTED
    return {
        "user": user,
        "company": company,
        "staff": staff,
        "coming": coming,
        "past": past,
        "mine": mine,
        "waiting": waiting,
        "stand": stand,
        "visit": visit,
        "other": other,
        "tax_id": company.tax_id,
    }


def personal(world: dict[str, Any]) -> list[str]:
    return [
        USER_EMAIL,
        CONTACT_EMAIL,
        LEGAL,
        SHORT,
        CONTACT,
        PHONE.lstrip("+"),
        world["tax_id"],
        OGRN,
        PRODUCTS,
        NOTE,
        DELEGATE,
        POSITION,
        WEBSITE,
    ]


def traces(db, needles: list[str]) -> list[tuple[str, str, str]]:
    """Every (table, column, needle) where a stored value contains one of the needles: every
    table and column of the database as reflected from it, whatever the models say."""
    conn = db.session.connection()
    found = []
    for name in sa.inspect(conn).get_table_names():
        table = sa.Table(name, sa.MetaData(), autoload_with=conn)
        for row in conn.execute(select(table)):
            for column, value in zip(table.columns, row, strict=True):
                text = " ".join(_texts(value)).lower()
                found += [(name, column.name, n) for n in needles if n.lower() in text]
    return found


def _texts(value: Any) -> list[str]:
    """A stored value as text; JSON kept as text (\\u escapes and all) is read as well."""
    if value is None:
        return []
    if not isinstance(value, str):
        return [json.dumps(value, default=str, ensure_ascii=False)]
    try:
        decoded = json.loads(value)
    except ValueError:
        return [value]
    return [value, json.dumps(decoded, default=str, ensure_ascii=False)]


def proof_from(html: str) -> str:
    match = re.search(r'name="proof" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def delete_account(client) -> Any:
    """Both steps, as the browser does them."""
    first = client.post("/account/delete", data={"password": PASSWORD})
    assert first.status_code == 200, first.get_data(as_text=True)
    proof = proof_from(first.get_data(as_text=True))
    return client.post("/account/delete", data={"confirmed": "1", "proof": proof})


def snapshot(db) -> dict[str, Any]:
    db.session.expire_all()
    return {
        "users": db.session.execute(select(User.id, User.email, User.password_hash)).all(),
        "companies": db.session.execute(select(Company.id, Company.legal_name)).all(),
        "registrations": db.session.execute(select(Registration.id, Registration.status)).all(),
        "outbox": db.session.scalar(select(func.count(OutboxMessage.id))),
        "invitations": db.session.scalar(select(func.count(Invitation.id))),
        "tokens": db.session.scalar(select(func.count(CalendarToken.id))),
    }


# --- the pages ------------------------------------------------------------------------------


def test_the_profile_page_leads_to_the_deletion(client, world, login_as):
    login_as(world["user"])
    html = client.get("/company").get_data(as_text=True)
    assert 'href="/account/delete"' in html
    assert "Вы последний сотрудник компании" in html


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("ru", ["Вы последний сотрудник компании", "1 заявка на ещё не закончившиеся"]),
        ("en", ["You are the last member of", "1 application to a fair that has not ended"]),
    ],
)
def test_the_page_says_what_will_happen(client, world, login_as, lang, texts):
    login_as(world["user"])
    html = client.get("/account/delete", headers={"Accept-Language": lang}).get_data(as_text=True)
    for text in texts:
        assert text in html
    assert world["coming"].name_ru in html or world["coming"].name_en in html
    assert 'autocomplete="current-password"' in html


def test_the_confirmation_step_changes_nothing(client, db, world, login_as):
    login_as(world["user"])
    before = snapshot(db)
    response = client.post("/account/delete", data={"password": PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="confirmed" value="1"' in html
    assert "Удалить компанию и вашу учётную запись?" in html
    assert PASSWORD not in html  # a signed proof travels on, not the password
    assert snapshot(db) == before
    assert client.get("/company").status_code == 200  # still signed in


@pytest.mark.parametrize(
    "data",
    [
        {"password": "wrong password!"},
        {"password": ""},
        {"confirmed": "1"},
        {"confirmed": "1", "proof": "forged.proof"},
        {"confirmed": "1", "password": PASSWORD},  # the password alone skips no step
    ],
    ids=["wrong-password", "no-password", "no-proof", "forged-proof", "password-not-proof"],
)
def test_nothing_is_deleted_without_the_password_and_the_confirmation(
    client, db, world, login_as, data
):
    login_as(world["user"])
    before = snapshot(db)
    response = client.post("/account/delete", data=data)
    assert response.status_code in (302, 422)
    assert snapshot(db) == before


def test_a_proof_made_for_another_user_deletes_nothing(client, db, world, login_as, make_user):
    someone = make_user()
    login_as(world["user"])
    with client.application.test_request_context():
        proof = erasure.make_proof(someone)
    before = snapshot(db)
    response = client.post("/account/delete", data={"confirmed": "1", "proof": proof})
    assert response.status_code == 302
    assert snapshot(db) == before


def test_staff_have_no_account_deletion_here(client, world, login_as):
    login_as(world["staff"])
    assert client.get("/account/delete").status_code == 403
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get("/account/delete")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- the last member deletes the company ----------------------------------------------------


def test_no_trace_of_the_person_or_company_remains(client, db, world, login_as):
    before = {needle for _table, _column, needle in traces(db, personal(world))}
    assert before == set(personal(world))  # the scan sees every one of them before
    login_as(world["user"])
    response = delete_account(client)
    assert response.status_code == 302
    assert traces(db, personal(world)) == []


def test_the_user_is_logged_out_and_every_session_ends(client, db, world, login_as, app):
    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = world["user"].get_id()
        session["_fresh"] = True
    login_as(world["user"])
    assert other_device.get("/company").status_code == 200
    response = delete_account(client)
    assert response.headers["Location"].endswith("/")
    for device in (client, other_device):
        page = device.get("/company")
        assert page.status_code == 302
        assert "/login" in page.headers["Location"]
    assert account_services.authenticate(USER_EMAIL, PASSWORD) is None


def test_the_company_and_user_keep_only_a_tombstone(client, db, world, login_as):
    login_as(world["user"])
    delete_account(client)
    db.session.expire_all()
    company = db.session.get(Company, world["company"].id)
    user = db.session.get(User, world["user"].id)
    assert company.erased_at is not None
    assert (company.tax_id, company.contact_person, company.phone, company.email) == (None,) * 4
    assert company.sectors == []
    assert user.erased_at is not None
    assert not user.active
    assert (user.email, user.password_hash, user.company_id) == (None, None, None)
    assert db.session.scalar(select(func.count(Invitation.id))) == 0
    assert db.session.scalar(select(func.count(CalendarToken.id))) == 0


def test_coming_applications_are_withdrawn_and_the_waiting_list_moves_up(
    client, db, world, login_as
):
    login_as(world["user"])
    delete_account(client)
    db.session.expire_all()
    assert world["mine"].status == S.WITHDRAWN
    assert world["mine"].history[-1].action == "withdrawn"
    assert world["waiting"].status == S.APPROVED
    assert world["waiting"].history[-1].action == "promoted"
    # The past fair's decided applications stay as they were, without the people.
    assert (world["stand"].status, world["visit"].status) == (S.APPROVED, S.APPROVED)
    assert world["visit"].delegates == [{"name": erasure.PLACEHOLDER, "position": ""}]
    assert world["stand"].products is None
    assert world["stand"].note is None


def test_mail_to_the_deleted_addresses_is_dropped_and_other_mail_kept(client, db, world, login_as):
    login_as(world["user"])
    delete_account(client)
    addresses = {USER_EMAIL, CONTACT_EMAIL, "newbie@stiraemaya.example"}
    left = db.session.execute(select(OutboxMessage.to_email, OutboxMessage.kind)).all()
    assert not [m for m in left if m.to_email in addresses]
    # The company that moved up from the waiting list is told.
    assert (world["other"].company.email, "registration") in left


@pytest.mark.parametrize(
    ("lang", "company", "user"),
    [
        ("ru", "Удалённая компания #", "Удалённый пользователь"),
        ("en", "Deleted company #", "Deleted user"),
    ],
)
def test_organizer_pages_still_show_the_anonymised_applications(
    client, db, world, login_as, lang, company, user
):
    login_as(world["user"])
    delete_account(client)
    login_as(world["staff"])
    name = f"{company}{world['company'].id}"
    headers = {"Accept-Language": lang}
    slug = world["past"].slug
    pages = {
        "list": f"/organizer/fairs/{slug}/registrations",
        "application": f"/organizer/registrations/{world['visit'].id}",
        "log": f"/organizer/fairs/{slug}/log",
        "coming list": f"/organizer/fairs/{world['coming'].slug}/registrations?status=withdrawn",
        "export": f"/organizer/fairs/{slug}/registrations.csv",
    }
    for page, path in pages.items():
        response = client.get(path, headers=headers)
        assert response.status_code == 200, page
        text = response.get_data(as_text=True)
        assert name in text, page
        assert not [n for n in personal(world) if n.lower() in text.lower()], page
    log = client.get(pages["log"], headers=headers).get_data(as_text=True)
    assert user in log


def test_a_company_without_applications_is_deleted_outright(client, db, make_user, login_as):
    user = login_as(make_user(USER_EMAIL))
    company_id = user.company_id
    response = delete_account(client)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Company, company_id) is None
    assert db.session.get(User, user.id) is None


# --- a member leaves, the company stays -----------------------------------------------------


@pytest.fixture
def colleagues(world, make_user):
    """A second member; the leaving one's address is the company's contact address."""
    world["company"].email = USER_EMAIL
    colleague = make_user("colleague@stiraemaya.example", company=world["company"])
    return world | {"colleague": colleague}


def test_a_member_leaves_and_the_company_stays(client, db, colleagues, login_as):
    login_as(colleagues["user"])
    html = client.get("/account/delete").get_data(as_text=True)
    assert "останется у 1 коллеги" in html
    assert "контактный адрес компании" in html
    response = delete_account(client)
    assert response.status_code == 302
    db.session.expire_all()
    company = db.session.get(Company, colleagues["company"].id)
    assert company.erased_at is None
    assert company.legal_name == LEGAL
    assert [m.email for m in company.members] == ["colleague@stiraemaya.example"]
    assert company.email is None  # it was the leaving member's own address
    assert colleagues["mine"].status == S.APPROVED  # the company's applications are untouched
    assert traces(db, [USER_EMAIL]) == []
    assert (
        db.session.scalar(
            select(func.count(Invitation.id)).where(Invitation.company_id == company.id)
        )
        == 0
    )  # the leaving member's open invitation went with the member


def test_the_colleagues_see_the_leaver_as_a_deleted_user(client, db, colleagues, login_as):
    login_as(colleagues["user"])
    delete_account(client)
    login_as(colleagues["colleague"])
    html = client.get(f"/my/registrations/{colleagues['stand'].id}").get_data(as_text=True)
    assert "Удалённый пользователь" in html
    assert USER_EMAIL not in html


# --- the services refuse what is not one's own ----------------------------------------------


def test_one_cannot_delete_another_user(db, colleagues):
    with pytest.raises(erasure.NotAllowed):
        erasure.delete_member(colleagues["colleague"], actor=colleagues["user"])


def test_the_last_member_deletes_the_company_not_just_the_account(db, world):
    with pytest.raises(erasure.NotAllowed):
        erasure.delete_member(world["user"], actor=world["user"])


@pytest.mark.parametrize("who", ["other company", "staff", "member with colleagues"])
def test_one_cannot_delete_a_company_that_is_not_only_ones_own(db, colleagues, who):
    actor = {
        "other company": colleagues["other"],
        "staff": colleagues["staff"],
        "member with colleagues": colleagues["user"],
    }[who]
    with pytest.raises(erasure.NotAllowed):
        erasure.delete_company(colleagues["company"], actor=actor, today=minsk_today())
    assert colleagues["company"].erased_at is None


def test_posted_ids_are_ignored(client, db, world, login_as):
    """The view acts on the signed-in user only, whatever the form carries."""
    login_as(world["other"])
    first = client.post(
        "/account/delete",
        data={"password": PASSWORD, "user_id": world["user"].id, "company_id": world["company"].id},
    )
    proof = proof_from(first.get_data(as_text=True))
    client.post(
        "/account/delete",
        data={"confirmed": "1", "proof": proof, "user_id": world["user"].id},
    )
    db.session.expire_all()
    assert world["user"].email == USER_EMAIL
    assert world["company"].erased_at is None
    assert world["other"].email is None or db.session.get(User, world["other"].id) is None


def test_display_names_of_erased_records(app, db, world):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert display.company_name(world["company"]) == SHORT
        assert display.company_name(world["company"], legal=True) == LEGAL
        assert display.user_name(world["user"]) == USER_EMAIL
        erasure.delete_company(world["company"], actor=world["user"], today=minsk_today())
        assert display.company_name(world["company"]) == f"Deleted company #{world['company'].id}"
        assert display.user_name(world["user"]) == "Deleted user"


@pytest.mark.parametrize("history", [False, True], ids=["no history", "tombstone"])
def test_the_consent_record_goes_with_the_user(client, db, world, make_user, login_as, history):
    """Consents exist only for their user: they neither keep the user row alive nor stay."""
    from fairplanner.privacy.models import PrivacyConsent
    from fairplanner.privacy.services import record_consent

    user = world["user"] if history else make_user("solo@consent.example")
    record_consent(user.id, lang="ru")
    db.session.flush()
    login_as(user)
    assert delete_account(client).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(PrivacyConsent.id))) == 0
    assert (db.session.get(User, user.id) is None) is not history


def test_a_typed_contact_address_does_not_sweep_other_peoples_mail(client, db, world, login_as):
    """Naming another company's address as the contact, then deleting, drops none of its mail."""
    other = world["other"].company.email
    world["company"].email = other
    db.session.flush()
    login_as(world["user"])
    delete_account(client)
    left = db.session.execute(select(OutboxMessage.to_email, OutboxMessage.kind)).all()
    assert (other, "registration") in left
