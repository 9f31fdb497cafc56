"""Every page, public, company and console, in Russian and English: no vnu error, no axe violation.

The other browser tests check the pages their flows pass through; this one visits each page
once as the person who uses it (anonymous, the demo company, the demo organizer's staff, an
administrator) and counts what the checkers find. With A11Y_REPORT=<file> it also writes the
counts as a Markdown table (the "before/after" of issue 11).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from fairplanner.accounts import services as account_services
from fairplanner.accounts import tokens
from fairplanner.accounts.models import Country, Role, User
from fairplanner.catalogue.models import EventKind, FairStatus, Organizer
from fairplanner.demo.catalogue import load_demo_file
from fairplanner.exhibitors import plans
from fairplanner.extensions import db
from fairplanner.following import services as following_services
from fairplanner.i18n import MINSK, minsk_today
from fairplanner.media import services as media_services
from fairplanner.meetings import services as meeting_services
from fairplanner.meetings.models import Programme
from fairplanner.organizers import services as organizer_services
from fairplanner.organizers.messages import content as message_content
from fairplanner.organizers.messages import services as message_services
from fairplanner.organizers.messages.models import Attachment
from fairplanner.registrations import services as registration_services
from fairplanner.registrations import stands as stand_services
from fairplanner.registrations.models import (
    Registration,
    RegistrationRole,
    RegistrationStatus,
    StandType,
    VisitAim,
)
from fairplanner.reminders import mails
from fairplanner.reminders.models import ReminderKind
from fairplanner.tickets import services as ticket_services
from fairplanner.tickets.models import TicketRole
from tests.browser import checks
from tests.factories import PASSWORD, Factories
from tests.media import images

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "admin@a11y.example"
LANGUAGES = {"ru": "ru-RU", "en": "en-US"}


@dataclass(frozen=True)
class Visit:
    name: str
    who: str  # anonymous, company, staff or admin
    path: str  # formatted with the site's identifiers
    status: int = 200


PAGES = [
    Visit("catalogue", "anonymous", "/"),
    Visit("catalogue, filtered", "anonymous", "/?q=a11y&sector=forestry&kind=exhibition"),
    Visit("catalogue, bad filters", "anonymous", "/?from=2026-13-45&sector=nonsense"),
    Visit("catalogue, nothing found", "anonymous", "/?q=zzzz-nothing-like-this"),
    Visit(
        "catalogue, a misspelt search",
        "anonymous",
        "/?q=%D0%B1%D0%B5%D0%BB%D0%BE%D0%B3%D1%80%D0%BE",
    ),
    Visit("catalogue, past fairs", "anonymous", "/?past=1"),
    Visit("fair page", "anonymous", "/fairs/{fair}"),
    Visit("fair page, cancelled", "anonymous", "/fairs/{cancelled_fair}"),
    Visit("month view", "anonymous", "/calendar/{year}/{month}"),
    Visit("month view, a misspelt search", "anonymous", "/calendar/2001/1?q=belogro"),
    Visit("month view, empty", "anonymous", "/calendar/2040/1"),
    Visit("login", "anonymous", "/login"),
    Visit("signup", "anonymous", "/signup"),
    Visit("forgot password", "anonymous", "/password/forgot"),
    Visit("reset password", "anonymous", "/password/reset/{reset_token}"),
    Visit("invitation", "anonymous", "/invite/{invite_token}"),
    Visit("privacy notice", "anonymous", "/privacy"),
    Visit("privacy notice, version 1", "anonymous", "/privacy/v1"),
    Visit("404 page", "anonymous", "/no-such-page", status=404),
    Visit("unsubscribe", "anonymous", "/unsubscribe/{unsubscribe_token}"),
    Visit("unsubscribe, bad link", "anonymous", "/unsubscribe/not-a-token", status=404),
    Visit("fair page, signed in", "company", "/fairs/{fair}"),
    Visit("catalogue, signed in", "company", "/"),
    Visit("month view, signed in", "company", "/calendar/{year}/{month}"),
    Visit("my fairs", "company", "/my/fairs"),
    Visit("my fairs, followed", "company", "/my/fairs?tab=followed"),
    Visit("application", "company", "/my/registrations/{registration}"),
    Visit("application, edit", "company", "/my/registrations/{registration}/edit"),
    Visit("catalogue entry", "company", "/my/registrations/{registration}/entry"),
    Visit("company profile", "company", "/company"),
    Visit("members", "company", "/company/members"),
    Visit("register as exhibitor", "company", "/fairs/{open_fair}/register/exhibitor"),
    Visit("register as visitor", "company", "/fairs/{open_fair}/register/visitor"),
    Visit("password", "company", "/account/password"),
    Visit("API tokens", "company", "/account/api-tokens"),
    Visit("API tokens (console)", "staff", "/account/api-tokens"),
    Visit("email notifications", "company", "/account/notifications"),
    Visit("delete account", "company", "/account/delete"),
    Visit("403 page", "company", "/organizer/", status=403),
    Visit("console home", "staff", "/organizer/"),
    Visit("attendee list", "staff", "/organizer/fairs/{fair}/registrations"),
    Visit("application (console)", "staff", "/organizer/registrations/{registration}"),
    Visit("application with a stand", "staff", "/organizer/registrations/{stand_registration}"),
    Visit("stands from a file", "staff", "/organizer/fairs/{fair}/stands"),
    Visit("fair editor", "staff", "/organizer/fairs/{fair}/edit"),
    Visit("new fair", "staff", "/organizer/fairs/new"),
    Visit("programme editor", "staff", "/organizer/fairs/{fair}/programme"),
    Visit("programme item", "staff", "/organizer/fairs/{fair}/programme/{event}"),
    Visit("change log", "staff", "/organizer/fairs/{fair}/log"),
    Visit("numbers", "staff", "/organizer/fairs/{fair}/numbers"),
    Visit("messages", "staff", "/organizer/fairs/{fair}/messages"),
    Visit("new message", "staff", "/organizer/fairs/{fair}/messages/new"),
    Visit("message, draft", "staff", "/organizer/fairs/{fair}/messages/{draft_message}"),
    Visit("message, sent", "staff", "/organizer/fairs/{fair}/messages/{sent_message}"),
    Visit("message templates", "staff", "/organizer/fairs/{fair}/message-templates"),
    Visit("new message template", "staff", "/organizer/fairs/{fair}/message-templates/new"),
    Visit(
        "message template",
        "staff",
        "/organizer/fairs/{fair}/message-templates/{message_template}",
    ),
    Visit("print view", "staff", "/organizer/fairs/{fair}/registrations/print"),
    Visit("exhibitor catalogue", "anonymous", "/fairs/{fair}/exhibitors"),
    Visit("exhibitor catalogue, searched", "anonymous", "/fairs/{fair}/exhibitors?q=zzzz"),
    Visit("exhibitor catalogue, empty", "anonymous", "/fairs/{open_fair}/exhibitors"),
    Visit("company page", "anonymous", "/companies/{exhibitor_company}"),
    Visit("exhibitor catalogue (console)", "staff", "/organizer/fairs/{fair}/exhibitors"),
    Visit(
        "catalogue entry (console)",
        "staff",
        "/organizer/fairs/{fair}/exhibitors/{exhibitor}",
    ),
    Visit("exhibitor print view", "staff", "/organizer/fairs/{fair}/exhibitors/print?by=hall"),
    Visit("hall plans (console)", "staff", "/organizer/fairs/{fair}/halls"),
    Visit("hall plans, none (console)", "staff", "/organizer/fairs/{open_fair}/halls"),
    Visit("hall plan marking (console)", "staff", "/organizer/fairs/{fair}/halls/{hall_plan}"),
    Visit("hall plan", "anonymous", "/fairs/{fair}/halls/Павильон 1"),
    Visit("check-in desk (console)", "staff", "/organizer/fairs/{fair}/checkin"),
    Visit("B2B grid (console)", "staff", "/organizer/fairs/{fair}/meetings"),
    Visit(
        "B2B grid, second day (console)", "staff", "/organizer/fairs/{fair}/meetings?day={b2b_day}"
    ),
    Visit("B2B none (console)", "staff", "/organizer/fairs/{open_fair}/meetings"),
    Visit("B2B settings (console)", "staff", "/organizer/fairs/{fair}/meetings/settings"),
    Visit("B2B settings, new (console)", "staff", "/organizer/fairs/{open_fair}/meetings/settings"),
    Visit("B2B requests (console)", "staff", "/organizer/fairs/{fair}/meetings/requests"),
    Visit(
        "B2B scheduled (console)",
        "staff",
        "/organizer/fairs/{fair}/meetings/requests?state=scheduled",
    ),
    Visit("B2B agendas (console)", "staff", "/organizer/fairs/{fair}/meetings/companies"),
    Visit(
        "B2B agenda (console)",
        "staff",
        "/organizer/fairs/{fair}/meetings/companies/{b2b_participant}",
    ),
    Visit("B2B numbers (console)", "staff", "/organizer/fairs/{fair}/meetings/numbers"),
    Visit("B2B new meeting (console)", "staff", "/organizer/fairs/{fair}/meetings/new"),
    Visit("B2B meeting (console)", "staff", "/organizer/fairs/{fair}/meetings/{b2b_meeting}"),
    Visit("B2B print tables", "staff", "/organizer/fairs/{fair}/meetings/print/tables"),
    Visit("B2B print agendas", "staff", "/organizer/fairs/{fair}/meetings/print/agendas"),
    Visit("fair page with B2B meetings", "anonymous", "/fairs/{b2b_fair}"),
    Visit("application with B2B meetings", "company", "/my/registrations/{b2b_registration}"),
    Visit("B2B programme", "anonymous", "/fairs/{b2b_fair}/b2b"),
    Visit("B2B programme, participant", "company", "/fairs/{b2b_fair}/b2b"),
    Visit("B2B profile", "company", "/fairs/{b2b_fair}/b2b/profile"),
    Visit("B2B participants", "company", "/fairs/{b2b_fair}/b2b/participants"),
    Visit(
        "B2B participants, filtered",
        "company",
        "/fairs/{b2b_fair}/b2b/participants?q=%D0%BB%D0%B5%D1%81&kind=seek&country=RU",
    ),
    Visit("B2B participant", "company", "/fairs/{b2b_fair}/b2b/participants/{b2b_requester}"),
    Visit(
        "B2B participant, agreed",
        "company",
        "/fairs/{b2b_fair}/b2b/participants/{b2b_partner}",
    ),
    Visit("my B2B meetings", "company", "/fairs/{b2b_fair}/b2b/my"),
    Visit("B2B agenda print view", "company", "/fairs/{b2b_fair}/b2b/my/print"),
    Visit("B2B participants (staff)", "staff", "/fairs/{b2b_fair}/b2b/participants"),
    Visit("badges and e-tickets", "company", "/my/registrations/{b2b_registration}/people"),
    Visit(
        "badges and e-tickets, a person",
        "company",
        "/my/registrations/{b2b_registration}/people/{person}/edit",
    ),
    Visit("e-ticket", "anonymous", "/tickets/{ticket_code}"),
    Visit("e-ticket, revoked", "anonymous", "/tickets/{revoked_code}"),
    Visit("badges (console)", "staff", "/organizer/fairs/{fair}/badges"),
    Visit("badges, nothing found (console)", "staff", "/organizer/fairs/{fair}/badges?q=zzzz"),
    Visit("badges, none yet (console)", "staff", "/organizer/fairs/{open_fair}/badges"),
    Visit("badge quota (console)", "staff", "/organizer/fairs/{fair}/badges/settings"),
    Visit("walk-in desk (console)", "staff", "/organizer/fairs/{fair}/badges/new"),
    Visit(
        "walk-in registered (console)", "staff", "/organizer/fairs/{fair}/badges/{walk_in}/issued"
    ),
    Visit("numbers, fair day", "staff", "/organizer/fairs/{fair_day_fair}/numbers"),
    Visit("webhooks (console)", "staff", "/organizer/webhooks"),
    Visit("a webhook and its deliveries (console)", "staff", "/organizer/webhooks/{webhook}"),
    Visit("season plan import (console)", "staff", "/organizer/imports"),
    Visit("import preview (console)", "staff", "/organizer/imports/{pending_import}"),
    Visit("import applied (console)", "staff", "/organizer/imports/{applied_import}"),
    Visit("admin", "admin", "/organizer/admin"),
    Visit("outbox", "admin", "/organizer/admin/outbox"),
    Visit("API guide", "anonymous", "/api/docs"),
    Visit("API explorer", "anonymous", "/api/docs/explorer"),
]

PHONE_PAGES = [
    v
    for v in PAGES
    if v.name
    in {
        "catalogue",
        "privacy notice",
        "signup",
        "fair page, signed in",
        "month view",
        "my fairs",
        "my fairs, followed",
        "catalogue, signed in",
        "application",
        "console home",
        "attendee list",
        "application (console)",
        "numbers",
        "unsubscribe",
        "email notifications",
        "exhibitor catalogue",
        "company page",
        "B2B grid (console)",
        "B2B settings (console)",
        "B2B meeting (console)",
        "B2B agenda (console)",
        "B2B profile",
        "B2B participants",
        "my B2B meetings",
        "B2B agenda print view",
        "badges and e-tickets",
        "e-ticket",
        "badges (console)",
        "walk-in desk (console)",
        "walk-in registered (console)",
        "numbers, fair day",
        "webhooks (console)",
        "a webhook and its deliveries (console)",
        "API guide",
        "API explorer",
        "API tokens",
        "season plan import (console)",
        "import preview (console)",
        "import applied (console)",
    }
]

# (page, language) → (vnu errors, axe violations, vnu warnings), for A11Y_REPORT.
COUNTS: dict[tuple[str, str], tuple[int, int, int]] = {}
WARNINGS: dict[str, set[str]] = {}  # vnu warning → pages


def month_with_neighbours(day: date) -> date:
    """The 15th of the first month from `day` on whose grid starts with the month before."""
    day = day.replace(day=15)
    while day.replace(day=1).weekday() == 0:
        day = (day + timedelta(days=31)).replace(day=15)
    return day


def _messages(fair: Any, staff: Any) -> tuple[int, int, int]:
    """A message sent to the fair's applicants, a draft and a template (the console's
    message pages, and the application page's "Messages from the organizer")."""
    content = message_content.Content(
        subject_ru="Заезд экспонентов",
        body_ru="Заезд 3 июня с 8:00.\nСхема: https://belexpo.by/zaezd",
        subject_en="Move-in of exhibitors",
        body_en="Move-in on 3 June from 8:00.\nMap: https://belexpo.by/move-in",
    )
    everyone = message_content.Filters(statuses=["submitted", "approved"])
    sent = message_services.save_draft(
        fair, author=staff, content=content, filters=everyone, attachment=Attachment.ICS
    )
    message_services.send_now(sent)
    draft = message_services.save_draft(
        fair,
        author=staff,
        content=content,
        filters=message_content.Filters(statuses=["approved"], countries=["BY"]),
        attachment=Attachment.NONE,
    )
    template = message_services.save_template(staff.organizer_id, name="Пропуска", content=content)
    return sent.id, draft.id, template.id


