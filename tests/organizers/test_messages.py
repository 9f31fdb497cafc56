"""Organizer messages to a fair's applicants: recipients, languages, pages, attachments, limits.

Mail goes through the real outbox worker to a real SMTP server (aiosmtpd, tests/notifications).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from io import BytesIO
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from fairplanner.accounts.models import Country, Role
from fairplanner.i18n import MINSK
from fairplanner.notifications.delivery import Mailer
from fairplanner.notifications.models import OutboxMessage
from fairplanner.notifications.services import run_once
from fairplanner.organizers.messages import services
from fairplanner.organizers.messages.models import (
    MessageRecipient,
    MessageStatus,
    MessageTemplate,
    OrganizerMessage,
)
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus
from tests.notifications.conftest import Inbox, free_port

APPROVED, SUBMITTED = RegistrationStatus.APPROVED, RegistrationStatus.SUBMITTED
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def smtp():
    """A real SMTP server on a free local port (as tests/notifications has it)."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, {"MAIL_HOST": "127.0.0.1", "MAIL_PORT": port, "MAIL_SECURITY": "none"}
    controller.stop()


@pytest.fixture
def site(client, factories, make_user, login_as):
    """A fair of BelExpo with applicants in both languages, another fair, and its staff."""
    factories.sector("food", name_ru="Пищевая промышленность", name_en="Food industry")
    factories.sector("forestry", name_ru="Лесная промышленность", name_en="Forestry")
    organizer = factories.organizer("belexpo", name_ru="Белэкспо", name_en="BelExpo")
    staff = make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=organizer.id)
    fair = factories.fair(organizer=organizer, slug="belagro", name_ru="Белагро", name_en="Belagro")
    other_fair = factories.fair(organizer=organizer, slug="other-fair")

    def applicant(name, lang, status, *, fair=fair, role=RegistrationRole.EXHIBITOR, **kw):
        company = factories.company(legal_name=name, language=lang, **kw)
        registration = factories.registration(fair, company, status=status, role=role)
        return SimpleNamespace(
            company=company, registration=registration, member=make_user(company=company)
        )

    forestry = [factories.sector("forestry")]
    companies = SimpleNamespace(
        minsk=applicant(
            "ООО «Минск-Агро»", "ru", APPROVED, country=Country.BELARUS, region="minsk-city"
        ),
        kirov=applicant(
            "ООО «Вятка»", "ru", APPROVED, role=RegistrationRole.VISITOR, sectors=forestry
        ),
        berlin=applicant("Berlin Foods GmbH", "en", APPROVED, country=Country.OTHER, region=None),
        waiting=applicant("ООО «Ждущие»", "ru", SUBMITTED),
        elsewhere=applicant("ООО «Другая выставка»", "en", APPROVED, fair=other_fair),
    )
    login_as(staff)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return SimpleNamespace(
        fair=fair, other_fair=other_fair, staff=staff, organizer=organizer, c=companies
    )


