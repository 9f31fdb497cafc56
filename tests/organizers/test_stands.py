"""Stands: an organizer gives approved exhibitors a hall and stand, one by one or from a file;
the company sees it, is told by mail, and its calendar's entry moves there."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook
from sqlalchemy import false, select
from sqlalchemy.exc import IntegrityError

from fairplanner.accounts.models import Country, Role
from fairplanner.calendars.private import fair_calendar_for
from fairplanner.notifications.models import OutboxMessage
from fairplanner.registrations import stands as stand_services
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus

S = RegistrationStatus


@pytest.fixture(autouse=True)
def english(client):
    """The pages in English (the Russian ones are checked by the translation tests)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def setup(factories, make_user):
    organizer = factories.organizer("belexpo")
    fair = factories.fair(slug="prodexpo", organizer=organizer, name_ru="Продэкспо")
    other = factories.fair(slug="woodworking", organizer=factories.organizer("minskexpo"))
    a = factories.company(
        legal_name="ОАО «Гомельдрев»", country=Country.BELARUS, region="gomel", tax_id="100219673"
    )
    b = factories.company(legal_name="ООО «Вятские сладости»", language="en")
    c = factories.company(legal_name="ООО «Ждущие»")
    v = factories.company(legal_name="ООО «Гости»")
    regs = {
        "a": factories.registration(fair, a),
        "b": factories.registration(fair, b),
        "c": factories.registration(fair, c, status=S.SUBMITTED),
        "v": factories.registration(
            fair, v, role=RegistrationRole.VISITOR, stand_type=None, area=None
        ),
    }
    staff = make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=organizer.id)
    foreign_staff = make_user(
        "staff@minskexpo.by", role=Role.STAFF, organizer_id=other.organizer_id
    )
    factories.session.commit()
    return {
        "fair": fair,
        "regs": regs,
        "companies": {"a": a, "b": b, "c": c, "v": v},
        "staff": staff,
        "foreign_staff": foreign_staff,
    }


def _mails(db, kind="stand"):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    ).all()


def _assign(client, reg, hall, stand, version=None):
    return client.post(
        f"/organizer/registrations/{reg.id}/stand",
        data={"version": version or reg.version, "hall": hall, "stand": stand},
    )


def _sequence(ics: bytes) -> int:
    text = ics.decode()
    block = text[text.index("UID:fair-") : text.index("END:VEVENT", text.index("UID:fair-"))]
    return int(re.search(r"SEQUENCE:(\d+)", block).group(1))


def _unfolded(ics: bytes) -> str:
    return ics.decode().replace("\r\n ", "")


# --- one by one ---------------------------------------------------------------------------------


def test_organizer_assigns_a_stand_and_the_company_is_told(client, db, setup, login_as):
    login_as(setup["staff"])
    reg, company = setup["regs"]["b"], setup["companies"]["b"]
    before = fair_calendar_for(company, setup["fair"], "en")
    response = _assign(client, reg, "  Pavilion   1 ", "A-12")
    assert response.status_code == 303
    db.session.expire_all()
    assert (reg.hall, reg.stand) == ("Pavilion 1", "A-12")
    assert reg.history[-1].action == "stand"
    assert reg.history[-1].changes == {"hall": [None, "Pavilion 1"], "stand": [None, "A-12"]}
    # The mail, in the company's language (English here), with the updated calendar entry.
    (mail,) = _mails(db)
    assert mail.to_email == company.email
    assert mail.lang == "en"
    assert "Pavilion 1" in mail.body_text
    assert "A-12" in mail.body_text
    assert "Hall: Pavilion 1, stand: A-12" in mail.body_text
    assert "LOCATION:Hall: Pavilion 1\\, stand: A-12\\, " in mail.attachments[0]["data"].replace(
        "\r\n ", ""
    )
    # The calendar: LOCATION and DESCRIPTION name it, SEQUENCE went up.
    after = fair_calendar_for(company, setup["fair"], "en")
    assert _sequence(after) > _sequence(before)
    assert "LOCATION:Hall: Pavilion 1\\, stand: A-12\\, " in _unfolded(after)
    assert "Hall: Pavilion 1\\, stand: A-12" in _unfolded(after).split("DESCRIPTION:")[1]
    assert "Pavilion 1" not in _unfolded(before)
    # The organizer's page and the change log show it.
    page = client.get(f"/organizer/registrations/{reg.id}").get_data(as_text=True)
    assert "Hall: Pavilion 1, stand: A-12" in page
    assert "Stand assigned" in client.get("/organizer/fairs/prodexpo/log").get_data(as_text=True)


