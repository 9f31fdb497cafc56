"""The e-ticket mail: one per person with an address, in the company's language (walk-ins in
Russian), with the QR code as a PNG that decodes to the ticket's code and the fair's .ics;
delivered through a real SMTP server."""

from __future__ import annotations

import base64
import io

import icalendar
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from fairplanner.accounts.models import Role
from fairplanner.extensions import db
from fairplanner.notifications.delivery import Mailer
from fairplanner.notifications.models import OutboxMessage
from fairplanner.notifications.services import run_once
from fairplanner.tickets import services
from fairplanner.tickets.models import Ticket, TicketRole
from tests.notifications.test_mail_escaping import HOSTILE, assert_inert

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def fair(factories):
    venue = factories.venue(
        name_ru="Футбольный манеж",
        name_en="Football Arena",
        address_ru="пр-т Победителей, 20/2",
        address_en="20/2 Pobediteley Ave",
    )
    return factories.fair(name_ru="Деревообработка", name_en="Woodworking", venue=venue)


def stand_of(factories, fair, *, language: str, stand: str = "А-12", **kw):
    company = factories.company(language=language, **kw)
    member = factories.user(company=company)
    registration = factories.registration(fair, company, hall="Павильон 1", stand=stand)
    return registration, member


def tickets_mail() -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.kind == "ticket").order_by(OutboxMessage.id)
    return list(db.session.scalars(stmt))


def attachment(message: OutboxMessage, content_type: str) -> dict:
    (found,) = [a for a in message.attachments if a["content_type"].startswith(content_type)]
    return found


def decoded_qr(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_one_mail_per_person_with_an_address_in_the_companys_language(db, factories, fair):
    english, member = stand_of(factories, fair, language="en", legal_name="Vyatka Les LLC")
    olga = services.add_person(
        english, name="Olga Kirova", email="olga@vyatka.example", actor=member
    )
    services.add_person(english, name="No Address", actor=member)
    russian, other = stand_of(factories, fair, language="ru", stand="Б-3")
    ivan = services.add_person(russian, name="Иван Орлов", email="ivan@drev.example", actor=other)

    assert services.mail_tickets(services.active_people(english.id), actor=member) == 1
    assert services.mail_tickets([ivan], actor=other) == 1
    first, second = tickets_mail()
    assert (first.to_email, first.lang, second.to_email, second.lang) == (
        "olga@vyatka.example",
        "en",
        "ivan@drev.example",
        "ru",
    )
    assert first.reply_to == member.email
    assert first.subject.startswith("Your e-ticket: Woodworking, ")
    for shown in (
        "Olga Kirova",
        "Vyatka Les LLC",
        "Exhibitor",
        "Football Arena, 20/2 Pobediteley Ave",
        "Hall: Павильон 1, stand: А-12",
        olga.grouped_code,
        f"/tickets/{olga.code}",
    ):
        assert shown in first.body_text, shown
        assert shown in first.body_html, shown
    assert "Деревообработка" in second.body_text
    assert "пр-т Победителей, 20/2" in second.body_text

    png = attachment(first, "image/png")
    assert png["filename"].endswith(".png")
    assert png["filename"] in first.body_text
    assert decoded_qr(base64.b64decode(png["data"])) == [olga.code]
    calendar = icalendar.Calendar.from_ical(attachment(first, "text/calendar")["data"])
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(f"fair-{fair.id}")]
    assert str(event["SUMMARY"]).startswith("Woodworking")
    assert olga.emailed_at is not None


def test_a_walk_in_reads_russian_with_the_public_calendar(app, db, factories, fair):
    staff = factories.user(role=Role.STAFF, organizer_id=fair.organizer_id)
    guest = services.register_at_desk(
        fair,
        name="Гость Выставки",
        role=TicketRole.PRESS,
        company_label="Газета «Звязда»",
        email="press@zviazda.example",
        actor=staff,
    )
    services.mail_tickets([guest], actor=staff)
    (message,) = tickets_mail()
    assert message.lang == "ru"
    assert message.reply_to is None
    assert "Газета «Звязда»" in message.body_text
    calendar = icalendar.Calendar.from_ical(attachment(message, "text/calendar")["data"])
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"fair-{fair.id}@{app.config['ICAL_DOMAIN']}"


def test_revoked_and_addressless_tickets_get_no_mail(db, factories, fair):
    stand, member = stand_of(factories, fair, language="ru")
    gone = services.add_person(stand, name="Ушёл", email="gone@example.com", actor=member)
    services.remove_person(gone, actor=member)
    nobody = services.add_person(stand, name="Без почты", actor=member)
    assert services.mail_tickets([gone, nobody], actor=member) == 0
    assert tickets_mail() == []


def test_hostile_names_stay_text(app, db, factories, fair):
    stand, member = stand_of(factories, fair, language="en", legal_name=HOSTILE)
    services.add_person(stand, name=HOSTILE, position=HOSTILE, email="x@example.com", actor=member)
    services.mail_tickets(services.active_people(stand.id), actor=member)
    (message,) = tickets_mail()
    assert_inert(message.body_html, base_url=app.config["PUBLIC_BASE_URL"])


def test_delivered_over_smtp_with_the_qr_code_and_the_calendar(app, db, factories, fair, smtp):
    inbox, config = smtp
    stand, member = stand_of(factories, fair, language="ru")
    olga = services.add_person(stand, name="Ольга", email="olga@vyatka.example", actor=member)
    services.mail_tickets([olga], actor=member)
    db.session.commit()
    assert run_once(Mailer({**app.config, **config}, app.instance_path)) == (1, 0)
    (mail,) = [m for m in inbox.messages if m["To"] == "olga@vyatka.example"]
    assert mail["Subject"].startswith("Ваш электронный билет") or mail["Subject"].startswith(
        "Your e-ticket"
    )
    parts = {p.get_content_type(): p for p in mail.iter_attachments()}
    assert set(parts) == {"image/png", "text/calendar"}
    assert decoded_qr(parts["image/png"].get_content()) == [olga.code]
    assert icalendar.Calendar.from_ical(parts["text/calendar"].get_content()).walk("VEVENT")
    assert db.session.scalar(select(Ticket.emailed_at).where(Ticket.id == olga.id)) is not None