def form(**changes) -> dict:
    data = {
        "statuses": ["approved"],
        "subject_ru": "Заезд экспонентов",
        "body_ru": "Заезд 3 июня с 8:00.\nПодробности: https://belexpo.by/zaezd",
        "subject_en": "Move-in of exhibitors",
        "body_en": "Move-in on 3 June from 8:00.\nDetails: https://belexpo.by/move-in",
        "attachment": "none",
        "action": "preview",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def draft(client, slug="belagro", **changes) -> int:
    response = client.post(f"/organizer/fairs/{slug}/messages/new", data=form(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/messages/(\d+)$", response.headers["Location"]).group(1))


def send(client, message_id: int, slug="belagro"):
    return client.post(
        f"/organizer/fairs/{slug}/messages/{message_id}/send", data={"confirmed": "1"}
    )


def deliver(app, config) -> None:
    run_once(Mailer({**app.config, **config}, app.instance_path), limit=100)


def by_recipient(inbox) -> dict[str, EmailMessage]:
    return {m["To"]: m for m in inbox.messages}


def text_of(mail: EmailMessage) -> str:
    return mail.get_body(("plain",)).get_content()


def html_of(mail: EmailMessage) -> str:
    return mail.get_body(("html",)).get_content()


def test_each_company_in_the_filter_gets_its_language_and_sees_it_on_its_application(
    app, db, client, site, smtp, login_as
):
    """The issue's "Done when": three companies in two languages, filtered by status."""
    inbox, config = smtp
    message_id = draft(client)
    page = client.get(f"/organizer/fairs/belagro/messages/{message_id}").get_data(as_text=True)
    assert "3 companies would get the message now" in page
    assert send(client, message_id).status_code == 302
    deliver(app, config)

    mails = by_recipient(inbox)
    c = site.c
    assert set(mails) == {c.minsk.company.email, c.kirov.company.email, c.berlin.company.email}
    for ru in (c.minsk, c.kirov):
        mail = mails[ru.company.email]
        assert mail["Subject"] == "Заезд экспонентов"
        assert mail["Content-Language"] == "ru"
        assert "Заезд 3 июня с 8:00." in text_of(mail)
        assert f"Здравствуйте, {ru.company.legal_name}!" in text_of(mail)
    mail = mails[c.berlin.company.email]
    assert mail["Subject"] == "Move-in of exhibitors"
    assert "Move-in on 3 June from 8:00." in text_of(mail)
    assert '<a href="https://belexpo.by/move-in" rel="noopener">' in html_of(mail)

    # On each recipient's application page; not on the others'.
    for who in (c.minsk, c.kirov, c.berlin):
        login_as(who.member)
        page = client.get(f"/my/registrations/{who.registration.id}").get_data(as_text=True)
        assert "Заезд экспонентов" in page or "Move-in of exhibitors" in page
    for who in (c.waiting, c.elsewhere):
        login_as(who.member)
        page = client.get(f"/my/registrations/{who.registration.id}").get_data(as_text=True)
        assert "Заезд экспонентов" not in page
        assert "Move-in of exhibitors" not in page
        assert "Messages from the organizer" not in page
        assert "Сообщения организатора" not in page


def test_the_count_shown_is_who_gets_it(app, db, client, site):
    minsk, kirov, berlin, waiting = (
        w.company.id for w in (site.c.minsk, site.c.kirov, site.c.berlin, site.c.waiting)
    )
    cases = [
        ({"statuses": ["approved"]}, {minsk, kirov, berlin}),
        ({"statuses": ["approved", "submitted"]}, {minsk, kirov, berlin, waiting}),
        ({"statuses": ["approved"], "roles": ["visitor"]}, {kirov}),
        ({"statuses": ["approved"], "countries": ["BY", "OTHER"]}, {minsk, berlin}),
        ({"statuses": ["approved"], "sectors": ["forestry"]}, {kirov}),
        ({"statuses": ["rejected"]}, set()),
    ]
    for filters, expected in cases:
        page = client.post(
            "/organizer/fairs/belagro/messages/new", data=form(action="count", **filters)
        ).get_data(as_text=True)
        assert f"{len(expected)} compan" in page, filters
        message_id = draft(client, **filters)
        assert send(client, message_id).status_code == 302
        got = set(
            db.session.scalars(
                select(MessageRecipient.company_id).where(MessageRecipient.message_id == message_id)
            )
        )
        assert got == expected, filters
        assert db.session.get(OrganizerMessage, message_id).recipient_count == len(expected)
        db.session.execute(update(OrganizerMessage).values(queued_at=None))  # the rate limit


def test_a_company_gets_the_other_language_when_its_own_is_empty(app, db, client, site, smtp):
    inbox, config = smtp
    message_id = draft(client, subject_ru="", body_ru="")
    send(client, message_id)
    deliver(app, config)
    mails = by_recipient(inbox)
    mail = mails[site.c.minsk.company.email]
    assert mail["Subject"] == "Move-in of exhibitors"
    assert mail["Content-Language"] == "en"
    recipient = db.session.scalar(
        select(MessageRecipient).where(MessageRecipient.company_id == site.c.minsk.company.id)
    )
    assert recipient.lang == "en"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        (
            {"subject_ru": "", "body_ru": "", "subject_en": "", "body_en": ""},
            "at least one language",
        ),
        ({"body_en": ""}, "Write both the subject and the text"),
        ({"statuses": None}, "Choose at least one status"),
        ({"attachment": "pdf"}, "Choose the PDF file"),
    ],
)
def test_an_incomplete_message_is_refused_and_not_saved(db, client, site, changes, error):
    response = client.post("/organizer/fairs/belagro/messages/new", data=form(**changes))
    assert response.status_code == 422
    assert error in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OrganizerMessage.id))) == 0


