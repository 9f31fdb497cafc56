"""The fair day in the organizer console: the badge quota, the badges list and its printing,
the walk-in desk, taking a ticket back and the fair-day numbers — with access checked on every
route. The rules, the door and the numbers' SQL run on both databases in tests/tickets."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlalchemy import func, select

from fairplanner.accounts.models import Role
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.organizers import tickets as console
from fairplanner.organizers.models import FairChange
from fairplanner.registrations.models import RegistrationChange, RegistrationRole
from fairplanner.tickets import services
from fairplanner.tickets.models import (
    QuotaMode,
    RevokeReason,
    ScanResult,
    Ticket,
    TicketRole,
    TicketSettings,
)
from tests.organizers.visible import codes_in, visible_text

pytestmark = pytest.mark.sqlite_only

EN = {"Accept-Language": "en"}
RU = {"Accept-Language": "ru"}
CODES = {m.value for e in (TicketRole, ScanResult, QuotaMode, RevokeReason) for m in e} | {
    "ticket quota",
    "ticket issued",
    "ticket revoked",
    "a6",
    "a4",
}


@pytest.fixture
def site(factories):
    """A fair on its first day: two exhibitors in two halls with their stand staff, a visitor
    delegation approved before tickets existed, a journalist from the desk; the fair's staff,
    a company member and another organizer's staff."""
    fair = factories.fair(starts_on=minsk_today(), days=2, name_ru="Белагро", name_en="Belagro")
    staff = factories.user(role=Role.STAFF, organizer_id=fair.organizer_id)
    wood = factories.registration(
        fair, factories.company(legal_name="ОАО «Ясень»"), hall="Павильон 1", stand="А-1"
    )
    milk = factories.registration(
        fair, factories.company(legal_name="ОАО «Бабушкина крынка»"), hall="Павильон 2", stand="Б-7"
    )
    member = factories.user(company=wood.company)
    people = {
        "yurin": services.add_person(wood, name="Юрин Олег", actor=member),
        "antonova": services.add_person(wood, name="Антонова Вера", actor=member),
        "belov": services.add_person(milk, name="Белов Пётр", actor=member),
    }
    # Approved before tickets existed: the row has its delegation and no tickets yet.
    visit = factories.registration(
        fair,
        factories.company(legal_name="ООО «Вятка»"),
        role=RegistrationRole.VISITOR,
        stand_type=None,
        area=None,
        delegates=[{"name": "Петров Иван", "position": "Директор"}],
    )
    people["press"] = services.register_at_desk(
        fair, name="Журналистова Ольга", company_label="БелТА", role=TicketRole.PRESS, actor=staff
    )
    other = factories.organizer("other-expo", name_ru="Другой", name_en="Other")
    db.session.commit()
    return {
        "fair": fair,
        "staff": staff,
        "member": member,
        "foreign_staff": factories.user(role=Role.STAFF, organizer_id=other.id),
        "wood": wood,
        "milk": milk,
        "visit": visit,
        **people,
    }


def url(site, path: str) -> str:
    return "/organizer/fairs/" + path.format(fair=site["fair"].slug, ticket=site["yurin"].id)


ROUTES = [
    ("get", "{fair}/badges"),
    ("get", "{fair}/badges.pdf"),
    ("get", "{fair}/badges/{ticket}.pdf"),
    ("post", "{fair}/badges/{ticket}/revoke"),
    ("get", "{fair}/badges/new"),
    ("post", "{fair}/badges/new"),
    ("get", "{fair}/badges/{ticket}/issued"),
    ("get", "{fair}/badges/settings"),
    ("post", "{fair}/badges/settings"),
    ("get", "{fair}/numbers/fair-day"),
]
# What a post would change, had it been let through.
POST_DATA = {
    "confirmed": "1",
    "name": "Посторонний",
    "role": "visitor",
    "quota_mode": "per_area",
    "quota_count": "1",
    "quota_area": "9",
}


def tickets_now() -> list[tuple[str, bool]]:
    db.session.expire_all()
    return sorted((t.name, t.active) for t in db.session.scalars(select(Ticket)))