def _meetings(fair: Any, staff: Any, entries: list[Any]) -> tuple[int, int]:
    """The fair's B2B programme over its first two days, two tables, three participants: a
    scheduled meeting and one accepted without a time."""
    programme = meeting_services.Settings(
        days=[fair.starts_on, fair.starts_on + timedelta(days=1)],
        day_starts=time(10),
        day_ends=time(13),
        breaks=[(time(11), time(11, 30))],
        slot_minutes=30,
        request_deadline=datetime.combine(fair.starts_on, time(6), UTC),
        max_meetings=5,
    )
    meeting_services.save_programme(fair, programme, actor=staff)
    meeting_services.save_tables(
        fair,
        [meeting_services.TableRow("Стол 1", "Павильон 1"), meeting_services.TableRow("Стол 2")],
        actor=staff,
    )
    sides = []
    for entry in entries:
        company = entry.company
        sides.append(
            meeting_services.join(
                fair,
                company,
                meeting_services.Profile(offers_ru="Пиломатериалы", seeks_en="Buyers"),
                actor=staff,
            )
        )
    slot = meeting_services.free_slots(
        db.session.scalars(select(Programme).where(Programme.fair_id == fair.id)).one()
    )[1]
    booked = meeting_services.create_meeting(fair, sides[0], sides[1], starts_at=slot, actor=staff)
    meeting_services.create_meeting(fair, sides[1], sides[2], starts_at=None, actor=staff)
    return booked.id, sides[0].id