def test_a_changed_stand_says_where_it_was_in_russian(client, db, setup, login_as):
    login_as(setup["staff"])
    reg = setup["regs"]["a"]
    _assign(client, reg, "Павильон 1", "12")
    db.session.expire_all()
    assert _assign(client, reg, "Павильон 2", "7").status_code == 303
    _first, second = _mails(db)
    assert second.lang == "ru"
    assert "Павильон 2" in second.body_text
    assert "Павильон 1" in second.body_text
    assert "изменил" in second.subject.lower() or "измен" in second.body_text


def test_the_company_sees_its_stand(client, db, setup, login_as, make_user):
    reg = setup["regs"]["a"]
    stand_services.assign_stand(reg, hall="Павильон 1", stand="12", actor=setup["staff"])
    db.session.commit()
    assert reg.stand_number == "12 (Павильон 1)"  # as the opening reminder names it
    login_as(make_user(company=setup["companies"]["a"]))
    mine = client.get("/my/fairs").get_data(as_text=True)
    assert "Павильон 1" in mine
    assert "12" in mine
    show = client.get(f"/my/registrations/{reg.id}").get_data(as_text=True)
    assert "Павильон 1" in show


def test_a_stand_taken_by_another_exhibitor_is_refused(client, db, setup, login_as):
    login_as(setup["staff"])
    a, b = setup["regs"]["a"], setup["regs"]["b"]
    _assign(client, a, "1", "A-12")
    response = _assign(client, b, "1", "A-12")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already given to another exhibitor" in page or "уже отдан" in page
    db.session.expire_all()
    assert b.stand is None
    assert len(_mails(db)) == 1


def test_only_approved_exhibitors_get_a_stand(db, setup):
    for key in ("c", "v"):
        with pytest.raises(stand_services.StandNotAllowed):
            stand_services.assign_stand(
                setup["regs"][key], hall="1", stand="1", actor=setup["staff"]
            )
    with pytest.raises(stand_services.InvalidStand):
        stand_services.assign_stand(setup["regs"]["a"], hall="1", stand="", actor=setup["staff"])
    assert _mails(db) == []


def test_a_stale_page_is_refused(client, db, setup, login_as):
    login_as(setup["staff"])
    reg = setup["regs"]["a"]
    _assign(client, reg, "1", "1", version=reg.version + 5)
    db.session.expire_all()
    assert reg.stand is None


def test_another_organizers_staff_cannot_assign(client, db, setup, login_as):
    login_as(setup["foreign_staff"])
    assert _assign(client, setup["regs"]["a"], "1", "1").status_code == 404


def test_taking_a_stand_away_and_withdrawn_exhibitors_hold_none(db, setup):
    a, b = setup["regs"]["a"], setup["regs"]["b"]
    staff = setup["staff"]
    stand_services.assign_stand(a, hall="1", stand="5", actor=staff)
    a.status = S.WITHDRAWN
    db.session.flush()
    # The withdrawn application keeps its record but no longer holds the stand.
    assert stand_services.assign_stand(b, hall="1", stand="5", actor=staff) is True
    assert stand_services.assign_stand(b, hall=None, stand=None, actor=staff) is True
    assert (b.hall, b.stand) == (None, None)
    assert "taken back" in _mails(db)[-1].subject or "taken back" in _mails(db)[-1].body_text


# --- the database keeps the rule, and a race gets a clear answer --------------------------------