def unchanged(before) -> None:
    assert tickets_now() == before
    assert db.session.scalar(select(func.count()).select_from(FairChange)) == 0
    assert db.session.scalar(select(func.count()).select_from(TicketSettings)) == 0


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_users_are_sent_to_login(client, site, method, path):
    before = tickets_now()
    response = getattr(client, method)(url(site, path), data=POST_DATA)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    unchanged(before)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_company_members_get_403(client, site, login_as, method, path):
    before = tickets_now()
    login_as(site["member"])
    assert getattr(client, method)(url(site, path), data=POST_DATA).status_code == 403
    unchanged(before)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_another_organizers_staff_get_404(client, site, login_as, method, path):
    before = tickets_now()
    login_as(site["foreign_staff"])
    assert getattr(client, method)(url(site, path), data=POST_DATA).status_code == 404
    unchanged(before)


def test_a_ticket_of_another_fair_is_a_404(client, site, factories, login_as):
    other = factories.fair(starts_on=minsk_today(), organizer=site["fair"].organizer)
    foreign = services.register_at_desk(other, name="Чужой", role=TicketRole.PRESS, actor=None)
    db.session.commit()
    login_as(site["staff"])
    base = f"/organizer/fairs/{site['fair'].slug}/badges/{foreign.id}"
    assert client.get(f"{base}.pdf").status_code == 404
    assert client.get(f"{base}/issued").status_code == 404
    assert client.post(f"{base}/revoke", data={"confirmed": "1"}).status_code == 404
    db.session.refresh(foreign)
    assert foreign.active


# --- the badges list --------------------------------------------------------------------------


def badge_names(html: str) -> list[str]:
    return re.findall(r'<td class="cell-company"><strong>([^<]+)</strong>', html)