def _tickets(registration_id: int, member: Any) -> dict[str, Any]:
    """The demo company's stand staff at the B2B fair: one e-ticket sent, one person without an
    address, one taken off the list (its e-ticket page says it was revoked)."""
    stand = db.session.get(Registration, registration_id)
    olga = ticket_services.add_person(
        stand, name="Ольга Кирова", position="Менеджер", email="olga@a11y.example", actor=member
    )
    ticket_services.add_person(stand, name="Иван Орлов", actor=member)
    gone = ticket_services.add_person(stand, name="Пётр Сидоров", actor=member)
    ticket_services.remove_person(gone, actor=member)
    ticket_services.mail_tickets([olga], actor=member)
    return {"person": olga.id, "ticket_code": olga.code, "revoked_code": gone.code}


def _imports(organizer: Any, staff: Any, fair: Any) -> dict[str, Any]:
    """Two imports of a season plan: one waiting for confirmation (an update of the fair, a
    new fair and a row with an error), one applied (the new fair)."""
    from fairplanner.organizers import imports

    venue, year = fair.venue, fair.starts_on.year
    place = f"{venue.city.name_ru};{venue.name_ru}"
    plan = (
        "Название;Начало;Окончание;Город;Место проведения;Код\n"
        f"{fair.name_ru};{fair.starts_on:%d.%m.%Y};{fair.ends_on + timedelta(days=1):%d.%m.%Y};"
        f"{place};\n"
        f"Ярмарка ремёсел;01.09.{year};03.09.{year};{place};N-1\n"
        f"Ярмарка без даты;;;{place};N-2\n"
    )
    rows = imports.read_upload("plan.csv", plan.encode())
    applied = imports.store_batch(
        organizer.id, user=staff, source="https://calendar.example.by/plan.ics", rows=rows[1:2]
    )
    imports.apply_batch(applied, actor=staff, seen=imports.digest(imports.batch_plan(applied)))
    pending = imports.store_batch(organizer.id, user=staff, source="plan-2027.csv", rows=rows)
    imports.set_counts(pending, imports.count(imports.batch_plan(pending)))
    return {"pending_import": pending.id, "applied_import": applied.id}


