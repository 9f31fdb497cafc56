"""The organizer console: scope, attendee list, decisions, notes, exports, numbers."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fairplanner.accounts.models import Company, Country, Role
from fairplanner.catalogue.models import ProgrammeEvent
from fairplanner.registrations.models import Registration, RegistrationStatus
from fairplanner.spreadsheets import neutralize

S = RegistrationStatus


@pytest.fixture
def setup(factories, make_fair, make_user):
    """Two organizers, each with a fair and applications; staff of the first."""
    ours = factories.organizer("belexpo")
    theirs = factories.organizer("minskexpo")
    fair = make_fair(slug="prodexpo", organizer=ours, capacity=2, name_ru="Продэкспо")
    other = make_fair(slug="woodworking", organizer=theirs)
    companies = [
        factories.company(legal_name="ООО «Вятские сладости»", country=Country.RUSSIA, region="43"),
        factories.company(
            legal_name='=HYPERLINK("http://evil")',
            country=Country.BELARUS,
            region="gomel",
            tax_id="190806803",
        ),
        factories.company(
            legal_name="ОАО «Гомельдрев»",
            country=Country.BELARUS,
            region="gomel",
            tax_id="100219673",
        ),
    ]
    regs = [
        factories._save(
            Registration(
                fair_id=fair.id,
                company_id=c.id,
                role="exhibitor",
                status=S.SUBMITTED,
                stand_type="indoor",
                area=12,
            )
        )
        for c in companies
    ]
    foreign = factories._save(
        Registration(
            fair_id=other.id,
            company_id=companies[0].id,
            role="exhibitor",
            status=S.SUBMITTED,
            stand_type="indoor",
            area=9,
        )
    )
    staff = make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=ours.id)
    for target, title in ((fair, "Открытие"), (other, "Чужое")):
        target.programme = [
            ProgrammeEvent(
                title_ru=title,
                kind="opening",
                starts_at=datetime.combine(target.starts_on, time(7), UTC),
                ends_at=datetime.combine(target.starts_on, time(8), UTC),
            )
        ]
    factories.session.commit()
    return {
        "fair": fair,
        "other": other,
        "regs": regs,
        "foreign": foreign,
        "staff": staff,
        "companies": companies,
        "event": fair.programme[0],
        "foreign_event": other.programme[0],
    }


ROUTES = [
    ("get", "/organizer/"),
    ("get", "/organizer/fairs/{fair}/registrations"),
    ("get", "/organizer/fairs/{fair}/registrations.csv"),
    ("get", "/organizer/fairs/{fair}/registrations.xlsx"),
    ("get", "/organizer/fairs/{fair}/registrations/print"),
    ("get", "/organizer/fairs/{fair}/numbers"),
    ("get", "/organizer/registrations/{reg}"),
    ("post", "/organizer/registrations/{reg}/decide"),
    ("post", "/organizer/registrations/{reg}/notes"),
    ("post", "/organizer/fairs/{fair}/registrations/decide"),
    ("get", "/organizer/fairs/new"),
    ("post", "/organizer/fairs/new"),
    ("get", "/organizer/fairs/{fair}/edit"),
    ("post", "/organizer/fairs/{fair}/edit"),
    ("post", "/organizer/fairs/{fair}/publish"),
    ("post", "/organizer/fairs/{fair}/cancel"),
    ("post", "/organizer/fairs/{fair}/copy"),
    ("get", "/organizer/fairs/{fair}/programme"),
    ("post", "/organizer/fairs/{fair}/programme"),
    ("get", "/organizer/fairs/{fair}/programme/{event}"),
    ("post", "/organizer/fairs/{fair}/programme/{event}"),
    ("post", "/organizer/fairs/{fair}/programme/{event}/delete"),
    ("get", "/organizer/fairs/{fair}/log"),
    ("get", "/organizer/admin"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_users_are_sent_to_login(client, setup, method, path):
    url = path.format(fair="prodexpo", reg=setup["regs"][0].id, event=setup["event"].id)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_company_members_get_403(client, setup, member, method, path):
    url = path.format(fair="prodexpo", reg=setup["regs"][0].id, event=setup["event"].id)
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if "{" in r[1]])
def test_another_organizers_staff_get_404(client, setup, login_as, method, path):
    login_as(setup["staff"])
    url = path.format(fair="woodworking", reg=setup["foreign"].id, event=setup["foreign_event"].id)
    response = getattr(client, method)(
        url, data={"action": "approve", "version": 1, "text": "x", "ids": [setup["foreign"].id]}
    )
    assert response.status_code == 404
    assert setup["foreign"].status == S.SUBMITTED


def test_console_lists_only_our_fairs(client, setup, login_as):
    login_as(setup["staff"])
    html = client.get("/organizer/").get_data(as_text=True)
    assert "Продэкспо" in html
    assert "woodworking" not in html


def test_attendee_list_filters_search_and_sort(client, setup, login_as):
    login_as(setup["staff"])

    def names(query: str) -> list[str]:
        html = client.get(f"/organizer/fairs/prodexpo/registrations?{query}").get_data(as_text=True)
        return [
            n for n in (c.legal_name for c in setup["companies"]) if n.replace('"', "&#34;") in html
        ]

    assert len(names("")) == 3
    assert names("country=RU") == ["ООО «Вятские сладости»"]
    assert names("q=гомельДРЕВ") == ["ОАО «Гомельдрев»"]
    assert names("q=100219673") == ["ОАО «Гомельдрев»"]
    assert len(names("region=gomel")) == 2
    assert names("status=approved") == []
    html = client.get("/organizer/fairs/prodexpo/registrations?sort=company&dir=desc").text
    assert html.index("ООО «Вятские") < html.index("ОАО «Гомельдрев»")
    assert (
        client.get("/organizer/fairs/prodexpo/registrations?sort=drop&status=x&page=-4").status_code
        == 200
    )


def test_decisions_one_at_a_time_and_the_history(client, db, setup, login_as):
    login_as(setup["staff"])
    reg = setup["regs"][0]
    response = client.post(
        f"/organizer/registrations/{reg.id}/decide",
        data={"action": "approve", "version": reg.version},
    )
    assert response.status_code == 302
    db.session.refresh(reg)
    assert reg.status == S.APPROVED
    assert reg.history[-1].actor_id == setup["staff"].id
    page = client.get(f"/organizer/registrations/{reg.id}").get_data(as_text=True)
    assert "staff@belexpo.by" in page


def test_rejection_needs_a_reason(client, db, setup, login_as):
    login_as(setup["staff"])
    reg = setup["regs"][1]
    client.post(
        f"/organizer/registrations/{reg.id}/decide",
        data={"action": "reject", "version": reg.version},
    )
    db.session.refresh(reg)
    assert reg.status == S.SUBMITTED
    client.post(
        f"/organizer/registrations/{reg.id}/decide",
        data={"action": "reject", "version": reg.version, "reason": "Не по профилю"},
    )
    db.session.refresh(reg)
    assert reg.status == S.REJECTED
    assert reg.reject_reason == "Не по профилю"


def test_a_decision_from_an_outdated_page_is_refused(client, db, setup, login_as):
    login_as(setup["staff"])
    reg = setup["regs"][0]
    seen = reg.version
    reg.note = "changed by the company meanwhile"
    db.session.commit()
    response = client.post(
        f"/organizer/registrations/{reg.id}/decide",
        data={"action": "approve", "version": seen},
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert "changed after your page was loaded" in response.get_data(as_text=True)
    db.session.refresh(reg)
    assert reg.status == S.SUBMITTED


def test_bulk_decisions_respect_capacity_and_versions(client, db, setup, login_as):
    login_as(setup["staff"])
    regs = setup["regs"]
    data = {"action": "approve", "ids": [str(r.id) for r in regs]}
    data.update({f"v-{r.id}": str(r.version) for r in regs})
    response = client.post(
        "/organizer/fairs/prodexpo/registrations/decide",
        data=data,
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    for r in regs:
        db.session.refresh(r)
    # Capacity 2 (lowered below what was requested): approvals never exceed it.
    assert [r.status for r in regs] == [S.APPROVED, S.APPROVED, S.SUBMITTED]
    html = response.get_data(as_text=True)
    assert "Decision recorded for 2 applications." in html
    assert "would exceed the capacity" in html


def test_bulk_waiting_list_promotes_nobody_in_the_batch(client, db, setup, login_as):
    login_as(setup["staff"])
    regs = setup["regs"][:2]
    data = {"action": "waitlist", "ids": [str(r.id) for r in regs]}
    data.update({f"v-{r.id}": str(r.version) for r in regs})
    client.post("/organizer/fairs/prodexpo/registrations/decide", data=data)
    for r in regs:
        db.session.refresh(r)
    assert [r.status for r in regs] == [S.WAITLISTED, S.WAITLISTED]


def test_raising_the_capacity_moves_the_waiting_list(client, db, setup, login_as, factories):
    login_as(setup["staff"])
    fair = setup["fair"]
    waiting = factories._save(
        Registration(
            fair_id=fair.id,
            company_id=factories.company().id,
            role="exhibitor",
            status=S.WAITLISTED,
            stand_type="indoor",
            area=9,
            waitlist_number=1,
        )
    )
    from fairplanner.organizers import services

    services.update_fair(
        fair,
        services.FairData(
            slug=fair.slug,
            name_ru=fair.name_ru,
            name_en=fair.name_en,
            description_ru=None,
            description_en=None,
            kind=fair.kind,
            starts_on=fair.starts_on,
            ends_on=fair.ends_on,
            venue_id=fair.venue_id,
            sector_codes=["food"],
            registration_opens_on=fair.registration_opens_on,
            registration_deadline=fair.registration_deadline,
            capacity=10,
            capacity_unit=fair.capacity_unit,
            stand_area_min=fair.stand_area_min,
            stand_area_max=fair.stand_area_max,
            website=None,
        ),
        actor=setup["staff"],
        seen_revision=fair.revision,
    )
    db.session.commit()
    db.session.refresh(waiting)
    assert waiting.status == S.APPROVED


def test_internal_notes_are_never_shown_to_the_company(app, client, db, setup, login_as):
    login_as(setup["staff"])
    reg = setup["regs"][0]
    client.post(f"/organizer/registrations/{reg.id}/notes", data={"text": "Проверить оплату"})
    assert "Проверить оплату" in client.get(f"/organizer/registrations/{reg.id}").text
    member = db.session.scalar(select(Company).where(Company.id == reg.company_id))
    company_user = setup["staff"].__class__(
        email="m@x.by", password_hash="x", role=Role.MEMBER, company=member
    )
    db.session.add(company_user)
    db.session.commit()
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = company_user.get_id()
    page = other.get(f"/my/registrations/{reg.id}").get_data(as_text=True)
    assert "Проверить оплату" not in page


def test_csv_export_is_excel_friendly_and_safe(client, setup, login_as):
    login_as(setup["staff"])
    response = client.get("/organizer/fairs/prodexpo/registrations.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    names = [row[0] for row in rows[1:]]
    assert "ООО «Вятские сладости»" in names
    assert '\t=HYPERLINK("http://evil")' in names  # neutralised
    filtered = client.get("/organizer/fairs/prodexpo/registrations.csv?country=RU")
    assert len(list(csv.reader(io.StringIO(filtered.data.decode("utf-8-sig"))))) == 2


def test_xlsx_export(client, setup, login_as):
    login_as(setup["staff"])
    response = client.get("/organizer/fairs/prodexpo/registrations.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    cells = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    assert "ООО «Вятские сладости»" in cells
    assert cells['=HYPERLINK("http://evil")'].data_type == "s"  # text, never a formula
    header = [c.value for c in sheet[1]]
    phones = [row[header.index("Телефон")] for row in sheet.iter_rows(min_row=2)]
    assert all(p.value.startswith("+") for p in phones)
    assert all(p.data_type == "s" for p in phones)
    applied = sheet.cell(row=2, column=header.index("Подана") + 1)
    assert applied.is_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "\t=1+1"),
        ("+7 900", "\t+7 900"),
        ("-5", "\t-5"),
        ("@SUM(A1)", "\t@SUM(A1)"),
        ("\tx", "\t\tx"),
        ("\rx", "\t\rx"),
        ("ООО", "ООО"),
        (12, 12),
        (None, None),
    ],
)
def test_formula_injection_is_neutralised(value, expected):
    assert neutralize(value) == expected


def test_print_view_and_numbers(client, setup, login_as):
    login_as(setup["staff"])
    printed = client.get("/organizer/fairs/prodexpo/registrations/print").text
    assert "print.css" in printed
    assert "ООО «Вятские сладости»" in printed
    numbers = client.get(
        "/organizer/fairs/prodexpo/numbers", headers={"Accept-Language": "en"}
    ).text
    assert "<svg" in numbers
    assert "By status" in numbers
    assert "36 m²" in numbers  # 3 × 12 m² requested


def test_admin_sees_every_organizer(client, setup, make_user, login_as):
    login_as(make_user(role=Role.ADMIN))
    assert client.get("/organizer/fairs/woodworking/registrations").status_code == 200


def test_attendee_list_statement_count_does_not_grow(
    client, db, setup, login_as, factories, count_queries
):
    login_as(setup["staff"])
    db.session.expire_all()
    with count_queries() as few:
        client.get("/organizer/fairs/prodexpo/registrations")
    for _ in range(10):
        factories._save(
            Registration(
                fair_id=setup["fair"].id,
                company_id=factories.company().id,
                role="visitor",
                status=S.SUBMITTED,
                delegates=[{"name": "А"}],
                aims=["sales"],
            )
        )
    db.session.expire_all()
    with count_queries() as many:
        client.get("/organizer/fairs/prodexpo/registrations")
    assert few.count == many.count


def test_admin_adds_organizers_and_staff(client, db, make_user, login_as):
    login_as(make_user(role=Role.ADMIN))
    response = client.post(
        "/organizer/admin",
        data={"org-slug": "cci-gomel", "org-name_ru": "Гомельское отделение БелТПП"},
    )
    assert response.status_code == 302
    from fairplanner.catalogue.models import Organizer

    organizer = db.session.scalar(select(Organizer).where(Organizer.slug == "cci-gomel"))
    response = client.post(
        "/organizer/admin",
        data={
            "staff-email": "new@cci-gomel.by",
            "staff-password": "long enough password",
            "staff-organizer": str(organizer.id),
        },
    )
    assert response.status_code == 302
    from fairplanner.accounts.models import User

    staff = db.session.scalar(select(User).where(User.email == "new@cci-gomel.by"))
    assert staff.role == Role.STAFF
    assert staff.organizer_id == organizer.id


def test_staff_cannot_open_the_admin_screen(client, setup, login_as):
    login_as(setup["staff"])
    assert client.get("/organizer/admin").status_code == 403


def test_demo_staff_login_sees_its_console(runner, client, db):
    from fairplanner.demo.catalogue import load_demo_file

    runner.invoke(args=["seed-demo"])
    staff = load_demo_file()["accounts"][1]
    client.post("/login", data={"email": staff["email"], "password": staff["password"]})
    html = client.get("/organizer/").get_data(as_text=True)
    assert "Продэкспо" in html or "БелТЕКС" in html


@pytest.mark.parametrize(
    ("path", "english", "russian"),
    [
        ("/organizer/", "Organizer console", "Кабинет организатора"),
        ("/organizer/fairs/prodexpo/registrations", "applications", "заявки"),
        ("/organizer/fairs/prodexpo/numbers", "By status", "По статусам"),
        ("/organizer/fairs/prodexpo/edit", "Cancel the fair", "Отменить выставку"),
        (
            "/organizer/fairs/prodexpo/programme",
            "Add a programme item",
            "Добавить событие программы",
        ),
        ("/organizer/fairs/prodexpo/log", "change log", "журнал изменений"),
    ],
)
def test_console_speaks_both_languages(client, setup, login_as, path, english, russian):
    login_as(setup["staff"])
    assert english in client.get(path, headers={"Accept-Language": "en"}).text
    assert russian in client.get(path).text


def test_unicode_digits_in_bulk_forms_are_ignored(client, setup, login_as):
    login_as(setup["staff"])
    response = client.post(
        "/organizer/fairs/prodexpo/registrations/decide",
        data={
            "action": "approve",
            "ids": ["²", str(setup["regs"][0].id)],
            f"v-{setup['regs'][0].id}": "²",
        },
    )
    assert response.status_code == 302
    assert setup["regs"][0].status == S.SUBMITTED


def test_control_characters_do_not_break_the_xlsx(client, db, setup, login_as):
    company = setup["companies"][0]
    company.legal_name = "ООО\x0bВятка"
    db.session.commit()
    login_as(setup["staff"])
    response = client.get("/organizer/fairs/prodexpo/registrations.xlsx")
    assert response.status_code == 200
    names = [
        row[0].value for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(min_row=2)
    ]
    assert "ОООВятка" in names


@pytest.mark.parametrize("value", [" =1+1", "\u00a0=1+1", "＝1+1", "\n=1+1"])
def test_formula_lookalikes_are_neutralised_in_csv(value):
    assert neutralize(value) == "\t" + value


@pytest.mark.parametrize(
    "path", ["registrations.csv", "registrations.xlsx", "registrations/print", "numbers"]
)
def test_exports_statement_count_does_not_grow(
    client, db, setup, login_as, factories, count_queries, path
):
    login_as(setup["staff"])
    db.session.expire_all()
    with count_queries() as few:
        client.get(f"/organizer/fairs/prodexpo/{path}")
    for _ in range(10):
        company = factories.company()
        company.sectors = [factories.sector("food")]
        factories._save(
            Registration(
                fair_id=setup["fair"].id,
                company_id=company.id,
                role="visitor",
                status=S.SUBMITTED,
                delegates=[{"name": "А"}],
                aims=["sales"],
            )
        )
    db.session.expire_all()
    with count_queries() as many:
        client.get(f"/organizer/fairs/prodexpo/{path}")
    assert few.count == many.count


CSRF_VALUE = re.compile(rb'(name="csrf_token" value=")[^"]+"')


def without_token(page: bytes) -> bytes:
    return CSRF_VALUE.sub(rb'\1"', page)


@pytest.mark.usefixtures("caching")
class TestCachedListings:
    """The attendee list and the exports are kept per fair (caching on, as in production)."""

    LIST = "/organizer/fairs/prodexpo/registrations"

    def test_the_list_is_read_once_and_follows_every_change(
        self, client, db, setup, login_as, count_queries
    ):
        login_as(setup["staff"])
        first = client.get(self.LIST)
        with count_queries() as counter:
            again = client.get(self.LIST)
        # The session's CSRF token is signed with the time, so it may differ by a second.
        assert without_token(again.data) == without_token(first.data)
        assert counter.count <= 2  # the user and the fair; no list, count or meter
        setup["regs"][0].status = S.APPROVED
        setup["companies"][0].legal_name = "ООО «Вятские сладости и пряники»"
        db.session.commit()
        assert "status-approved" not in first.get_data(as_text=True)
        page = client.get(self.LIST).get_data(as_text=True)
        assert "ООО «Вятские сладости и пряники»" in page
        assert "status-approved" in page
        assert 'form="decide-many"' in page  # the session's own token, outside the cache

    def test_a_bulk_decision_shows_on_the_list_it_returns_to(self, client, setup, login_as):
        login_as(setup["staff"])
        client.get(self.LIST)  # the listing is now cached
        reg = setup["regs"][0]
        response = client.post(
            "/organizer/fairs/prodexpo/registrations/decide",
            data={"action": "approve", "ids": [reg.id], f"v-{reg.id}": reg.version},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "status-approved" in response.get_data(as_text=True)

    def test_a_cached_list_is_still_refused_to_another_organizer(
        self, client, setup, login_as, make_user, factories
    ):
        login_as(setup["staff"])
        assert client.get(self.LIST).status_code == 200
        theirs = factories.organizer("minskexpo")
        login_as(make_user("staff@minskexpo.by", role=Role.STAFF, organizer_id=theirs.id))
        assert client.get(self.LIST).status_code == 404
        assert client.get(f"{self.LIST}.csv").status_code == 404

    def test_exports_follow_changes(self, client, db, setup, login_as):
        login_as(setup["staff"])
        client.get(f"{self.LIST}.csv")
        setup["companies"][2].legal_name = "ОАО «Гомельдрев-Экспорт»"
        db.session.commit()
        assert "ОАО «Гомельдрев-Экспорт»" in client.get(f"{self.LIST}.csv").data.decode()
        workbook = load_workbook(io.BytesIO(client.get(f"{self.LIST}.xlsx").data))
        assert "ОАО «Гомельдрев-Экспорт»" in [c.value for c in workbook.active["A"]]
