"""Import of season plans in the console: upload, preview, confirm, re-import, refusals."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import Fair, FairKind, FairStatus, Oblast
from fairplanner.db import utcnow
from fairplanner.organizers.models import FairChange, FairImport

FILES = Path(__file__).parent.parent / "imports" / "files"
SECTORS = {
    "agriculture": ("Сельское хозяйство", "Agriculture"),
    "food": ("Пищевая промышленность", "Food industry"),
    "energy": ("Энергетика", "Energy"),
    "forestry": ("Лесная промышленность", "Forestry"),
    "light-industry": ("Лёгкая промышленность", "Light industry"),
}
CITIES = {
    "minsk": ("Минск", "Minsk", Oblast.MINSK_CITY),
    "mogilev": ("Могилёв", "Mogilev", Oblast.MOGILEV),
    "grodno": ("Гродно", "Grodno", Oblast.GRODNO),
    "brest": ("Брест", "Brest", Oblast.BREST),
}
VENUES = {  # slug: (city, name_ru, name_en)
    "manege": ("minsk", "Футбольный манеж", "Football Manege"),
    "minskexpo": ("minsk", "Минскэкспо", "MinskExpo"),
    "arena": ("minsk", "Минск-Арена", "Minsk-Arena"),
    "palace": ("mogilev", "Дворец спорта", "Sports Palace"),
    "grodno-cci": ("grodno", "Гродненская ТПП", "Grodno CCI"),
}


@pytest.fixture(autouse=True)
def english(app, request):
    """The pages in English, whatever the Russian catalogue says (a test may choose another)."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").set_cookie(app.config["LANGUAGE_COOKIE"], "en")


@pytest.fixture
def catalogue(factories):
    for code, (ru, en) in SECTORS.items():
        factories.sector(code, name_ru=ru, name_en=en)
    cities = {
        slug: factories.city(slug, name_ru=ru, name_en=en, oblast=oblast)
        for slug, (ru, en, oblast) in CITIES.items()
    }
    return {
        slug: factories.venue(slug, city=cities[city], name_ru=ru, name_en=en)
        for slug, (city, ru, en) in VENUES.items()
    }


@pytest.fixture
def organizer(factories):
    return factories.organizer("belexpo", name_ru="Белэкспо", name_en="BelExpo")


@pytest.fixture
def staff(catalogue, organizer, make_user, login_as):
    return login_as(make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=organizer.id))


def fairs_of(db, organizer_id: int) -> list[Fair]:
    db.session.expire_all()
    return db.session.scalars(
        select(Fair).where(Fair.organizer_id == organizer_id).order_by(Fair.id)
    ).all()


def counts(db) -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Fair.id))),
        db.session.scalar(select(func.count(FairImport.id))),
        db.session.scalar(select(func.count(FairChange.id))),
    )