def _webhooks(organizer: Any) -> dict[str, Any]:
    """A webhook of the organizer (at a public address: no DNS here) with a delivered, a
    refused and a waiting delivery in its log."""
    from datetime import UTC, datetime

    from fairplanner.webhooks import services as webhooks
    from fairplanner.webhooks.models import DeliveryStatus

    hook = webhooks.create_subscription(
        organizer.id, "https://203.0.114.10/fairplanner", ["fair.changed", "application.decided"]
    )
    sent, failed, _waiting = (
        webhooks.queue(webhooks.WebhookEvent.FAIR_CHANGED, organizer.id, {"fair": {"slug": "a11y"}})
        + webhooks.queue(
            webhooks.WebhookEvent.APPLICATION_DECIDED, organizer.id, {"application": {"id": 1}}
        )
        + webhooks.queue(webhooks.WebhookEvent.FAIR_CHANGED, organizer.id, {"fair": {}})
    )
    now = datetime.now(UTC)
    sent.status, sent.attempts, sent.last_response_code = DeliveryStatus.DELIVERED, 1, 204
    sent.last_attempt_at = sent.delivered_at = now
    failed.status, failed.attempts, failed.last_response_code = DeliveryStatus.FAILED, 6, 500
    failed.last_attempt_at, failed.last_response_body = now, "Internal Server Error"
    return {"webhook": hook.id}