# --- hostile input ------------------------------------------------------------------------

HOSTILE_SUBJECT = "Hi\r\nBcc: x@evil.example <script>alert(1)</script>"
HOSTILE_BODY = (
    "<img src=x onerror=alert(1)>\n"
    '<a href="javascript:alert(2)">click</a> javascript:alert(3)\n'
    "https://belexpo.by/plan?a=1&b=2"
)


def test_a_hostile_subject_and_body_stay_text(app, db, client, site, smtp, login_as):
    inbox, config = smtp
    message_id = draft(
        client,
        statuses=["approved"],
        countries=["BY"],
        subject_ru=HOSTILE_SUBJECT,
        body_ru=HOSTILE_BODY,
        subject_en=None,
        body_en=None,
    )
    send(client, message_id)
    stored = db.session.scalar(select(OutboxMessage))
    assert "\r" not in stored.subject
    assert "\n" not in stored.subject
    assert stored.subject == "Hi Bcc: x@evil.example <script>alert(1)</script>"
    deliver(app, config)
    (mail,) = inbox.messages
    raw = inbox.raw[0]
    assert mail["Bcc"] is None
    assert b"\nBcc:" not in raw
    assert b"\r\nBcc:" not in raw
    assert mail["To"] == site.c.minsk.company.email
    assert mail["Subject"] == "Hi Bcc: x@evil.example <script>alert(1)</script>"
    html = html_of(mail)
    for forbidden in ("<img", "<script", 'href="javascript', "onerror=alert(1)>"):
        assert forbidden not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<a href="https://belexpo.by/plan?a=1&amp;b=2" rel="noopener">' in html
    assert "<img src=x onerror=alert(1)>" in text_of(mail)  # the text part shows what was typed

    console = client.get(f"/organizer/fairs/belagro/messages/{message_id}").get_data(as_text=True)
    login_as(site.c.minsk.member)
    own = client.get(f"/my/registrations/{site.c.minsk.registration.id}").get_data(as_text=True)
    for page in (console, own):
        assert "<img src=x" not in page
        assert "<script>alert" not in page
        assert 'href="javascript' not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert '<a href="https://belexpo.by/plan?a=1&amp;b=2" rel="noopener">' in page


# --- attachments ----------------------------------------------------------------------------


def _values(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def upload(client, data: bytes, name: str = "plan.pdf"):
    # Encoded here, in memory: the test client would spool a large body to a temporary file
    # that nothing closes.
    boundary, body = encode_multipart(
        MultiDict(
            [
                *((k, x) for k, v in form(attachment="pdf").items() for x in _values(v)),
                ("pdf", FileStorage(BytesIO(data), name)),
            ]
        )
    )
    return client.post(
        "/organizer/fairs/belagro/messages/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"<html><script>alert(1)</script></html>", "This is not a PDF file"),
        (b"", "The file is empty"),
        (b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF", "The file is too large"),
    ],
)
def test_only_a_real_pdf_within_the_limit_is_accepted(db, client, site, data, error):
    response = upload(client, data)
    assert response.status_code == 422
    assert error in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OrganizerMessage.id))) == 0