def upload(client, name: str, data: bytes | None = None, **form):
    if data is None:
        data = (FILES / name).read_bytes()
    # Built here to be closed here: a large body is a temporary file.
    builder = EnvironBuilder(
        path="/organizer/imports",
        method="POST",
        data={"file": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def latest(db) -> FairImport:
    db.session.expire_all()
    return db.session.scalars(select(FairImport).order_by(FairImport.id.desc())).first()


def confirm(client, batch: FairImport):
    page = client.get(f"/organizer/imports/{batch.id}").get_data(as_text=True)
    seen = page.split('name="seen" value="', 1)[1].split('"', 1)[0]
    return client.post(f"/organizer/imports/{batch.id}/confirm", data={"seen": seen})


# The sample files against this catalogue: (new fairs, rows with errors). A row errs when its
# venue is missing or not in the catalogue (Вильнюс, Москва, "Минск" as a venue).
SAMPLES = {
    "apple.ics": (1, 2),
    "google.ics": (1, 2),
    "outlook.ics": (1, 3),
    "thunderbird.ics": (0, 2),
    "plan_bad_rows.csv": (0, 6),
    "plan_cp1251.csv": (2, 0),
    "plan_excel_unicode.txt": (2, 0),
    "plan_utf8_bom.csv": (2, 0),
    "plan_real_dates.xlsx": (3, 0),
    "plan_serial_text_dates.xlsx": (1, 3),
}


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_file_previews_applies_and_reimports_as_updates(name, client, db, staff):
    new, failed = SAMPLES[name]
    before = counts(db)
    response = upload(client, name)
    assert response.status_code == 303
    batch = latest(db)
    assert (batch.created, batch.updated, batch.failed, batch.status) == (new, 0, failed, "pending")
    # The preview writes nothing but the pending import.
    assert counts(db) == (before[0], before[1] + 1, before[2])
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("New fair (a draft)") == new
    assert html.count("Error:") == failed
    if not new:
        assert "There is nothing to apply" in html
        assert 'name="seen"' not in html
        return
    done = confirm(client, batch)
    assert done.status_code == 303
    fairs = fairs_of(db, staff.organizer_id)
    assert len(fairs) == new
    assert {f.status for f in fairs} == {FairStatus.DRAFT}
    assert all(f.external_id for f in fairs)
    logged = db.session.scalars(
        select(FairChange.action).where(FairChange.fair_id.in_([f.id for f in fairs]))
    )
    assert sorted(logged) == ["imported"] * new
    applied = latest(db)
    assert (applied.status, applied.created, applied.applied_at is not None) == (
        "applied",
        new,
        True,
    )
    html = client.get(f"/organizer/imports/{applied.id}").get_data(as_text=True)
    assert html.count("Created as a draft") == new
    assert html.count("Left out:") == failed
    for fair in fairs:
        assert f"/organizer/fairs/{fair.slug}/edit" in html

    # The same file again: every fair it made is unchanged, nothing is added.
    upload(client, name)
    again = latest(db)
    assert (again.created, again.updated, again.unchanged) == (0, 0, new)
    html = client.get(f"/organizer/imports/{again.id}").get_data(as_text=True)
    assert html.count("Unchanged:") == new
    assert len(fairs_of(db, staff.organizer_id)) == new


def test_a_changed_plan_updates_its_fairs_and_logs_the_import(client, db, staff, catalogue):
    upload(client, "plan_utf8_bom.csv")
    confirm(client, latest(db))
    belagro = next(f for f in fairs_of(db, staff.organizer_id) if f.external_id == "P-001")
    revision = belagro.revision
    text = (FILES / "plan_utf8_bom.csv").read_bytes().decode("utf-8-sig")
    moved = text.replace("01.06.2027", "02.06.2027").replace("Футбольный манеж", "Минскэкспо", 1)
    assert moved != text
    upload(client, "plan_utf8_bom.csv", moved.encode())
    batch = latest(db)
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 1)
    html = client.get(f"/organizer/imports/{batch.id}").get_data(as_text=True)
    assert "Update of" in html
    assert confirm(client, batch).status_code == 303
    fairs = fairs_of(db, staff.organizer_id)
    assert len(fairs) == 2
    belagro = next(f for f in fairs if f.external_id == "P-001")
    assert belagro.starts_on.day == 2
    assert belagro.venue_id == catalogue["minskexpo"].id
    assert belagro.revision > revision
    change = db.session.scalars(
        select(FairChange).where(FairChange.fair_id == belagro.id).order_by(FairChange.id.desc())
    ).first()
    assert change.action == "import edited"
    assert change.actor_id == staff.id
    assert {"starts_on", "venue_id", "source"} <= change.changes.keys()
    log = client.get(f"/organizer/fairs/{belagro.slug}/log").get_data(as_text=True)
    assert "Changed by the import of “plan_utf8_bom.csv”" in log


PLAN_WITHOUT_IDS = (
    "Название;Начало;Окончание;Город;Место проведения;Вид\n"
    "Белагро-2027;01.06.2027;05.06.2027;Минск;Футбольный манеж;выставка\n"
    "Деревообработка;21.09.2027;24.09.2027;Минск;Минскэкспо;\n"
)


def test_rows_without_an_id_find_their_fair_by_russian_name_and_start_year(client, db, staff):
    upload(client, "plan.csv", PLAN_WITHOUT_IDS.encode())
    confirm(client, latest(db))
    fairs = fairs_of(db, staff.organizer_id)
    assert [f.external_id for f in fairs] == [None, None]
    moved = PLAN_WITHOUT_IDS.replace("05.06.2027", "06.06.2027").replace("Белагро", "БЕЛАГРО")
    upload(client, "plan.csv", moved.encode())
    batch = latest(db)
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 1)
    html = client.get(f"/organizer/imports/{batch.id}").get_data(as_text=True)
    assert "Found by its name and year." in html
    confirm(client, batch)
    assert [f.ends_on.day for f in fairs_of(db, staff.organizer_id)] == [6, 24]
    # Another year is another edition: a new fair.
    upload(client, "plan.csv", PLAN_WITHOUT_IDS.replace("2027", "2028").encode())
    assert latest(db).created == 2