def _api_tokens(member: Any) -> None:
    """The member's tokens: one in use, one revoked, one that never expires."""
    from fairplanner.accounts import apitokens
    from fairplanner.accounts.models import TokenScope

    used, _secret = apitokens.create_token(
        member, name="CRM Битрикс24", scope=TokenScope.WRITE, lifetime_days=90
    )
    used.last_used_at = datetime.now(UTC)
    gone, _secret = apitokens.create_token(
        member, name="Старый сайт", scope=TokenScope.READ, lifetime_days=30
    )
    apitokens.revoke_token(gone)
    apitokens.create_token(member, name="Сайт", scope=TokenScope.READ, lifetime_days=None)


def _fair_day(factories: Factories, organizer: Any, fair: Any, staff: Any) -> dict[str, Any]:
    """Badges for the fair (stand staff, a walk-in) and another fair on today with entries on
    both its days, a re-entry and refused scans, for the fair-day part of the numbers page."""
    placed = db.session.scalars(
        select(Registration).where(Registration.fair_id == fair.id, Registration.hall.is_not(None))
    ).first()
    ticket_services.add_person(placed, name="Орлова Дарья", position="Менеджер", actor=staff)
    walk_in = ticket_services.register_at_desk(
        fair, name="Журналистова Ольга", company_label="БелТА", role=TicketRole.PRESS, actor=staff
    )
    today = minsk_today()
    running = factories.fair(
        slug="a11y-fair-day",
        name_ru="Продэкспо: день выставки",
        name_en="Prodexpo: fair day",
        starts_on=today - timedelta(days=1),
        days=3,
        organizer=organizer,
    )
    people = []
    for n, name in enumerate(("ОАО «Молоко»", "ООО «Хлеб»", "ЧУП «Сыр»")):
        entry = factories.registration(running, factories.company(legal_name=name))
        people += [
            ticket_services.add_person(entry, name=f"Сотрудник {n}-{k}", actor=staff)
            for k in range(2)
        ]
    factories.registration(running, factories.company(legal_name="ОАО «Не пришли»"))
    people.append(
        ticket_services.register_at_desk(
            running, name="Гостев Иван", role=TicketRole.VISITOR, actor=staff
        )
    )
    now = datetime.now(UTC)
    n = 0

    def scan(code: str, day: date, hour: int, minute: int) -> None:
        nonlocal n
        n += 1
        moment = datetime.combine(day, time(hour, minute), MINSK).astimezone(UTC)
        ticket_services.check_in(
            running,
            ticket_services.Scan(
                scan_id=f"00000000-0000-4000-8000-{n:012d}", code=code, scanned_at=moment
            ),
            staff=staff,
            now=max(now, moment),
        )

    for i, person in enumerate(people):
        scan(person.code, today - timedelta(days=1), 9 + i % 4, 5 * i)
        if i % 2:
            scan(person.code, today, 10 + i % 3, 3 * i)
    scan(people[0].code, today - timedelta(days=1), 15, 0)  # a re-entry
    scan(ticket_services.new_code(), today, 11, 0)  # unknown
    return {"walk_in": walk_in.id, "fair_day_fair": running.slug}