def test_the_pdf_goes_with_every_mail_and_downloads_only_as_pdf(app, db, client, site, smtp):
    inbox, config = smtp
    response = upload(client, PDF, name="../План заезда<script>.pdf")
    assert response.status_code == 302
    message_id = int(response.headers["Location"].rsplit("/", 1)[1])
    download = client.get(f"/organizer/fairs/belagro/messages/{message_id}/attachment.pdf")
    assert download.content_type == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "<" not in download.headers["Content-Disposition"]
    assert download.data == PDF
    send(client, message_id)
    deliver(app, config)
    assert len(inbox.messages) == 3
    for mail in inbox.messages:
        (part,) = list(mail.iter_attachments())
        assert part.get_content_type() == "application/pdf"
        assert part.get_content() == PDF
        assert part.get_filename().endswith(".pdf")
        assert "/" not in part.get_filename()


def test_the_fair_ics_is_each_companys_own_entry(app, db, client, site, smtp):
    inbox, config = smtp
    send(client, draft(client, attachment="ics"))
    deliver(app, config)
    assert len(inbox.messages) == 3
    for mail in inbox.messages:
        (part,) = list(mail.iter_attachments())
        assert part.get_content_type() == "text/calendar"
        assert "BEGIN:VEVENT" in part.get_content()


# --- scheduling -------------------------------------------------------------------------------


def test_a_scheduled_message_goes_once_when_its_time_comes(app, db, client, site, smtp):
    inbox, config = smtp
    message_id = draft(client)
    at = datetime.now(MINSK).replace(second=0, microsecond=0) + timedelta(days=1)
    response = client.post(
        f"/organizer/fairs/belagro/messages/{message_id}/schedule",
        data={"day": at.date().isoformat(), "time": at.strftime("%H:%M")},
    )
    assert response.status_code == 302
    message = db.session.get(OrganizerMessage, message_id)
    assert message.status == MessageStatus.SCHEDULED
    assert message.scheduled_at == at
    assert services.run_due(now=at - timedelta(minutes=1)) == 0
    assert services.run_due(now=at + timedelta(minutes=1)) == 1
    assert services.run_due(now=at + timedelta(minutes=2)) == 0
    deliver(app, config)
    assert len(inbox.messages) == 3
    log = client.get("/organizer/fairs/belagro/log").get_data(as_text=True)
    assert "Message “Move-in of exhibitors” sent to 3 companies" in log


def test_a_time_in_the_past_is_refused(db, client, site):
    message_id = draft(client)
    past = datetime.now(MINSK) - timedelta(hours=1)
    response = client.post(
        f"/organizer/fairs/belagro/messages/{message_id}/schedule",
        data={"day": past.date().isoformat(), "time": past.strftime("%H:%M")},
    )
    assert response.status_code == 422
    assert "Choose a moment in the future" in response.get_data(as_text=True)
    assert db.session.get(OrganizerMessage, message_id).status == MessageStatus.DRAFT


def test_a_message_is_sent_once_even_when_sent_twice(db, client, site):
    message_id = draft(client)
    assert send(client, message_id).status_code == 302
    again = send(client, message_id)
    assert again.status_code == 422
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3


# --- limits ---------------------------------------------------------------------------------


def test_the_rate_limit_per_fair_and_hour(app, db, client, site, monkeypatch):
    monkeypatch.setitem(app.config, "ORGANIZER_MESSAGES_PER_HOUR", 2)
    for _ in range(2):
        assert send(client, draft(client)).status_code == 302
    third = draft(client)
    response = send(client, third)
    assert response.status_code == 429
    assert "At most 2 messages per fair per hour" in response.get_data(as_text=True)
    assert db.session.get(OrganizerMessage, third).status == MessageStatus.DRAFT
    # Another fair of the same organizer has its own allowance.
    assert send(client, draft(client, slug="other-fair"), slug="other-fair").status_code == 302