def test_the_unique_index_refuses_a_second_holder(db, setup):
    a, b = setup["regs"]["a"], setup["regs"]["b"]
    a.hall = b.hall = "1"
    a.stand = b.stand = "A-1"
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_a_race_for_the_same_stand_is_a_clear_error_not_a_500(
    client, db, setup, login_as, monkeypatch
):
    """As if another organizer took the stand between the check and the write: the index
    refuses it, the page says so, nothing is half-saved."""
    login_as(setup["staff"])
    a, b = setup["regs"]["a"], setup["regs"]["b"]
    stand_services.assign_stand(a, hall="1", stand="A-1", actor=setup["staff"])
    db.session.commit()
    monkeypatch.setattr(stand_services, "holder", lambda *args: select(Registration).where(false()))
    response = _assign(client, b, "1", "A-1")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already given to another exhibitor" in page or "уже отдан" in page
    db.session.expire_all()
    assert b.stand is None
    assert all(change.action != "stand" for change in b.history)
    assert len(_mails(db)) == 1


# --- bulk upload ---------------------------------------------------------------------------------


def _upload(client, data: bytes, name: str):
    return client.post(
        "/organizer/fairs/prodexpo/stands",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _apply_form(page: str) -> str:
    match = (
        re.search(r'name="rows" type="hidden" value="([^"]*)"', page)
        or re.search(r'type="hidden" name="rows" value="([^"]*)"', page)
        or re.search(r'id="rows" name="rows" type="hidden" value="([^"]*)"', page)
    )
    assert match, "the preview offers to apply"
    import html

    return html.unescape(match.group(1))


def test_bulk_upload_csv_with_bom_cyrillic_and_apply(client, db, setup, login_as):
    login_as(setup["staff"])
    b_tax = setup["companies"]["b"].tax_id
    csv_text = f"УНП/ИНН;Павильон;Стенд\r\n100 219 673;Павильон 1;А-1\r\n{b_tax};Павильон 1;А-2\r\n"
    response = _upload(client, csv_text.encode("utf-8-sig"), "стенды.csv")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "ОАО «Гомельдрев»" in page
    assert "Павильон 1" in page
    db.session.expire_all()
    assert setup["regs"]["a"].stand is None  # a preview saves nothing
    rows = _apply_form(page)
    applied = client.post("/organizer/fairs/prodexpo/stands/apply", data={"rows": rows})
    assert applied.status_code == 303
    db.session.expire_all()
    assert (setup["regs"]["a"].hall, setup["regs"]["a"].stand) == ("Павильон 1", "А-1")
    assert setup["regs"]["b"].stand == "А-2"
    assert len(_mails(db)) == 2
    assert setup["regs"]["a"].history[-1].action == "stand"
    # The attendee list and its exports show it.
    listing = client.get("/organizer/fairs/prodexpo/registrations").get_data(as_text=True)
    assert "А-1" in listing
    exported = client.get("/organizer/fairs/prodexpo/registrations.csv").data.decode("utf-8-sig")
    assert '"Павильон 1";"А-1"' in exported
    sheet = load_workbook(
        io.BytesIO(client.get("/organizer/fairs/prodexpo/registrations.xlsx").data)
    ).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "А-2" in values
    assert "Павильон 1" in values


def test_bulk_upload_shows_every_rows_error_and_saves_nothing(client, db, setup, login_as):
    login_as(setup["staff"])
    staff = setup["staff"]
    # Company B holds 2/9, and the file does not move it.
    stand_services.assign_stand(setup["regs"]["b"], hall="2", stand="9", actor=staff)
    db.session.commit()
    a_tax, c_tax = "100219673", setup["companies"]["c"].tax_id
    v_tax = setup["companies"]["v"].tax_id
    lines = [
        "tax id,hall,stand",
        f"{a_tax},1,A-1",  # line 2: fine by itself
        "999999999,1,A-2",  # line 3: unknown
        f"{c_tax},1,A-3",  # line 4: not approved
        f"{v_tax},1,A-4",  # line 5: a visitor
        f"{a_tax},1,A-5",  # line 6: the same company again
        f"{setup['companies']['b'].tax_id},,",  # line 7: empty values
        '123,"=HYPERLINK(""http://evil"")",1',  # line 8: a formula
        f"{c_tax},2,9",  # line 9: not approved
    ]
    response = _upload(client, "\n".join(lines).encode(), "stands.csv")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in (
        "No company with this tax number has applied to this fair.",
        "This company is not an approved exhibitor of this fair.",
        "This company is already in line 2.",
        "The tax number, hall and stand must all be filled in.",
        "A hall or stand may not start with =, +, - or @.",
    ):
        assert message in page, message
    assert '<a href="http://evil"' not in page
    assert 'name="rows"' not in page  # nothing to apply
    # Applying such rows anyway (a forged form) is refused as a whole.
    import json

    rows = [[2, a_tax, "1", "A-1"], [3, "999999999", "1", "A-2"]]
    forged = client.post("/organizer/fairs/prodexpo/stands/apply", data={"rows": json.dumps(rows)})
    assert forged.status_code == 422
    db.session.expire_all()
    assert setup["regs"]["a"].stand is None
    assert len(_mails(db)) == 1  # only B's, from before


@force_locale("en")
def test_bulk_rows_checked_against_each_other_and_held_stands(db, setup):
    staff = setup["staff"]
    stand_services.assign_stand(setup["regs"]["b"], hall="2", stand="9", actor=staff)
    a_tax, b_tax = "100219673", setup["companies"]["b"].tax_id
    rows = stand_services.check_rows(setup["fair"].id, [(1, a_tax, "2", "9")])
    assert "held by ООО «Вятские сладости»" in rows[0].error
    # The same stand twice in the file.
    rows = stand_services.check_rows(setup["fair"].id, [(1, a_tax, "3", "1"), (2, b_tax, "3", "1")])
    assert rows[0].error is None
    assert rows[1].error == "This stand is already given in line 1."
    # A swap: both move, nothing is held by anyone the file leaves alone.
    stand_services.assign_stand(setup["regs"]["a"], hall="2", stand="8", actor=staff)
    rows = stand_services.check_rows(setup["fair"].id, [(1, a_tax, "2", "9"), (2, b_tax, "2", "8")])
    assert [r.error for r in rows] == [None, None]
    changed = stand_services.assign_many(
        setup["fair"].id,
        [stand_services.Assignment(r.registration, r.hall, r.stand) for r in rows],
        actor=staff,
    )
    assert changed == 2
    assert (setup["regs"]["a"].stand, setup["regs"]["b"].stand) == ("9", "8")


def test_bulk_upload_xlsx_with_numbers_and_formulas(client, db, setup, login_as):
    login_as(setup["staff"])
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Tax id", "Hall", "Stand"])
    sheet.append([100219673, "Hall 3", 15])  # numbers as typed into Excel
    sheet.append([setup["companies"]["b"].tax_id, "=1+1", "B"])
    out = io.BytesIO()
    workbook.save(out)
    response = _upload(client, out.getvalue(), "stands.xlsx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Hall 3" in page
    assert "ОАО «Гомельдрев»" in page
    assert "A hall or stand may not start with =, +, - or @." in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"<html><script>alert(1)</script></html>",
            "stands.png",
            "Upload an XLSX workbook or a CSV",
        ),
        (b"PK\x03\x04 not really a zip", "stands.xlsx", "could not be read as an XLSX"),
        (b"", "stands.csv", "Choose a file"),
        (b"tax id;hall;stand\n", "stands.csv", "holds no rows"),
    ],
)
def test_a_bad_file_gets_a_clear_refusal(client, db, setup, login_as, data, name, message):
    login_as(setup["staff"])
    response = _upload(client, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_windows_1251_csv_is_read(client, db, setup, login_as):
    login_as(setup["staff"])
    data = "100219673;Павильон 4;12\n".encode("cp1251")
    response = _upload(client, data, "stands.csv")
    assert response.status_code == 200
    assert "Павильон 4" in response.get_data(as_text=True)


def test_the_upload_page_explains_what_to_do(client, db, setup, login_as):
    login_as(setup["staff"])
    page = client.get("/organizer/fairs/prodexpo/stands").get_data(as_text=True)
    assert "tax number, the hall, the stand number" in page
    login_as(setup["foreign_staff"])
    assert client.get("/organizer/fairs/prodexpo/stands").status_code == 404


def test_the_check_reads_a_long_file_in_a_few_queries(db, setup, factories, count_queries):
    companies = [factories.company() for _ in range(30)]
    for company in companies:
        factories.registration(setup["fair"], company)
    cells = [(n, c.tax_id, "5", str(n)) for n, c in enumerate(companies, start=1)]
    with count_queries() as counter:
        rows = stand_services.check_rows(setup["fair"].id, cells)
    assert all(r.error is None for r in rows)
    assert counter.count <= 3