def _b2b(factories: Factories, organizer: Any, member: Any, staff: Any) -> dict[str, Any]:
    """A fair with a B2B programme that the demo company takes part in: a request waiting for
    its answer, one of its own waiting, a scheduled meeting and an accepted one's contacts."""
    start = minsk_today() + timedelta(days=40)
    fair = factories.fair(
        slug="a11y-b2b",
        name_ru="Деловые контакты: проверка доступности",
        name_en="Business contacts: accessibility check",
        starts_on=start,
        days=2,
        organizer=organizer,
        sectors=["forestry"],
    )
    settings = meeting_services.Settings(
        days=[fair.starts_on, fair.ends_on],
        day_starts=time(10),
        day_ends=time(13),
        breaks=[(time(11, 30), time(12))],
        slot_minutes=30,
        request_deadline=datetime.combine(fair.starts_on, time(6), UTC),
        max_meetings=8,
    )
    programme = meeting_services.save_programme(fair, settings, actor=staff)
    meeting_services.save_tables(
        fair,
        [meeting_services.TableRow(f"Стол {n}", "Павильон 2") for n in (1, 2, 3)],
        actor=staff,
    )
    slots = programme.slots()
    registration = factories.registration(fair, member.company)
    forestry = fair.sectors[0]
    mine = meeting_services.join(
        fair,
        member.company,
        meeting_services.Profile(
            offers_ru="Пиломатериалы хвойных пород, погонаж",
            offers_en="Softwood lumber and mouldings",
            seeks_ru="Покупатели пиломатериалов в Беларуси",
            offer_sector_ids=[forestry.id],
            languages=["ru", "en"],
            attendees=[{"name": "Иванова Мария", "position": "Директор по экспорту"}],
            phone="+78332641234",
            email="export@vyatka.example",
            unavailable=[slots[-1]],
        ),
        actor=member,
    )
    others = []
    for name, country, seeks in (
        ("ОАО «Гомельдрев»", Country.BELARUS, "Поставщики леса и пиломатериалов"),
        ("ООО «Лесторг»", Country.RUSSIA, "Погонаж, доска"),
        ("ЧУП «Брестмебель»", Country.BELARUS, "Мебельный щит"),
    ):
        user = factories.user(
            company=factories.company(legal_name=name, country=country, region=None)
        )
        factories.registration(fair, user.company)
        others.append(
            meeting_services.join(
                fair,
                user.company,
                meeting_services.Profile(
                    seeks_ru=seeks, seek_sector_ids=[forestry.id], phone="+375172000000"
                ),
                actor=user,
            )
        )
    requester, partner, asked = others
    meeting_services.request_meeting(
        requester,
        mine,
        message="Добрый день! Предлагаем обсудить поставки.",
        slots=slots[:2],
        actor=requester.company.members[0],
    )
    agreed = meeting_services.request_meeting(
        mine, partner, message=None, slots=[slots[2]], actor=member
    )
    meeting_services.accept(agreed, partner, slot=slots[2], actor=partner.company.members[0])
    meeting_services.request_meeting(
        mine, asked, message="Здравствуйте", slots=[slots[3]], actor=member
    )
    return {
        "b2b_fair": fair.slug,
        "b2b_registration": registration.id,
        "b2b_requester": requester.id,
        "b2b_partner": partner.id,
    }