def test_a_row_with_an_id_takes_over_a_fair_made_in_the_console(
    client, db, staff, factories, catalogue, organizer
):
    from datetime import date

    made = factories.fair(
        organizer=organizer,
        name_ru="Белагро-2027",
        venue=catalogue["manege"],
        starts_on=date(2027, 6, 1),
        days=5,
        sectors=("agriculture", "food"),
    )
    upload(client, "plan_utf8_bom.csv")
    batch = latest(db)
    assert (batch.created, batch.updated) == (1, 1)
    confirm(client, batch)
    db.session.expire_all()
    assert db.session.get(Fair, made.id).external_id == "P-001"
    assert len(fairs_of(db, staff.organizer_id)) == 2


def test_two_rows_for_one_fair_and_a_clash_of_names_are_row_errors(
    client, db, staff, factories, catalogue
):
    plan = PLAN_WITHOUT_IDS + "Белагро-2027;02.06.2027;05.06.2027;Минск;Футбольный манеж;\n"
    upload(client, "plan.csv", plan.encode())
    batch = latest(db)
    # Two new fairs of one name: the second has its own address (slug).
    assert (batch.created, batch.failed) == (3, 0)
    confirm(client, batch)
    assert len({f.slug for f in fairs_of(db, staff.organizer_id)}) == 3
    upload(client, "plan.csv", PLAN_WITHOUT_IDS.encode())
    html = client.get(f"/organizer/imports/{latest(db).id}").get_data(as_text=True)
    assert "several fairs of this name in 2027" in html


def test_a_fair_moved_earlier_keeps_its_registration_within_its_dates(client, db, staff):
    upload(client, "plan_utf8_bom.csv")
    confirm(client, latest(db))
    text = (FILES / "plan_utf8_bom.csv").read_bytes().decode("utf-8-sig")
    earlier = text.replace("01.06.2027", "01.01.2027").replace("05.06.2027", "02.01.2027")
    upload(client, "plan_utf8_bom.csv", earlier.encode())
    assert confirm(client, latest(db)).status_code == 303
    fair = next(f for f in fairs_of(db, staff.organizer_id) if f.external_id == "P-001")
    assert fair.registration_opens_on <= fair.registration_deadline <= fair.ends_on


BAD_FILES = {
    "broken.xlsx": "not an Excel workbook",
    "not_a_calendar.ics": "not a calendar",
    "photo.csv": "neither UTF-8 nor Windows-1251",
}


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        *[(name, None, words) for name, words in BAD_FILES.items()],
        ("empty.csv", b"  \n", "The file is empty."),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 600, "old Excel file"),
        ("big.csv", b"a;b\n" * (1_400_000), "larger than 5 MB"),
    ],
)
def test_a_bad_file_is_refused_in_words_and_changes_nothing(client, db, staff, name, data, words):
    before = counts(db)
    response = upload(client, name, data)
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)
    assert counts(db) == before


def test_no_file_and_no_address_or_both_are_refused(client, db, staff):
    before = counts(db)
    response = client.post("/organizer/imports", data={"url": ""})
    assert response.status_code == 422
    assert "Choose a file or give a calendar address." in response.get_data(as_text=True)
    response = upload(client, "google.ics", url="https://example.com/a.ics")
    assert response.status_code == 422
    assert "not both" in response.get_data(as_text=True)
    assert counts(db) == before