def test_the_list_issues_old_delegations_and_sorts_for_the_desk(client, site, login_as):
    login_as(site["staff"])
    html = client.get(url(site, "{fair}/badges"), headers=RU).get_data(as_text=True)
    # The delegation approved before tickets existed has its ticket now, once.
    visit = site["visit"]
    assert [t.name for t in services.active_people(visit.id)] == ["Петров Иван"]
    client.get(url(site, "{fair}/badges"))
    assert len(services.active_people(visit.id)) == 1
    # By company name as shown (the desk's БелТА among them), then by name.
    assert badge_names(html) == [
        "Журналистова Ольга",  # БелТА
        "Белов Пётр",  # ОАО «Бабушкина крынка»
        "Антонова Вера",  # ОАО «Ясень»
        "Юрин Олег",
        "Петров Иван",  # ООО «Вятка»
    ]
    text = visible_text(html)
    assert "5 билетов" in text
    for count in ("Экспонент 3", "Посетитель 1", "Пресса 1"):
        assert count in text
    assert "А-1 (Павильон 1)" in text
    assert codes_in(text, extra=CODES) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"role": "press"}, ["Журналистова Ольга"]),
        ({"role": "exhibitor", "hall": "Павильон 1"}, ["Антонова Вера", "Юрин Олег"]),
        ({"hall": "Павильон 2"}, ["Белов Пётр"]),
        ({"q": "ЮРИН"}, ["Юрин Олег"]),
        ({"q": "белта"}, ["Журналистова Ольга"]),
        ({"q": "%"}, []),
    ],
)
def test_filters(client, site, login_as, query, expected):
    login_as(site["staff"])
    response = client.get(url(site, "{fair}/badges"), query_string=query, headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert badge_names(html) == expected
    if not expected:
        assert "No badges match these filters." in html


def test_the_company_filter_and_a_filter_not_understood(client, site, login_as):
    login_as(site["staff"])
    company = site["milk"].company_id
    html = client.get(
        url(site, "{fair}/badges"), query_string={"company": company}, headers=EN
    ).get_data(as_text=True)
    assert badge_names(html) == ["Белов Пётр"]
    response = client.get(
        url(site, "{fair}/badges"), query_string={"role": "exhibitorz", "company": "x"}, headers=EN
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "These filters were not understood and are not applied: Role, Company." in html
    assert len(badge_names(html)) == 5


def test_paging_keeps_the_filters(client, site, login_as, monkeypatch):
    monkeypatch.setattr(console, "PER_PAGE", 2)
    login_as(site["staff"])
    first = client.get(url(site, "{fair}/badges"), query_string={"role": "exhibitor"})
    html = first.get_data(as_text=True)
    assert badge_names(html) == ["Белов Пётр", "Антонова Вера"]
    assert (
        "page=2&amp;role=exhibitor" in html
        or "role=exhibitor&amp;page=2" in html
        or "page=2&amp;role=exhibitor" in html
    )
    second = client.get(url(site, "{fair}/badges"), query_string={"role": "exhibitor", "page": 2})
    assert badge_names(second.get_data(as_text=True)) == ["Юрин Олег"]


def test_an_empty_list_says_what_to_do(client, factories, login_as):
    fair = factories.fair()
    factories.registration(fair, factories.company())  # approved, names nobody yet
    login_as(factories.user(role=Role.STAFF, organizer_id=fair.organizer_id))
    html = client.get(f"/organizer/fairs/{fair.slug}/badges", headers=RU).get_data(as_text=True)
    text = visible_text(html)
    assert "1 одобренная заявка ещё не называет людей." in text
    assert f"/organizer/fairs/{fair.slug}/registrations?status=approved" in html
    assert f"/organizer/fairs/{fair.slug}/badges/new" in html
    bare = factories.fair()
    html = client.get(f"/organizer/fairs/{bare.slug}/badges", headers=EN).get_data(as_text=True)
    assert "No approved applications name people yet." in html


# --- printing ---------------------------------------------------------------------------------


def pdf_pages(response) -> list:
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    document = pdfium.PdfDocument(response.get_data())
    return [document[i] for i in range(len(document))]


def qr_codes(page) -> list[str]:
    image = page.render(scale=200 / 72).to_pil()
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    band = image.height / 4
    spots = sorted(found, key=lambda r: (r.position.top_left.y // band, r.position.top_left.x))
    return [r.text for r in spots]


def page_text(page) -> str:
    return " ".join(page.get_textpage().get_text_range().split())


def test_bulk_printing_prints_what_the_filter_shows_in_desk_order(client, site, login_as):
    login_as(site["staff"])
    path = url(site, "{fair}/badges.pdf")
    a6 = pdf_pages(client.get(path, query_string={"role": "exhibitor"}, headers=EN))
    people = [site["belov"], site["antonova"], site["yurin"]]  # by company, then by name
    assert [qr_codes(page) for page in a6] == [[p.code] for p in people]
    assert "exhibitor" in page_text(a6[0]).casefold()
    a4 = pdf_pages(client.get(path, query_string={"role": "exhibitor", "layout": "a4"}))
    assert len(a4) == 1
    assert qr_codes(a4[0]) == [p.code for p in people]
    assert "экспонент" in page_text(a4[0]).casefold()  # in the reader's language
    # Everything, all pages: five badges, two A4 sheets.
    assert len(pdf_pages(client.get(path, query_string={"layout": "a4"}))) == 2


def test_one_badge_prints_alone(client, site, login_as):
    login_as(site["staff"])
    (page,) = pdf_pages(client.get(url(site, "{fair}/badges/{ticket}.pdf"), headers=RU))
    assert qr_codes(page) == [site["yurin"].code]
    assert "Юрин" in page_text(page)


def test_nothing_or_too_much_to_print_is_said_on_the_list(client, site, login_as, monkeypatch):
    login_as(site["staff"])
    path = url(site, "{fair}/badges.pdf")
    empty = client.get(path, query_string={"q": "никого"}, headers=EN)
    assert empty.status_code == 302
    assert empty.headers["Location"].endswith("/badges?q=%D0%BD%D0%B8%D0%BA%D0%BE%D0%B3%D0%BE")
    page = client.get(empty.headers["Location"], headers=EN).get_data(as_text=True)
    assert "No badges to print: no active ticket matches these filters." in page
    monkeypatch.setattr(console, "MAX_PRINT", 2)
    many = client.get(path, headers=EN)
    assert many.status_code == 302
    page = client.get(many.headers["Location"], headers=EN).get_data(as_text=True)
    assert "5 badges are too many for one file" in page


# --- taking a ticket back ---------------------------------------------------------------------


def test_taking_a_ticket_back_asks_first(client, site, login_as):
    login_as(site["staff"])
    path = url(site, "{fair}/badges/{ticket}/revoke")
    asked = client.post(path, data={"role": "exhibitor"}, headers=RU)
    assert asked.status_code == 200
    text = visible_text(asked.get_data(as_text=True))
    assert "Отозвать билет: Юрин Олег (ОАО «Ясень»)?" in text
    assert "Компания увидит, что человек исключён из её списка." in text
    assert site["yurin"].active
    done = client.post(path, data={"role": "exhibitor", "confirmed": "1"})
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/badges?role=exhibitor")
    db.session.refresh(site["yurin"])
    assert site["yurin"].revoke_reason == RevokeReason.REMOVED
    assert db.session.scalars(select(FairChange.action)).all() == ["ticket revoked"]
    history = db.session.scalars(
        select(RegistrationChange.action).where(
            RegistrationChange.registration_id == site["wood"].id
        )
    ).all()
    assert history[-1] == "person removed"
    # Gone from the list, and its badge is no more.
    html = client.get(url(site, "{fair}/badges")).get_data(as_text=True)
    assert "Юрин Олег" not in badge_names(html)
    assert client.get(url(site, "{fair}/badges/{ticket}.pdf")).status_code == 404
    again = client.post(path, data={"confirmed": "1"})
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(FairChange)) == 1
    log = client.get(f"/organizer/fairs/{site['fair'].slug}/log", headers=RU)
    assert "Билет отозван: Юрин Олег (ОАО «Ясень»), Экспонент" in visible_text(
        log.get_data(as_text=True)
    )


def test_taking_back_needs_the_form_token(app, client, site, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(site["staff"])
    response = client.post(url(site, "{fair}/badges/{ticket}/revoke"), data={"confirmed": "1"})
    assert response.status_code == 400
    db.session.refresh(site["yurin"])
    assert site["yurin"].active


# --- the walk-in desk -------------------------------------------------------------------------


def test_a_walk_in_gets_one_ticket_and_a_page_to_print_it(client, site, login_as):
    login_as(site["staff"])
    before = db.session.scalar(select(func.count()).select_from(Ticket))
    form = client.get(url(site, "{fair}/badges/new"), headers=RU).get_data(as_text=True)
    assert re.search(r'<input[^>]*autofocus[^>]*name="name"', form)
    response = client.post(
        url(site, "{fair}/badges/new"),
        data={
            "name": " Гостева Анна ",
            "company": "ИП Гостева",
            "role": "visitor",
            "email": "anna@example.com",
        },
    )
    assert response.status_code == 302
    ticket = db.session.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == before + 1
    assert (ticket.name, ticket.company_label, ticket.role) == (
        "Гостева Анна",
        "ИП Гостева",
        TicketRole.VISITOR,
    )
    assert ticket.registration_id is None
    assert ticket.emailed_at is not None  # the e-ticket goes out (events.ticket_mailed)
    assert response.headers["Location"].endswith(f"/badges/{ticket.id}/issued")
    page = client.get(response.headers["Location"], headers=RU).get_data(as_text=True)
    badge = f"/organizer/fairs/{site['fair'].slug}/badges/{ticket.id}.pdf"
    assert re.search(rf'<a class="button" href="{badge}" target="_blank" rel="noopener">', page)
    assert re.search(r'<a class="button secondary" href="[^"]*/badges/new" autofocus>', page)
    text = visible_text(page)
    assert "Билет выдан: Гостева Анна" in text
    assert codes_in(text, extra=CODES) == []
    log = client.get(f"/organizer/fairs/{site['fair'].slug}/log", headers=EN)
    assert "Ticket issued at the desk: Гостева Анна (ИП Гостева), Visitor" in visible_text(
        log.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": " ", "role": "visitor"}, "Enter the person's name."),
        ({"name": "Кто-то", "role": "exhibitor"}, "Not a valid choice"),
        ({"name": "Кто-то", "role": ""}, "Choose the role."),
        ({"name": "Кто-то", "role": "press", "email": "not-an-address"}, "valid email"),
        ({"name": "x" * 121, "role": "press"}, "120"),
    ],
)
def test_bad_walk_in_input_is_422(client, site, login_as, data, message):
    login_as(site["staff"])
    before = tickets_now()
    response = client.post(url(site, "{fair}/badges/new"), data=data, headers=EN)
    assert response.status_code == 422
    assert message in visible_text(response.get_data(as_text=True))
    assert tickets_now() == before


def test_the_desk_is_closed_after_the_fair(client, factories, login_as):
    fair = factories.fair(starts_on=minsk_today() - timedelta(days=5), days=2)
    login_as(factories.user(role=Role.STAFF, organizer_id=fair.organizer_id))
    path = f"/organizer/fairs/{fair.slug}/badges/new"
    page = client.get(path, headers=EN).get_data(as_text=True)
    assert "The fair is over or cancelled: the desk registers no one." in page
    response = client.post(path, data={"name": "Поздний", "role": "visitor"}, headers=EN)
    assert response.status_code == 409
    assert "no new tickets" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


# --- the badge quota --------------------------------------------------------------------------


def test_the_quota_shows_what_it_gives_and_is_logged(client, site, login_as):
    login_as(site["staff"])
    path = url(site, "{fair}/badges/settings")
    text = visible_text(client.get(path, headers=EN).get_data(as_text=True))
    assert "Now: 4 badges per stand" in text
    assert "Every stand gets 4 badges, whatever its area." in text
    response = client.post(
        path, data={"quota_mode": "per_area", "quota_count": "1", "quota_area": "9,0"}
    )
    assert response.status_code == 302
    settings = db.session.get(TicketSettings, site["fair"].id)
    assert (settings.quota_mode, settings.quota_count, settings.quota_area) == (
        QuotaMode.PER_AREA,
        1,
        Decimal(9),
    )
    text = visible_text(client.get(path, headers=RU).get_data(as_text=True))
    assert "Сейчас: 1 бейдж на каждые 9 м² стенда" in text
    assert "Стенд 20 м² получает 3 бейджа." in text
    assert "9.0" not in text
    assert 'value="9"' in client.get(path).get_data(as_text=True)
    assert codes_in(text, extra=CODES) == []
    # Saving the same quota again logs nothing more.
    client.post(path, data={"quota_mode": "per_area", "quota_count": "1", "quota_area": "9"})
    assert db.session.scalars(select(FairChange.action)).all() == ["ticket quota"]
    log = client.get(f"/organizer/fairs/{site['fair'].slug}/log", headers=RU)
    assert "Квота бейджей: 4 бейджа на стенд → 1 бейдж на каждые 9 м² стенда" in visible_text(
        log.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    "data",
    [
        {"quota_mode": "per_area", "quota_count": "2", "quota_area": ""},
        {"quota_mode": "per_stand", "quota_count": "0"},
        {"quota_mode": "per_stand", "quota_count": "many"},
        {"quota_mode": "per_hall", "quota_count": "2"},
        {"quota_mode": "per_area", "quota_count": "2", "quota_area": "NaN"},
        {"quota_mode": "per_area", "quota_count": "2", "quota_area": "100000"},
    ],
)
def test_bad_quota_input_is_422(client, site, login_as, data):
    login_as(site["staff"])
    response = client.post(url(site, "{fair}/badges/settings"), data=data, headers=EN)
    assert response.status_code == 422
    assert "Please correct the marked fields." in response.get_data(as_text=True)
    assert db.session.get(TicketSettings, site["fair"].id) is None


# --- the fair-day numbers ---------------------------------------------------------------------


def test_the_numbers_page_shows_the_fair_day(client, site, login_as):
    fair = site["fair"]
    for n, key in enumerate(("yurin", "belov", "press")):
        services.check_in(
            fair,
            services.Scan(scan_id=f"00000000-0000-4000-8000-{n:012d}", code=site[key].code),
            staff=site["staff"],
        )
    services.check_in(
        fair,
        services.Scan(scan_id="00000000-0000-4000-8000-000000000099", code="НЕИЗВЕСТНО"),
        staff=site["staff"],
    )
    db.session.commit()
    login_as(site["staff"])
    html = client.get(f"/organizer/fairs/{fair.slug}/numbers", headers=RU).get_data(as_text=True)
    assert 'id="fair-day"' in html
    assert f'data-refresh="/organizer/fairs/{fair.slug}/numbers/fair-day"' in html
    assert "js/fair-day.js" in html
    figures = dict(
        (label, value)
        for value, label in re.findall(
            r'<span class="kpi-value">([^<]+)</span><span class="kpi-label">([^<]+)</span>', html
        )
    )
    assert figures["Входы"] == "3"
    assert figures["Пришли"] == "3"
    assert figures["Пришли компании"] == "2"
    assert figures["Отказано на входе"] == "1"
    text = visible_text(html)
    assert "Неизвестный код" in text
    assert codes_in(text, extra=CODES) == []
    part = client.get(f"/organizer/fairs/{fair.slug}/numbers/fair-day", headers=RU)
    assert part.status_code == 200
    assert part.get_data(as_text=True).lstrip().startswith("<section")


def test_a_fair_without_tickets_says_so_in_a_line(client, factories, login_as):
    fair = factories.fair()
    login_as(factories.user(role=Role.STAFF, organizer_id=fair.organizer_id))
    html = client.get(f"/organizer/fairs/{fair.slug}/numbers", headers=EN).get_data(as_text=True)
    assert "No tickets yet." in html
    assert "data-refresh" not in html