@pytest.fixture(scope="module")
def site(live: Any) -> dict[str, Any]:
    """A fair of the demo organizer with applications, programme and history; an admin."""
    accounts = load_demo_file()["accounts"]
    with live.app.test_request_context():
        factories = Factories(db.session)
        member = db.session.scalar(select(User).where(User.email == accounts[0]["email"]))
        staff = db.session.scalar(select(User).where(User.email == accounts[1]["email"]))
        organizer = db.session.get(Organizer, staff.organizer_id)
        start = month_with_neighbours(minsk_today() + timedelta(days=75))
        fair = factories.fair(
            slug="a11y-fair",
            name_ru="Деревообработка: проверка доступности",
            name_en="Woodworking: accessibility check",
            starts_on=start,
            organizer=organizer,
            sectors=["forestry"],
            programme=2,
        )
        open_fair = factories.fair(slug="a11y-open", organizer=organizer, capacity=80)
        cancelled = factories.fair(
            slug="a11y-cancelled",
            organizer=organizer,
            status=FairStatus.CANCELLED,
            cancelled_at=datetime.now(UTC).replace(microsecond=0),
            cancel_reason_ru="Площадка на ремонте",
            cancel_reason_en="The venue is being repaired",
        )
        today = minsk_today()
        mine = registration_services.submit_registration(
            member.company,
            fair,
            role=RegistrationRole.EXHIBITOR,
            request=registration_services.ExhibitorRequest(
                stand_type=StandType.INDOOR,
                area=Decimal("12.5"),
                needs_power=True,
                products="Пиломатериалы, погонаж",
                note="Нужен угловой стенд",
            ),
            actor=member,
            today=today,
        )
        other = factories.user(role=Role.MEMBER)
        visit = registration_services.submit_registration(
            other.company,
            fair,
            role=RegistrationRole.VISITOR,
            request=registration_services.VisitRequest(
                delegates=[{"name": "Петров Иван", "position": "Директор"}],
                aims=[VisitAim.PURCHASING.value],
            ),
            actor=other,
            today=today,
        )
        registration_services.decide_registration(
            visit, status=RegistrationStatus.APPROVED, actor=staff
        )
        exhibitor = factories.user(role=Role.MEMBER)
        placed = registration_services.submit_registration(
            exhibitor.company,
            fair,
            role=RegistrationRole.EXHIBITOR,
            request=registration_services.ExhibitorRequest(
                stand_type=StandType.INDOOR, area=Decimal("9")
            ),
            actor=exhibitor,
            today=today,
        )
        registration_services.decide_registration(
            placed, status=RegistrationStatus.APPROVED, actor=staff
        )
        stand_services.assign_stand(placed, hall="Павильон 1", stand="А-12", actor=staff)
        # Seconds and microseconds, as a time taken from the clock would have.
        at = datetime(start.year, start.month, start.day, 12, 0, 30, 123456, tzinfo=UTC)
        event = organizer_services.add_event(
            fair,
            organizer_services.EventData(
                title_ru="Круглый стол",
                title_en="Round table",
                description_ru=None,
                description_en=None,
                hall_ru="Зал 2",
                hall_en="Hall 2",
                kind=EventKind.CONFERENCE,
                starts_at=at,
                ends_at=at + timedelta(hours=1),
            ),
            actor=staff,
        )
        # An approved exhibitor listed in the catalogue, with its public page.
        shown = factories.company(
            legal_name="ООО «Ёлочка-Экспорт»",
            short_name="Ёлочка-Экспорт",
            website="https://elochka.example",
            products="Пиломатериалы и погонаж",
        )
        exhibitor = factories.registration(
            fair, shown, entry_ru="Пиломатериалы, евровагонка", entry_en=None
        )
        # A plan of the hall with both stands, one of them marked (the catalogue links it).
        stand_services.assign_stand(exhibitor, hall="Павильон 1", stand="А-14", actor=staff)
        hall_plan, _ = plans.put_plan(
            fair.id, "Павильон 1", media_services.store_image(io.BytesIO(images.png((400, 240))))
        )
        plans.place_stands(hall_plan, {"А-12": (0.25, 0.5)})
        # A B2B programme: a meeting on the grid, one waiting for a time.
        b2b_meeting, b2b_participant = _meetings(fair, staff, [other, placed, exhibitor])
        # Followed, besides the demo seed's follows: one applied for, one not.
        following_services.follow(member.company, fair, by=member)
        following_services.follow(member.company, open_fair, by=member)
        _, invite_token = account_services.invite_member(
            member.company, "newcomer@a11y.example", invited_by=member
        )
        # Uploaded images on the fair (card, page, editor) and the company profile.
        fair.logo = media_services.store_image(io.BytesIO(images.png()))
        fair.cover = media_services.store_image(io.BytesIO(images.jpeg_with_gps((600, 360), 1)))
        account_services.set_company_logo(
            member.company, media_services.store_image(io.BytesIO(images.webp()))
        )
        db.session.commit()
        sent_message, draft_message, message_template = _messages(fair, staff)
        db.session.commit()
        b2b = _b2b(factories, organizer, member, staff)
        db.session.commit()
        tickets = _tickets(b2b["b2b_registration"], member)
        fair_day = _fair_day(factories, organizer, fair, staff)
        webhooks = _webhooks(organizer)
        _api_tokens(member)
        db.session.commit()
        season_imports = _imports(organizer, staff, fair)
        db.session.commit()
        factories.user(ADMIN_EMAIL, role=Role.ADMIN)
        forgetful = factories.user("forgetful@a11y.example")
        reset_token = tokens.make(
            account_services.RESET_SALT, {"u": forgetful.id, "v": forgetful.auth_version}
        )
        return {
            "fair": fair.slug,
            "open_fair": open_fair.slug,
            "cancelled_fair": cancelled.slug,
            "invite_token": invite_token,
            "reset_token": reset_token,
            "unsubscribe_token": mails.unsubscribe_token(member.id, ReminderKind.DEADLINE),
            "registration": mine.id,
            "stand_registration": placed.id,
            "exhibitor": exhibitor.id,
            "exhibitor_company": shown.slug,
            "hall_plan": hall_plan.id,
            "b2b_meeting": b2b_meeting,
            "b2b_participant": b2b_participant,
            "b2b_day": (start + timedelta(days=1)).isoformat(),
            "event": event.id,
            "sent_message": sent_message,
            "draft_message": draft_message,
            "message_template": message_template,
            "year": start.year,
            "month": start.month,
            **b2b,
            **tickets,
            **fair_day,
            **webhooks,
            **season_imports,
            "logins": {
                "company": (accounts[0]["email"], accounts[0]["password"]),
                "staff": (accounts[1]["email"], accounts[1]["password"]),
                "admin": (ADMIN_EMAIL, PASSWORD),
            },
        }


@pytest.fixture(scope="module")
def contexts(live: Any, site: dict[str, Any], chromium: Any) -> Iterator[Any]:
    """A browser context per (person, language), signed in once; its pages are not watched:
    this test counts the findings itself."""
    made: dict[tuple[str, str, int], Any] = {}

    def get(who: str, lang: str, width: int = 1280) -> Any:
        if (who, lang, width) not in made:
            context = chromium.unchecked.new_context(
                locale=LANGUAGES[lang], viewport={"width": width, "height": 900}
            )
            context.set_default_timeout(15_000)
            if who != "anonymous":
                email, password = site["logins"][who]
                page = context.new_page()
                page.goto(live.url + "/login")
                page.locator("input[name=email]").fill(email)
                page.locator("input[name=password]").fill(password)
                page.locator("form:has(input[name=password]) button[type=submit]").click()
                page.wait_for_load_state()
                assert "/login" not in page.url, f"{email} could not sign in"
                page.close()
            made[(who, lang, width)] = context
        return made[(who, lang, width)]

    yield get
    for context in made.values():
        context.close()
    if target := os.environ.get("A11Y_REPORT"):
        write_report(Path(target))