def test_a_batch_is_applied_once(client, db, staff):
    upload(client, "plan_cp1251.csv")
    batch = latest(db)
    page = client.get(f"/organizer/imports/{batch.id}").get_data(as_text=True)
    seen = page.split('name="seen" value="', 1)[1].split('"', 1)[0]
    first = client.post(f"/organizer/imports/{batch.id}/confirm", data={"seen": seen})
    assert first.status_code == 303
    again = client.post(f"/organizer/imports/{batch.id}/confirm", data={"seen": seen})
    assert again.status_code == 409
    assert "applied already" in again.get_data(as_text=True)
    assert len(fairs_of(db, staff.organizer_id)) == 2
    html = client.get(f"/organizer/imports/{batch.id}").get_data(as_text=True)
    assert "Applied" in html
    assert 'name="seen"' not in html


def test_a_confirmation_of_another_preview_is_refused(client, db, staff, factories, catalogue):
    upload(client, "plan_cp1251.csv")
    batch = latest(db)
    before = counts(db)
    response = client.post(f"/organizer/imports/{batch.id}/confirm", data={"seen": "x"})
    assert response.status_code == 422
    assert "Check the preview again" in response.get_data(as_text=True)
    assert counts(db) == before
    assert latest(db).status == "pending"


def test_an_expired_preview_says_so_and_applies_nothing(client, db, staff):
    upload(client, "plan_cp1251.csv")
    batch = latest(db)
    page = client.get(f"/organizer/imports/{batch.id}").get_data(as_text=True)
    seen = page.split('name="seen" value="', 1)[1].split('"', 1)[0]
    batch.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    response = client.get(f"/organizer/imports/{batch.id}")
    assert response.status_code == 410
    assert "This preview has expired" in response.get_data(as_text=True)
    before = counts(db)
    response = client.post(f"/organizer/imports/{batch.id}/confirm", data={"seen": seen})
    assert response.status_code == 409
    assert counts(db) == before
    assert client.get("/organizer/imports/999999").status_code == 404


