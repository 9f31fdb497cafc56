"""The company's people pages, its badges PDFs and the public e-ticket page.

The rules themselves (quota, revocation, the door) are tested with the services on both
databases (test_services.py); these pages only call them, so they run on SQLite alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pypdfium2
import pytest
from sqlalchemy import func, select

import config
from fairplanner import create_app
from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import FairStatus
from fairplanner.i18n import minsk_today
from fairplanner.notifications.models import OutboxMessage
from fairplanner.registrations import services as registrations
from fairplanner.registrations.models import (
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)
from fairplanner.tickets import services
from fairplanner.tickets.models import RevokeReason, Ticket, TicketRole
from tests.accounts.apps import limited_app

pytestmark = pytest.mark.sqlite_only

EN = {"Accept-Language": "en"}


@pytest.fixture
def stand(factories, login_as):
    """An approved exhibitor (quota: the default 4 badges) whose member is signed in."""
    fair = factories.fair(name_en="Woodworking 2027", slug="wood-2027")
    company = factories.company(legal_name="ООО «Вятка-Лес»")
    member = login_as(factories.user(company=company))
    registration = factories.registration(fair, company, hall="Павильон 1", stand="А-12")
    return SimpleNamespace(
        fair=fair,
        company=company,
        member=member,
        registration=registration,
        people=f"/my/registrations/{registration.id}/people",
    )


def add(stand, name: str, **kw) -> Ticket:
    return services.add_person(stand.registration, name=name, actor=stand.member, **kw)


def active(registration_id: int) -> list[str]:
    return [t.name for t in services.active_people(registration_id)]


# --- people --------------------------------------------------------------------------------------


def test_the_company_names_changes_and_removes_its_people(client, db, stand):
    page = client.get(stand.people, headers=EN)
    assert page.status_code == 200
    assert "0 of 4 badges named" in page.text

    added = client.post(
        stand.people,
        data={"name": " Ольга Кирова ", "position": "Менеджер", "email": "olga@vyatka.example"},
    )
    assert added.status_code == 302
    (olga,) = db.session.scalars(
        select(Ticket).where(Ticket.registration_id == stand.registration.id)
    )
    assert (olga.name, olga.position, olga.email, olga.role) == (
        "Ольга Кирова",
        "Менеджер",
        "olga@vyatka.example",
        TicketRole.EXHIBITOR,
    )
    page = client.get(stand.people, headers=EN)
    assert "1 of 4 badges named" in page.text
    assert "Ольга Кирова" in page.text
    assert "E-ticket not sent yet" in page.text

    edit = f"{stand.people}/{olga.id}/edit"
    assert client.get(edit).status_code == 200
    code = olga.code
    changed = client.post(edit, data={"name": "Ольга Кирова", "position": "", "email": ""})
    assert changed.status_code == 302
    db.session.refresh(olga)
    assert (olga.position, olga.email, olga.code) == (None, None, code)

    # Removal asks first; nothing changes until confirmed.
    remove = f"{stand.people}/{olga.id}/remove"
    asked = client.post(remove, headers=EN)
    assert asked.status_code == 200
    assert "Take Ольга Кирова off the list?" in asked.text
    assert 'name="confirmed" value="1"' in asked.text
    db.session.refresh(olga)
    assert olga.active
    assert client.post(remove, data={"confirmed": "1"}).status_code == 302
    db.session.refresh(olga)
    assert olga.revoke_reason == RevokeReason.REMOVED
    page = client.get(stand.people, headers=EN)
    assert "1 person taken off the list" in page.text
    actions = db.session.scalars(
        select(RegistrationChange.action).where(
            RegistrationChange.registration_id == stand.registration.id
        )
    ).all()
    assert actions == ["person added", "person changed", "person removed"]
    # The application's history says it in words.
    history = client.get(f"/my/registrations/{stand.registration.id}", headers=EN).text
    assert "Person taken off the list" in history
    assert "person removed" not in history


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "  "}, "Enter the person's name as the badge should print it."),
        ({"name": "Иван", "email": "not-an-address"}, "Enter a valid email address."),
        ({"name": "И" * 121}, "At most 120 characters."),
    ],
)
def test_bad_input_is_refused_in_words(client, db, stand, data, message):
    page = client.post(stand.people, data=data, headers=EN)
    assert page.status_code == 422
    assert message in page.text
    assert active(stand.registration.id) == []


def test_the_quota_refuses_one_more(client, db, stand):
    for n in range(4):
        add(stand, f"Сотрудник {n}")
    db.session.commit()
    page = client.get(stand.people, headers=EN)
    assert "4 of 4 badges named" in page.text
    assert "The list is full" in page.text
    assert 'name="name"' not in page.text
    refused = client.post(stand.people, data={"name": "Лишний"}, headers=EN)
    assert refused.status_code == 409
    assert "at most 4 people" in refused.text
    assert len(active(stand.registration.id)) == 4


def test_the_list_closes_after_the_fair(client, db, factories, stand):
    olga = add(stand, "Ольга")
    stand.fair.starts_on = minsk_today() - timedelta(days=5)
    stand.fair.ends_on = minsk_today() - timedelta(days=3)
    db.session.commit()
    page = client.get(stand.people, headers=EN)
    assert page.status_code == 200
    assert "The fair is over" in page.text
    assert 'name="name"' not in page.text
    assert "/remove" not in page.text
    assert client.post(stand.people, data={"name": "Поздно"}).status_code == 409
    assert (
        client.post(f"{stand.people}/{olga.id}/remove", data={"confirmed": "1"}).status_code == 409
    )
    assert client.post(f"{stand.people}/{olga.id}/edit", data={"name": "X"}).status_code == 409
    assert client.post(f"{stand.people}/send").status_code == 409
    db.session.refresh(olga)
    assert (olga.name, olga.active) == ("Ольга", True)


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (RegistrationStatus.SUBMITTED, "once the organizer approves"),
        (RegistrationStatus.WITHDRAWN, "The application was withdrawn"),
    ],
)
def test_the_page_says_why_it_is_closed(client, db, stand, status, words):
    stand.registration.status = status
    db.session.commit()
    page = client.get(stand.people, headers=EN)
    assert page.status_code == 200
    assert words in page.text
    assert client.post(stand.people, data={"name": "Кто-то"}).status_code == 409


def test_a_withdrawn_application_shows_its_people_revoked(client, db, stand):
    add(stand, "Ольга")
    registrations.withdraw_registration(stand.registration, actor=stand.member)
    db.session.commit()
    page = client.get(stand.people, headers=EN)
    assert "Ticket revoked" in page.text
    assert "The application was withdrawn" in page.text
    assert "badges.pdf" not in page.text
    assert "/tickets/" not in page.text


def test_a_delegation_approved_before_tickets_gets_them_on_first_look(client, db, factories, stand):
    visit = factories.registration(
        stand.fair,
        stand.company,
        role=RegistrationRole.VISITOR,
        stand_type=None,
        area=None,
        delegates=[{"name": "Петров Пётр", "position": "Директор"}],
    )
    url = f"/my/registrations/{visit.id}/people"
    for _ in range(2):
        page = client.get(url, headers=EN)
        assert page.status_code == 200
        assert "1 of at most 30 people named" in page.text
    assert active(visit.id) == ["Петров Пётр"]
    assert db.session.scalar(select(Ticket.role).where(Ticket.registration_id == visit.id)) == (
        TicketRole.VISITOR
    )


def test_the_application_page_links_its_people(client, db, stand):
    add(stand, "Ольга")
    db.session.commit()
    page = client.get(f"/my/registrations/{stand.registration.id}", headers=EN)
    assert "1 of 4 badges named" in page.text
    assert f'href="{stand.people}"' in page.text


def test_the_people_page_reads_the_same_for_one_person_or_many(client, db, stand, count_queries):
    def statements() -> int:
        with count_queries() as counter:
            assert client.get(stand.people).status_code == 200
        return counter.count

    add(stand, "Первый", email="first@example.com")
    db.session.commit()
    one = statements()
    for n in range(3):
        add(stand, f"Сотрудник {n}", email=f"s{n}@example.com")
    db.session.commit()
    assert statements() == one


# --- who may look --------------------------------------------------------------------------------


@pytest.fixture
def outsiders(factories, stand):
    other = factories.user()
    staff = factories.user(role=Role.STAFF, organizer_id=stand.fair.organizer_id)
    return {"another company": other, "staff": staff}


def _every_request(stand, olga):
    person = f"{stand.people}/{olga.id}"
    return [
        ("get", stand.people, {}),
        ("post", stand.people, {"name": "Чужой"}),
        ("get", f"{person}/edit", {}),
        ("post", f"{person}/edit", {"name": "Взломано"}),
        ("post", f"{person}/remove", {"confirmed": "1"}),
        ("post", f"{person}/send", {}),
        ("post", f"{stand.people}/send", {}),
        ("get", f"/my/registrations/{stand.registration.id}/badges.pdf", {}),
        ("get", f"{person}/badge.pdf", {}),
    ]


@pytest.mark.parametrize("who", ["another company", "staff", "anonymous"])
def test_only_the_companys_members_see_or_change_its_people(
    app, db, stand, outsiders, login_as, who
):
    olga = add(stand, "Ольга", email="olga@vyatka.example")
    db.session.commit()
    client = app.test_client()
    if who != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = outsiders[who].get_id()
    for method, url, data in _every_request(stand, olga):
        response = getattr(client, method)(url, data=data)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert "/login" in response.headers["Location"]
        else:
            assert response.status_code == (404 if who == "another company" else 403), url
    db.session.refresh(olga)
    assert (olga.name, olga.active, olga.emailed_at) == ("Ольга", True, None)
    assert active(stand.registration.id) == ["Ольга"]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_person_of_another_application_is_not_found(client, db, factories, stand):
    other = factories.registration(factories.fair(), stand.company)
    theirs = services.add_person(other, name="Из другой заявки", actor=stand.member)
    db.session.commit()
    for suffix in ("edit", "badge.pdf"):
        assert client.get(f"{stand.people}/{theirs.id}/{suffix}").status_code == 404
    assert (
        client.post(f"{stand.people}/{theirs.id}/remove", data={"confirmed": "1"}).status_code
        == 404
    )
    db.session.refresh(theirs)
    assert theirs.active


# --- sending -------------------------------------------------------------------------------------


def test_send_e_tickets_to_those_not_sent_then_again(client, db, stand):
    olga = add(stand, "Ольга", email="olga@vyatka.example")
    add(stand, "Без адреса")
    db.session.commit()
    sent = client.post(f"{stand.people}/send", headers=EN, follow_redirects=True)
    assert "1 e-ticket sent." in sent.text
    db.session.refresh(olga)
    assert olga.emailed_at is not None
    # Nobody left unsent: the page offers to send all again, and the bulk button sends none.
    assert "Send all e-tickets again" in sent.text
    nobody = client.post(f"{stand.people}/send", headers=EN, follow_redirects=True)
    assert "Nobody to send to" in nobody.text
    client.post(f"{stand.people}/send", data={"again": "1"})
    client.post(f"{stand.people}/{olga.id}/send")
    mails = db.session.scalars(select(OutboxMessage.to_email).where(OutboxMessage.kind == "ticket"))
    assert list(mails) == ["olga@vyatka.example"] * 3


# --- badges --------------------------------------------------------------------------------------


def test_badges_pdf_for_all_and_for_one(client, db, stand):
    olga = add(stand, "Ольга Кирова", position="Менеджер")
    add(stand, "Иван Орлов")
    db.session.commit()
    every = client.get(f"/my/registrations/{stand.registration.id}/badges.pdf")
    assert every.status_code == 200
    assert every.mimetype == "application/pdf"
    assert "wood-2027-badges-a6.pdf" in every.headers["Content-Disposition"]
    assert every.headers["Cache-Control"] == "private, no-store"
    assert len(pypdfium2.PdfDocument(every.data)) == 2
    sheet = client.get(f"/my/registrations/{stand.registration.id}/badges.pdf?layout=a4")
    assert len(pypdfium2.PdfDocument(sheet.data)) == 1
    one = client.get(f"{stand.people}/{olga.id}/badge.pdf")
    assert len(pypdfium2.PdfDocument(one.data)) == 1
    assert "wood-2027-badge-olga-kirova.pdf" in one.headers["Content-Disposition"]


def test_no_badges_without_people(client, db, stand):
    empty = client.get(f"/my/registrations/{stand.registration.id}/badges.pdf", headers=EN)
    assert empty.status_code == 302


# --- the e-ticket page ---------------------------------------------------------------------------


def test_the_e_ticket_page(app, db, stand):
    olga = add(stand, "Ольга Кирова", position="Менеджер")
    db.session.commit()
    page = app.test_client().get(f"/tickets/{olga.code}", headers=EN)
    assert page.status_code == 200
    assert page.headers["X-Robots-Tag"].startswith("noindex")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "private, no-store"
    text = page.text
    assert "<svg" in text
    assert 'aria-label="QR code of the ticket"' in text
    assert olga.grouped_code in text
    for shown in ("Ольга Кирова", "Менеджер", "Вятка-Лес", "Exhibitor", "role-exhibitor"):
        assert shown in text
    assert "Woodworking 2027" in text
    assert "Hall: Павильон 1, stand: А-12" in text
    assert "/calendar/fairs/wood-2027.ics" in text or "wood-2027.ics" in text
    # The code says nothing of the person: random, the same shape for anyone.
    assert services.well_formed(olga.code)
    for personal in ("OLGA", "KIROV", str(olga.id), str(stand.company.id)):
        assert personal not in olga.code or len(personal) < 3
    # Typed from the badge: spaces, lower case.
    typed = app.test_client().get(f"/tickets/{olga.grouped_code.lower().replace(' ', '-')}")
    assert typed.status_code == 200


def test_a_revoked_ticket_says_why_without_its_qr_code(app, db, stand):
    olga = add(stand, "Ольга Кирова")
    services.remove_person(olga, actor=stand.member)
    db.session.commit()
    page = app.test_client().get(f"/tickets/{olga.code}", headers=EN)
    assert page.status_code == 200
    assert "This ticket is no longer valid" in page.text
    assert "The person was taken off the list" in page.text
    assert "<svg" not in page.text
    assert olga.grouped_code not in page.text
    assert page.headers["Cache-Control"] == "private, no-store"


def test_a_cancelled_fair_revokes_the_e_ticket(app, db, stand):
    olga = add(stand, "Ольга")
    stand.fair.status = FairStatus.CANCELLED
    services.revoke_fair(stand.fair.id)
    db.session.commit()
    page = app.test_client().get(f"/tickets/{olga.code}", headers=EN)
    assert "The fair was cancelled" in page.text
    assert "<svg" not in page.text


@pytest.mark.parametrize("code", ["nothing", "A" * 28, "<script>", "x" * 300])
def test_an_unknown_code_is_not_found(app, db, code):
    assert app.test_client().get(f"/tickets/{code}").status_code == 404


def test_a_well_formed_code_of_no_ticket_is_not_found(app, db):
    assert app.test_client().get(f"/tickets/{services.new_code()}").status_code == 404


@pytest.fixture
def _limits_back() -> Iterator[None]:
    yield
    create_app(config.TestingConfig)  # one limiter serves every app: back to TestingConfig's


@pytest.mark.usefixtures("_limits_back")
def test_the_e_ticket_page_is_rate_limited():
    client = limited_app(TICKET_PAGE_RATE_LIMIT="3 per minute").test_client()
    codes = [services.new_code() for _ in range(4)]
    assert [client.get(f"/tickets/{c}").status_code for c in codes] == [404, 404, 404, 429]