def write_report(path: Path) -> None:
    lines = [
        "| page | language | vnu errors | axe violations | vnu warnings (not failures) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for visit in PAGES:
        for lang in LANGUAGES:
            if (visit.name, lang) in COUNTS:
                vnu, axe, warnings = COUNTS[(visit.name, lang)]
                lines.append(f"| {visit.name} | {lang} | {vnu} | {axe} | {warnings} |")
    if WARNINGS:
        lines += ["", "vnu warnings:"]
        lines += [f"- {w} ({', '.join(sorted(p))})" for w, p in sorted(WARNINGS.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_visit(
    live: Any,
    site: dict[str, Any],
    contexts: Any,
    checkers: checks.Checkers,
    visit: Visit,
    lang: str,
    width: int,
) -> checks.Report:
    page = contexts(visit.who, lang, width).new_page()
    try:
        response = page.goto(live.url + visit.path.format(**site))
        assert response is not None
        assert response.status == visit.status, f"{visit.path} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == lang
        page.wait_for_load_state("load")
        return checkers.check(page, response.body(), response.url)
    finally:
        page.close()


def judge(report: checks.Report) -> None:
    """Fail on unexpected findings; xfail on known ones; fail when known ones are gone."""
    known = checks.known_for(report.path)
    reasons = "; ".join(dict.fromkeys(k.reason for k in known))
    if unexpected := report.unexpected():
        pytest.fail(report.describe(unexpected), pytrace=False)
    if report.findings:
        pytest.xfail(f"known, fixed elsewhere: {reasons}")
    assert not known, f"{report.path} is clean now: remove its KNOWN_VIOLATIONS entries: {reasons}"


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("visit", PAGES, ids=[v.name for v in PAGES])
def test_page_has_no_markup_or_accessibility_violation(
    live: Any, site: dict[str, Any], contexts: Any, checkers: checks.Checkers, visit, lang
):
    report = check_visit(live, site, contexts, checkers, visit, lang, 1280)
    COUNTS[(visit.name, lang)] = (
        len(report.vnu_errors),
        len(report.axe),
        len(report.vnu_warnings),
    )
    for warning in report.vnu_warnings:
        WARNINGS.setdefault(warning.split(" [")[0], set()).add(visit.name)
    judge(report)


@pytest.mark.parametrize("visit", PHONE_PAGES, ids=[v.name for v in PHONE_PAGES])
def test_page_on_a_phone_has_no_accessibility_violation(
    live: Any, site: dict[str, Any], contexts: Any, checkers: checks.Checkers, visit
):
    """The same at 390 px, where the header folds and wide tables change (Russian only)."""
    judge(check_visit(live, site, contexts, checkers, visit, "ru", 390))


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_confirmation_page_has_no_markup_or_accessibility_violation(
    live: Any, contexts: Any, checkers: checks.Checkers, lang: str
):
    """The page before anything destructive (fairplanner.confirm), with several posted fields."""
    from fairplanner import confirm

    with live.app.test_request_context(
        "/organizer/fairs/a11y-fair/registrations/decide",
        method="POST",
        data={"ids": ["1", "2"], "action": "reject", "reason": "Нет мест"},
        headers={"Accept-Language": LANGUAGES[lang]},
    ):
        html = confirm.ask(
            title="Отклонить 2 заявки?",
            lines=["Компании получат письмо с причиной отказа."],
            button="Отклонить",
            back="/organizer/fairs/a11y-fair/registrations",
            items=["ООО «Вятка-Лес» — экспонент", "ОАО «Гомельдрев» — посетитель"],
        )
    url = f"{live.url}/organizer/fairs/a11y-fair/registrations/decide"
    page = contexts("anonymous", lang).new_page()
    try:
        page.route(
            url,
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=html
            ),
        )
        page.goto(url)
        assert page.locator("input[type=hidden][name=ids]").count() == 2
        report = checkers.check(page, html.encode(), url)
    finally:
        page.close()
    assert report.findings == [], report.describe()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_delete_account_confirmation_has_no_markup_or_accessibility_violation(
    live: Any, site: dict[str, Any], contexts: Any, checkers: checks.Checkers, lang: str
):
    """The step after the password on /account/delete (it deletes nothing by itself)."""
    page = contexts("company", lang).new_page()
    try:
        page.goto(live.url + "/account/delete")
        page.locator("input[name=password]").fill(site["logins"]["company"][1])
        with page.expect_navigation() as navigation:
            page.locator("form:has(input[name=password]) button[type=submit]").click()
        response = navigation.value
        assert response is not None
        assert response.status == 200
        assert page.locator("input[type=hidden][name=proof]").count() == 1
        report = checkers.check(page, response.body(), response.url)
    finally:
        page.close()
    judge(report)


def test_csrf_macro_leaves_no_duplicate_id_on_a_page_with_several_forms(
    live: Any, checkers: checks.Checkers
):
    from flask import render_template_string

    with live.app.test_request_context():
        html = render_template_string(
            '<!doctype html><html lang="en"><head><title>Forms</title></head><body><main>'
            '{% import "_macros/forms.html" as forms %}'
            '<form method="post">{{ forms.csrf() }}<button type="submit">One</button></form>'
            '<form method="post">{{ forms.csrf() }}<button type="submit">Two</button></form>'
            "</main></body></html>"
        )
    assert html.count('name="csrf_token"') == 2
    errors, _ = checkers.vnu.check(html.encode())
    assert errors == []