def test_other_organizers_members_and_anonymous_users_cannot_reach_an_import(
    app, client, db, staff, factories, make_user, login_as
):
    upload(client, "plan_cp1251.csv")
    batch = latest(db)
    other = factories.organizer("minskexpo")
    login_as(make_user("staff@minskexpo.by", role=Role.STAFF, organizer_id=other.id))
    assert client.get(f"/organizer/imports/{batch.id}").status_code == 404
    assert (
        client.post(f"/organizer/imports/{batch.id}/confirm", data={"seen": "x"}).status_code == 404
    )
    assert f"/organizer/imports/{batch.id}" not in client.get("/organizer/imports").get_data(
        as_text=True
    )
    login_as(make_user())  # a company member
    assert client.get("/organizer/imports").status_code == 403
    assert client.post(f"/organizer/imports/{batch.id}/confirm").status_code == 403
    login_as(make_user("admin@fairplanner.by", role=Role.ADMIN))
    assert client.get(f"/organizer/imports/{batch.id}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get("/organizer/imports").status_code == 302
    assert anonymous.post(f"/organizer/imports/{batch.id}/confirm").status_code == 302
    assert latest(db).status == "pending"
    assert fairs_of(db, staff.organizer_id) == []


def test_the_forms_need_their_csrf_token(app, client, db, staff, monkeypatch):
    upload(client, "plan_cp1251.csv")
    batch = latest(db)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert upload(client, "plan_cp1251.csv").status_code == 400
    assert (
        client.post(f"/organizer/imports/{batch.id}/confirm", data={"seen": "x"}).status_code == 400
    )
    assert latest(db).id == batch.id
    assert fairs_of(db, staff.organizer_id) == []


@pytest.mark.parametrize(("lang", "first"), [("ru", "Название (рус.)"), ("en", "Name (English)")])
def test_the_template_downloads_in_the_readers_language(app, client, db, staff, lang, first):
    client.set_cookie(app.config["LANGUAGE_COOKIE"], lang)
    page = client.get("/organizer/imports", headers={"Accept-Language": lang})
    assert first.split(" (")[0] in page.get_data(as_text=True)
    response = client.get("/organizer/imports/template.xlsx", headers={"Accept-Language": lang})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert first in header or lang == "en"
    assert header[-1] in ("Код", "ID")


def test_the_console_links_the_import_and_the_history_lists_it(client, db, staff):
    assert "/organizer/imports" in client.get("/organizer/").get_data(as_text=True)
    html = client.get("/organizer/imports").get_data(as_text=True)
    assert "No imports yet" in html
    upload(client, "plan_cp1251.csv")
    html = client.get("/organizer/imports").get_data(as_text=True)
    assert "plan_cp1251.csv" in html
    assert "Waiting for confirmation" in html
    assert "2 new" in html


# --- a calendar address ----------------------------------------------------------------------


@dataclass
class Server:
    url: str
    answers: dict[str, tuple[int, bytes, dict[str, str]]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    drip: dict[str, float] = field(default_factory=dict)  # path -> seconds between chunks


@pytest.fixture
def server() -> Iterator[Server]:
    """A real HTTP server on 127.0.0.1, answering each path as told."""
    state = Server(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's hook name
            state.requests.append(self.path)
            status, body, headers = state.answers.get(self.path, (404, b"no", {}))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            pause = state.drip.get(self.path)
            if pause is None:
                self.wfile.write(body)
                return
            for start in range(0, len(body), 64):  # a server that sends slowly
                time.sleep(pause)
                try:
                    self.wfile.write(body[start : start + 64])
                    self.wfile.flush()
                except OSError:  # the client gave up
                    return

        def log_message(self, *args: object) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{http.server_address[1]}"
    yield state
    http.shutdown()
    http.server_close()
    thread.join()


@pytest.fixture
def allow_private(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORTS_ALLOW_PRIVATE", True)


def test_a_calendar_address_is_read_through_a_redirect(client, db, staff, server, allow_private):
    server.answers["/cal/basic.ics"] = (200, (FILES / "google.ics").read_bytes(), {})
    server.answers["/old"] = (302, b"", {"Location": "/cal/basic.ics"})
    response = client.post("/organizer/imports", data={"url": f"{server.url}/old"})
    assert response.status_code == 303
    batch = latest(db)
    assert batch.source == f"{server.url}/old"
    assert (batch.created, batch.failed) == (1, 2)
    assert server.requests == ["/old", "/cal/basic.ics"]
    confirm(client, batch)
    assert [f.name_ru for f in fairs_of(db, staff.organizer_id)] == [
        "Белорусский промышленный форум"
    ]


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ((404, b"", {}), "There is no calendar at this address"),
        ((500, b"", {}), "HTTP 500"),
        ((403, b"", {}), "is the address public?"),
        ((200, b"<html>not a calendar</html>", {}), "not a calendar"),
        ((200, b"BEGIN:VCALENDAR\r\n" + b"X" * (5 * 1024 * 1024), {}), "larger than 5 MB"),
    ],
)
def test_a_failed_fetch_is_said_in_words(client, db, staff, server, allow_private, answer, words):
    server.answers["/cal.ics"] = answer
    before = counts(db)
    response = client.post("/organizer/imports", data={"url": f"{server.url}/cal.ics"})
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)
    assert counts(db) == before


def test_a_slow_server_is_given_up_on_in_time(
    app, client, db, staff, server, allow_private, monkeypatch
):
    """Each chunk comes within the socket's timeout, but the whole takes too long."""
    monkeypatch.setitem(app.config, "IMPORTS_FETCH_SECONDS", 0.5)
    server.answers["/slow.ics"] = (200, (FILES / "google.ics").read_bytes(), {})
    server.drip["/slow.ics"] = 0.1
    started = time.monotonic()
    response = client.post("/organizer/imports", data={"url": f"{server.url}/slow.ics"})
    assert time.monotonic() - started < 3
    assert response.status_code == 422
    assert "did not send the calendar in time" in response.get_data(as_text=True)
    assert latest(db) is None


def test_a_private_address_is_refused_before_any_request(client, db, staff, server):
    server.answers["/cal.ics"] = (200, (FILES / "google.ics").read_bytes(), {})
    for url in (f"{server.url}/cal.ics", "http://10.0.0.1/cal.ics", "http://localhost/x.ics"):
        response = client.post("/organizer/imports", data={"url": url})
        assert response.status_code == 422
        assert "private or local network" in response.get_data(as_text=True)
    assert server.requests == []
    assert latest(db) is None


def test_a_redirect_to_a_private_address_is_refused(app, client, db, staff, server, monkeypatch):
    # The server is on loopback, so this test lets loopback through for the first hop only.
    from fairplanner.webhooks import targets

    real = targets.resolve

    def first_hop_allowed(url, *, allow_http, allow_private):
        return real(url, allow_http=allow_http, allow_private=url.startswith(server.url))

    monkeypatch.setattr(targets, "resolve", first_hop_allowed)
    server.answers["/cal.ics"] = (302, b"", {"Location": "http://169.254.169.254/latest"})
    response = client.post("/organizer/imports", data={"url": f"{server.url}/cal.ics"})
    assert response.status_code == 422
    assert "private or local network" in response.get_data(as_text=True)


def test_only_https_where_plain_http_is_not_allowed(app, client, db, staff, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORTS_ALLOW_HTTP", False)
    response = client.post("/organizer/imports", data={"url": "http://example.com/cal.ics"})
    assert response.status_code == 422
    assert "https://" in response.get_data(as_text=True)


def test_an_unreachable_server_is_said_in_words(client, db, staff, allow_private):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    response = client.post("/organizer/imports", data={"url": f"http://127.0.0.1:{port}/c.ics"})
    assert response.status_code == 422
    assert "did not answer" in response.get_data(as_text=True)


# --- the round trip --------------------------------------------------------------------------


def test_the_catalogue_exported_as_ics_imports_into_an_empty_organizer(
    app, client, db, factories, catalogue, make_user, login_as
):
    """Export the public feed (with the programme, and a cancelled fair) with the app's own
    writer, import it into another organizer: the same names, dates, cities and venues."""
    from datetime import date

    source = factories.organizer("minskexpo")
    made = [
        factories.fair(
            organizer=source,
            name_ru="Белагро-2027",
            venue=catalogue["manege"],
            starts_on=date(2027, 6, 1),
            days=5,
            programme=3,
        ),
        factories.fair(
            organizer=source,
            name_ru="Форум регионов",
            venue=catalogue["palace"],
            starts_on=date(2027, 6, 26),
            days=2,
            kind=FairKind.FORUM,
        ),
        factories.fair(
            organizer=source,
            name_ru="Ярмарка «Гродно»",
            venue=catalogue["grodno-cci"],
            starts_on=date(2027, 3, 20),
            days=1,
            status=FairStatus.CANCELLED,
            cancelled_at=utcnow(),
            cancel_reason_ru="Перенос",
        ),
    ]
    feed = client.get("/calendar.ics?detail=programme&lang=ru")
    assert feed.status_code == 200
    assert b"UID:event-" in feed.data
    unfolded = feed.data.replace(b"\r\n ", b"").decode()
    # "Отменено: " where the Russian catalogue is compiled, "Cancelled: " where it is not.
    assert "Отменено: Ярмарка" in unfolded or "Cancelled: Ярмарка" in unfolded
    target = factories.organizer("gomelexpo")
    staff = login_as(make_user("staff@gomelexpo.by", role=Role.STAFF, organizer_id=target.id))
    assert upload(client, "calendar.ics", feed.data).status_code == 303
    batch = latest(db)
    assert (batch.created, batch.failed) == (3, 0)  # no programme items
    confirm(client, batch)
    imported = {f.name_ru: f for f in fairs_of(db, staff.organizer_id)}
    assert set(imported) == {f.name_ru for f in made}
    for fair in made:
        copy = imported[fair.name_ru]
        assert (copy.starts_on, copy.ends_on) == (fair.starts_on, fair.ends_on)
        assert copy.venue_id == fair.venue_id
        assert copy.venue.city_id == fair.venue.city_id
        assert copy.external_id == f"fair-{fair.id}@{app.config['ICAL_DOMAIN']}"
        assert copy.status == FairStatus.DRAFT
    # Imported again: unchanged, no copies.
    upload(client, "calendar.ics", feed.data)
    assert (latest(db).created, latest(db).unchanged) == (0, 3)


def test_two_confirmations_at_once_apply_the_plan_once(app, committed):
    """Two tabs (or two app servers) confirm the same preview at the same moment: one
    applies it, the other finds it applied; no fair twice."""
    import time

    from sqlalchemy import event

    from tests.factories import Factories

    factories = Factories(committed.session)
    for code, (ru, en) in SECTORS.items():
        factories.sector(code, name_ru=ru, name_en=en)
    minsk = factories.city("minsk", name_ru="Минск", name_en="Minsk")
    factories.venue("manege", city=minsk, name_ru="Футбольный манеж")
    factories.venue("minskexpo", city=minsk, name_ru="Минскэкспо")
    organizer = factories.organizer("belexpo")
    user = factories.user(role=Role.STAFF, organizer_id=organizer.id).get_id()
    clients = []
    for _ in range(2):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user
        clients.append(client)
    assert upload(clients[0], "plan_utf8_bom.csv").status_code == 303
    batch_id = committed.session.scalars(select(FairImport.id)).one()
    page = clients[0].get(f"/organizer/imports/{batch_id}").get_data(as_text=True)
    seen = page.split('name="seen" value="', 1)[1].split('"', 1)[0]
    # The test's own session ends its transaction: no SQLite lock held, no old snapshot read.
    committed.session.commit()

    def dawdle(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE FAIR_IMPORTS"):
            time.sleep(0.05)

    event.listen(committed.engine, "before_cursor_execute", dawdle)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def post(client) -> None:
        start.wait()
        response = client.post(f"/organizer/imports/{batch_id}/confirm", data={"seen": seen})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    event.remove(committed.engine, "before_cursor_execute", dawdle)
    assert sorted(statuses) == [303, 409]
    committed.session.rollback()
    assert committed.session.scalar(select(func.count(Fair.id))) == 2
    assert committed.session.scalar(select(FairImport.status)) == "applied"


def test_the_rows_errors_are_said_in_the_readers_language(app, client, db, staff):
    """Kept as message ids between the preview and the confirmation, the errors are said in
    whichever language the page is read."""
    upload(client, "plan_bad_rows.csv")
    batch = latest(db)
    assert "The start date is missing." in client.get(f"/organizer/imports/{batch.id}").get_data(
        as_text=True
    )
    client.set_cookie(app.config["LANGUAGE_COOKIE"], "ru")
    html = client.get(f"/organizer/imports/{batch.id}").get_data(as_text=True)
    assert "Не указана дата начала." in html
    assert "«31.02.2027»" in html  # the value in the message, in Russian quotes


def test_the_preview_and_the_history_take_as_many_queries_for_one_row_as_for_many(
    client, db, staff, count_queries
):
    one = PLAN_WITHOUT_IDS.rsplit("\n", 2)[0] + "\n"
    statements = []
    for plan in (
        one,
        PLAN_WITHOUT_IDS + PLAN_WITHOUT_IDS.split("\n", 1)[1].replace("2027", "2028"),
    ):
        upload(client, "plan.csv", plan.encode())
        batch = latest(db)
        db.session.expire_all()
        with count_queries() as preview:
            assert client.get(f"/organizer/imports/{batch.id}").status_code == 200
        with count_queries() as history:
            assert client.get("/organizer/imports").status_code == 200
        statements.append((preview.count, history.count))
    assert statements[0] == statements[1]


def test_names_from_the_file_are_shown_as_text(client, db, staff):
    plan = PLAN_WITHOUT_IDS.replace("Деревообработка", "<script>alert(1)</script>")
    upload(client, "<img src=x onerror=alert(1)>.csv", plan.encode())
    batch = latest(db)
    for path in (f"/organizer/imports/{batch.id}", "/organizer/imports"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;.csv" in html