def test_another_organizers_staff_reach_nothing(db, client, site, factories, make_user, login_as):
    message_id = draft(client)
    client.post(
        "/organizer/fairs/belagro/message-templates/new",
        data={"name": "Заезд", "subject_ru": "Заезд", "body_ru": "Текст"},
    )
    template_id = db.session.scalar(select(MessageTemplate.id))
    rival = factories.organizer("rival")
    rival_fair = factories.fair(organizer=rival, slug="rival-fair")
    login_as(make_user("staff@rival.by", role=Role.STAFF, organizer_id=rival.id))
    for path in (
        "/organizer/fairs/belagro/messages",
        "/organizer/fairs/belagro/messages/new",
        f"/organizer/fairs/belagro/messages/{message_id}",
        f"/organizer/fairs/belagro/messages/{message_id}/attachment.pdf",
        f"/organizer/fairs/rival-fair/messages/{message_id}",
        f"/organizer/fairs/rival-fair/messages/{message_id}/edit",
        f"/organizer/fairs/belagro/message-templates/{template_id}",
        f"/organizer/fairs/rival-fair/message-templates/{template_id}",
    ):
        assert client.get(path).status_code == 404, path
    assert (
        "Заезд"
        not in client.get(
            f"/organizer/fairs/rival-fair/messages/new?template={template_id}"
        ).get_data(as_text=True)
        or False
    )
    for path in (
        f"/organizer/fairs/rival-fair/messages/{message_id}/send",
        f"/organizer/fairs/belagro/messages/{message_id}/send",
        f"/organizer/fairs/rival-fair/messages/{message_id}/delete",
        f"/organizer/fairs/rival-fair/message-templates/{template_id}/delete",
    ):
        assert client.post(path, data={"confirmed": "1"}).status_code == 404, path
    assert db.session.get(OrganizerMessage, message_id).status == MessageStatus.DRAFT
    assert db.session.get(MessageTemplate, template_id) is not None
    assert rival_fair.id
    login_as(site.c.minsk.member)
    assert client.get("/organizer/fairs/belagro/messages").status_code == 403


def test_a_post_without_the_csrf_token_sends_nothing(app, db, client, site, monkeypatch):
    message_id = draft(client)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert send(client, message_id).status_code == 400
    assert db.session.get(OrganizerMessage, message_id).status == MessageStatus.DRAFT
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


# --- drafts and templates -------------------------------------------------------------------


def test_a_draft_is_deleted_only_after_confirmation(db, client, site):
    message_id = draft(client)
    url = f"/organizer/fairs/belagro/messages/{message_id}/delete"
    page = client.post(url)
    assert page.status_code == 200
    assert 'name="confirmed"' in page.get_data(as_text=True)
    assert db.session.get(OrganizerMessage, message_id) is not None
    assert client.post(url, data={"confirmed": "1"}).status_code == 302
    assert db.session.get(OrganizerMessage, message_id) is None


def test_templates_are_created_used_edited_and_deleted(db, client, site):
    base = "/organizer/fairs/belagro/message-templates"
    data = {"name": "Пропуска", "subject_ru": "Пропуска", "body_ru": "Получите пропуска."}
    assert client.post(f"{base}/new", data=data).status_code == 302
    assert client.post(f"{base}/new", data=data).status_code == 422  # the same name again
    template = db.session.scalar(select(MessageTemplate))
    assert template.organizer_id == site.organizer.id
    page = client.get(f"/organizer/fairs/belagro/messages/new?template={template.id}")
    assert "Получите пропуска." in page.get_data(as_text=True)
    edited = {**data, "subject_en": "Passes", "body_en": "Collect your passes."}
    assert client.post(f"{base}/{template.id}", data=edited).status_code == 302
    assert db.session.get(MessageTemplate, template.id).subject_en == "Passes"
    assert "Пропуска" in client.get(base).get_data(as_text=True)
    ask = client.post(f"{base}/{template.id}/delete")
    assert 'name="confirmed"' in ask.get_data(as_text=True)
    assert db.session.get(MessageTemplate, template.id) is not None
    assert client.post(f"{base}/{template.id}/delete", data={"confirmed": "1"}).status_code == 302
    assert db.session.scalar(select(func.count(MessageTemplate.id))) == 0


