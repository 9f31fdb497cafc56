"""The download of a company's data: its contents, nothing secret, nothing of another company."""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest

from fairplanner.accounts.models import Role
from fairplanner.accounts.services import invite_member, request_password_reset
from fairplanner.calendars.models import CalendarToken
from fairplanner.i18n import minsk_today
from fairplanner.privacy.models import PrivacyConsent
from fairplanner.registrations.models import (
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
    StandType,
)

HOSTILE = "ООО Ромашка;=1+1;"


def unzip(response) -> tuple[dict, list[list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["applications.csv", "data.json"]
    data = json.loads(archive.read("data.json").decode("utf-8"))
    text = archive.read("applications.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    return data, rows


def apply(factories, company, user, **kw) -> Registration:
    registration = Registration(
        fair=kw.pop("fair", None) or factories.fair(),
        company=company,
        role=kw.pop("role", RegistrationRole.EXHIBITOR),
        status=kw.pop("status", RegistrationStatus.SUBMITTED),
        created_by_id=user.id,
        **kw,
    )
    registration.history.append(
        RegistrationChange(actor_id=user.id, action="submitted", status_to="submitted")
    )
    return factories._save(registration)


@pytest.fixture
def secrets_of(db):
    """Every secret that exists in the database, to be looked for in the download."""

    def collect(*users) -> list[str]:
        found = [u.password_hash for u in users]
        found += [t.token for t in db.session.scalars(db.select(CalendarToken))]
        return found

    return collect


@pytest.fixture
def exporting(app, db, factories, member):
    """The member's company with a bit of everything, and another company beside it."""
    company = member.company
    company.short_name = HOSTILE
    colleague = factories.user("colleague@example.com", company=company)
    db.session.add(PrivacyConsent(user_id=member.id, notice_version=1, lang="ru"))
    staff = factories.user("staff@belexpo.example", role=Role.STAFF, company=None)
    rejected = apply(
        factories,
        company,
        member,
        stand_type=StandType.INDOOR,
        area=Decimal("36.5"),
        products='=HYPERLINK("https://evil.example")',
        status=RegistrationStatus.REJECTED,
        reject_reason="Нет мест; извините",
    )
    rejected.history.append(
        RegistrationChange(
            actor_id=staff.id, action="rejected", status_from="submitted", status_to="rejected"
        )
    )
    apply(
        factories,
        company,
        colleague,
        role=RegistrationRole.VISITOR,
        delegates=[{"name": "Петров Пётр", "position": "директор"}],
        aims=["purchasing"],
    )
    invitation, invite_token = invite_member(company, "newbie@example.com", invited_by=member)
    db.session.add(CalendarToken(company=company, token=secrets.token_urlsafe(32)))
    request_password_reset(member.email, lang="ru")  # mail whose body holds a secret link
    factories._save(company)

    other = factories.company(legal_name="ООО «Чужая»", email="other@elsewhere.example")
    stranger = factories.user("stranger@elsewhere.example", company=other)
    apply(factories, other, stranger, note="чужая заявка")
    invite_member(other, "theirs@elsewhere.example", invited_by=stranger)
    db.session.add(CalendarToken(company=other, token=secrets.token_urlsafe(32)))
    db.session.commit()
    return {
        "users": [member, colleague, stranger, staff],
        "member": member,
        "stranger": stranger,
        "secrets": [invite_token, invitation.token_hash],
    }


def test_export_holds_the_company_and_the_member(client, db, exporting, secrets_of):
    response = client.get("/company/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "private, no-store"
    today = minsk_today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="fairplanner-data-{today}.zip"'
    )
    data, rows = unzip(response)
    member = exporting["member"]

    assert data["company"]["short_name"] == HOSTILE
    assert data["company"]["country"] == "Россия"
    assert data["company"]["region"] == "Кировская область"
    assert data["company"]["email"] == member.company.email
    assert sorted(m["email"] for m in data["members"]) == sorted(
        [member.email, "colleague@example.com"]
    )
    assert data["you"]["email"] == member.email
    (consent,) = data["you"]["consents"]
    assert consent["notice_version"] == 1
    assert consent["language"] == "ru"
    datetime.fromisoformat(consent["given_at"])

    rejected, visit = data["applications"]
    assert rejected["status"] == "Отклонена"
    assert rejected["reject_reason"] == "Нет мест; извините"
    assert rejected["area_sqm"] == "36.5"
    assert [h["by"] for h in rejected["history"]] == [member.email, "организатор"]
    assert visit["role"] == "Посетитель / делегация"
    assert visit["delegates"] == [{"name": "Петров Пётр", "position": "директор"}]
    assert visit["submitted_by"] == "colleague@example.com"
    (invitation,) = data["invitations"]
    assert invitation["email"] == "newbie@example.com"
    assert invitation["invited_by"] == member.email
    (feed,) = data["calendar_feeds"]
    assert feed["live"] is True
    (mail,) = [m for m in data["mail"] if m["to"] == member.email]
    assert "парол" in mail["subject"]

    header, *body = rows
    assert header[:5] == ["Ярмарка", "Начало", "Окончание", "Роль", "Статус"]
    assert len(body) == 2
    assert body[0][4] == "Отклонена"
    assert body[0][6] == "36,5"
    assert body[0][7] == '\t=HYPERLINK("https://evil.example")'  # never a formula
    assert body[1][8] == "Петров Пётр, директор"


def test_export_holds_no_secret(client, db, exporting, secrets_of):
    raw = client.get("/company/export").data
    archive = zipfile.ZipFile(io.BytesIO(raw))
    text = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    for secret in secrets_of(*exporting["users"]) + exporting["secrets"]:
        assert secret not in text
    for word in ("password_hash", "token", "/password/reset/", "/invite/", "body_html"):
        assert word not in text


def test_export_holds_nothing_of_another_company(client, db, exporting):
    data, rows = unzip(client.get("/company/export"))
    text = json.dumps(data, ensure_ascii=False) + repr(rows)
    for foreign in ("Чужая", "stranger@", "theirs@", "other@elsewhere", "чужая заявка"):
        assert foreign not in text
    assert len(data["applications"]) == 2
    assert len(data["invitations"]) == 1
    assert len(data["calendar_feeds"]) == 1


def test_the_other_company_gets_only_its_own(app, db, exporting, login_as, client):
    login_as(exporting["stranger"])
    data, _rows = unzip(client.get("/company/export"))
    assert data["company"]["legal_name"] == "ООО «Чужая»"
    assert [m["email"] for m in data["members"]] == ["stranger@elsewhere.example"]
    assert [a["note"] for a in data["applications"]] == ["чужая заявка"]
    assert HOSTILE not in json.dumps(data, ensure_ascii=False)


def test_export_in_english(client, db, exporting):
    client.set_cookie("lang", "en")
    data, rows = unzip(client.get("/company/export"))
    assert data["applications"][0]["status"] == "Rejected"
    assert rows[0][:2] == ["Fair", "Starts"]


def test_export_needs_a_company_member(app, db, make_user, login_as, client):
    assert client.get("/company/export").status_code == 302  # to the login page
    login_as(make_user("staff@example.com", role=Role.STAFF, company=None))
    assert client.get("/company/export").status_code == 403


def test_profile_offers_the_download(client, db, member):
    page = client.get("/company").get_data(as_text=True)
    assert 'id="your-data"' in page
    assert 'href="/company/export"' in page


def test_export_statements_do_not_grow_with_applications(
    client, db, factories, member, count_queries
):
    def statements() -> int:
        with count_queries() as counter:
            assert client.get("/company/export").status_code == 200
        return counter.count

    apply(factories, member.company, member)
    one = statements()
    for _ in range(3):
        apply(factories, member.company, member, fair=factories.fair(programme=2))
    assert statements() == one


def test_a_typed_contact_address_does_not_reveal_its_mail(client, db, exporting, member):
    """The contact address is typed in the profile and proves nothing: naming a competitor's
    address there must not put the competitor's mail log into the export."""
    from fairplanner.notifications.services import enqueue

    with client.application.test_request_context():
        enqueue(
            "account_exists",
            to="stranger@elsewhere.example",
            lang="ru",
            login="https://x/login",
            reset="https://x/reset",
            company=None,
            inviter=None,
        )
    member.company.email = "stranger@elsewhere.example"
    db.session.commit()
    data, _rows = unzip(client.get("/company/export"))
    assert all(m["to"] != "stranger@elsewhere.example" for m in data["mail"])


def test_export_holds_the_people_named_for_badges_without_their_codes(
    client, db, factories, member
):
    from fairplanner.tickets import services as tickets

    stand = factories.registration(factories.fair(), member.company)
    olga = tickets.add_person(stand, name="Ольга Кирова", email="olga@example.com", actor=member)
    gone = tickets.add_person(stand, name="Иван Орлов", actor=member)
    tickets.remove_person(gone, actor=member)
    db.session.commit()
    response = client.get("/company/export")
    data, rows = unzip(response)
    (application,) = data["applications"]
    assert [(p["name"], p["email"], p["revoked"]) for p in application["people"]] == [
        ("Ольга Кирова", "olga@example.com", False),
        ("Иван Орлов", None, True),
    ]
    assert application["people"][0]["role"] == "Экспонент"
    assert olga.code not in json.dumps(data) + repr(rows)