def test_the_list_shows_sent_and_scheduled_messages_in_words(db, client, site):
    send(client, draft(client))
    draft(client, subject_en="Passes", body_en="Collect them.", subject_ru=None, body_ru=None)
    page = client.get("/organizer/fairs/belagro/messages").get_data(as_text=True)
    assert "Move-in of exhibitors" in page
    assert "Passes" in page
    assert "Sent" in page
    assert "Draft" in page
    assert ">approved<" not in page
    assert ">draft<" not in page


# --- two workers at once (PostgreSQL) -------------------------------------------------------


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_concurrent_runs_send_a_scheduled_message_once(app, committed, database_url):
    """Two `flask messages run` processes started together: every company gets one mail."""
    import os
    import subprocess
    import sys

    from tests.factories import Factories

    factories = Factories(committed.session)
    fair = factories.fair(slug="race-fair")
    for lang in ("ru", "en", "ru"):
        factories.registration(fair, factories.company(language=lang))
    message = OrganizerMessage(
        fair_id=fair.id,
        subject_ru="Заезд",
        body_ru="Текст",
        recipients_filter={"statuses": ["approved"]},
        status=MessageStatus.SCHEDULED,
        scheduled_at=datetime.now(MINSK) - timedelta(minutes=1),
    )
    committed.session.add(message)
    committed.session.commit()
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "fairplanner"}
    flask = [sys.executable, "-m", "flask", "--app", "fairplanner", "messages", "run"]
    runs = [
        subprocess.Popen(flask, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    said = sorted(out.decode().strip() for out, _err in outputs)
    assert said == ["messages: 0 sent", "messages: 1 sent"]
    committed.session.expire_all()
    assert committed.session.scalar(select(func.count(OutboxMessage.id))) == 3
    assert committed.session.scalar(select(func.count(MessageRecipient.id))) == 3
    assert committed.session.get(OrganizerMessage, message.id).status == MessageStatus.SENT


def test_send_asks_first_and_names_the_companies(db, client, site):
    message_id = draft(client)
    page = client.post(f"/organizer/fairs/belagro/messages/{message_id}/send")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Send the message to 3 companies?" in text
    assert "Berlin Foods GmbH" in text
    assert "ООО «Ждущие»" not in text
    assert db.session.get(OrganizerMessage, message_id).status == MessageStatus.DRAFT
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_scheduled_message_can_be_taken_back(db, client, site):
    message_id = draft(client)
    at = datetime.now(MINSK) + timedelta(hours=2)
    client.post(
        f"/organizer/fairs/belagro/messages/{message_id}/schedule",
        data={"day": at.date().isoformat(), "time": at.strftime("%H:%M")},
    )
    assert (
        client.post(f"/organizer/fairs/belagro/messages/{message_id}/unschedule").status_code == 302
    )
    assert db.session.get(OrganizerMessage, message_id).status == MessageStatus.DRAFT
    assert services.run_due(now=datetime.now(MINSK) + timedelta(days=1)) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_unknown_filter_values_are_ignored_not_an_error(db, client, site):
    page = client.post(
        "/organizer/fairs/belagro/messages/new",
        data=form(action="count", countries=["XX"], roles=["boss"], sectors=["x" * 500]),
    )
    assert page.status_code == 200
    assert "3 companies will get the message" in page.get_data(as_text=True)


def test_the_pages_take_as_many_statements_for_one_message_as_for_several(
    db, client, site, login_as, count_queries
):
    def statements(path: str) -> int:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    send(client, draft(client))
    registration = site.c.minsk.registration.id
    login_as(site.c.minsk.member)
    one = statements(f"/my/registrations/{registration}")
    login_as(site.staff)
    one_list = statements("/organizer/fairs/belagro/messages")
    for _ in range(3):
        send(client, draft(client))
        db.session.execute(update(OrganizerMessage).values(queued_at=None))  # the rate limit
    assert statements("/organizer/fairs/belagro/messages") == one_list
    login_as(site.c.minsk.member)
    assert statements(f"/my/registrations/{registration}") == one
