"""The B2B path end to end, in the browser: a Russian and a Belarusian company join a fair's
meetings, one asks, the other accepts; both agendas and both private feeds (read by icalendar
and vobject) show the meeting; the organizer moves it — both feeds show the new time with a
higher SEQUENCE — then cancels it, and both show STATUS:CANCELLED."""

from __future__ import annotations

import tempfile
import urllib.request
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject
from sqlalchemy import select

from fairplanner.accounts.models import Country, User
from fairplanner.calendars.services import feed_token
from fairplanner.catalogue.models import Organizer
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, minsk_today
from fairplanner.meetings import services
from fairplanner.meetings.models import Meeting
from tests.browser.test_company_landing import demo_account, log_in
from tests.factories import PASSWORD, Factories

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir()) / "shots-i17-b2b"


@pytest.fixture(scope="module")
def b2b_fair(live):
    """A fair of the demo organizer with a B2B programme, and two approved exhibitors with a
    member each: one from the Kirov region, one from Gomel."""
    with live.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == demo_account("staff")["email"]))
        factories = Factories(db.session)
        fair = factories.fair(
            slug="b2b-flow-fair",
            name_ru="Лесдревмаш: тест B2B",
            name_en="Lesdrevmash: B2B test",
            starts_on=minsk_today() + timedelta(days=40),
            days=2,
            organizer=db.session.get(Organizer, staff.organizer_id),
        )
        services.save_programme(
            fair,
            services.Settings(
                days=[fair.starts_on, fair.ends_on],
                day_starts=time(10),
                day_ends=time(13),
                slot_minutes=30,
                request_deadline=datetime.combine(fair.starts_on, time(9), MINSK),
                max_meetings=6,
            ),
            actor=staff,
        )
        services.save_tables(
            fair,
            [services.TableRow("Стол 1", "Павильон 2"), services.TableRow("Стол 2", "Павильон 2")],
            actor=staff,
        )
        people = {}
        for key, name, country in (
            ("ru", "ООО «Вятский лесокомбинат»", Country.RUSSIA),
            ("by", "ОАО «Гомельдрев-Тест»", Country.BELARUS),
        ):
            company = factories.company(legal_name=name, short_name=name, country=country)
            user = factories.user(f"b2b-{key}@example.com", company=company)
            factories.registration(fair, company)
            people[key] = {
                "email": user.email,
                "password": PASSWORD,
                "name": name,
                "feed": f"{live.url}/calendar/{feed_token(company).token}.ics",
            }
        db.session.commit()
        return {"slug": fair.slug, "people": people}


def feed_events(url: str) -> list[dict]:
    """The meeting events of a feed, read by both parsers (they must agree)."""
    with urllib.request.urlopen(url) as response:  # noqa: S310 - the test's own server
        body = response.read()
    by_icalendar = [
        {
            "uid": str(e["UID"]),
            "sequence": int(e.get("SEQUENCE", 0)),
            "status": str(e.get("STATUS", "")),
            "start": e.decoded("DTSTART").astimezone(UTC),
            "location": str(e.get("LOCATION", "")),
            "description": str(e.get("DESCRIPTION", "")),
        }
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(e["UID"]).startswith("meeting-")
    ]
    by_vobject = [
        {
            "uid": e.uid.value,
            "sequence": int(e.sequence.value) if hasattr(e, "sequence") else 0,
            "status": e.status.value if hasattr(e, "status") else "",
            "start": e.dtstart.value.astimezone(UTC),
        }
        for e in vobject.readOne(body.decode()).vevent_list
        if e.uid.value.startswith("meeting-")
    ]
    assert [{k: e[k] for k in ("uid", "sequence", "status", "start")} for e in by_icalendar] == (
        by_vobject
    )
    return by_icalendar


def join(page, live, slug: str, who: dict, offers: str) -> None:
    log_in(page, live.url, who)
    page.goto(f"{live.url}/fairs/{slug}/b2b")
    page.locator(f'a[href="/fairs/{slug}/b2b/profile"]').first.click()
    page.locator('[name="offers_ru"]').fill(offers)
    page.locator('[name="seeks_ru"]').fill("Партнёры по деревообработке")
    page.locator("form.b2b-profile button[type=submit]").click()
    page.wait_for_load_state()


def test_two_companies_meet_and_both_calendars_follow_every_change(live, chromium, b2b_fair):
    from playwright.sync_api import expect

    slug, people = b2b_fair["slug"], b2b_fair["people"]
    ru_ctx, by_ctx, org_ctx = (chromium.new_context(locale="ru-RU") for _ in range(3))
    ru, by, org = ru_ctx.new_page(), by_ctx.new_page(), org_ctx.new_page()
    SHOTS.mkdir(exist_ok=True)

    join(ru, live, slug, people["ru"], "Пиломатериалы и фанера из Кировской области")
    join(by, live, slug, people["by"], "Мебельный щит и клеёный брус")

    # The Russian company finds the Belarusian one in the directory and asks for a meeting.
    ru.goto(f"{live.url}/fairs/{slug}/b2b/participants")
    ru.get_by_role("link", name=people["by"]["name"]).first.click()
    ru.locator('[name="message"]').fill("Обсудим поставки фанеры на 2027 год.")
    ru.locator('input[name="slots"]').first.check()
    ru.locator('input[name="slots"]').nth(1).check()
    ru.locator('form[action$="/request"] button[type=submit]').click()
    ru.wait_for_load_state()

    # The Belarusian company accepts the first time proposed.
    by.goto(f"{live.url}/fairs/{slug}/b2b/my")
    by.locator('form[action$="/accept"] input[name="slot"]').first.check()
    by.locator('form[action$="/accept"] button[type=submit]').first.click()
    by.wait_for_load_state()
    by.goto(f"{live.url}/fairs/{slug}/b2b/my")
    expect(by.locator("main")).to_contain_text(people["ru"]["name"])
    expect(by.locator("main")).to_contain_text("Стол 1")
    by.screenshot(path=str(SHOTS / "by-agenda.png"), full_page=True)
    ru.goto(f"{live.url}/fairs/{slug}/b2b/my")
    expect(ru.locator("main")).to_contain_text(people["by"]["name"])
    expect(ru.locator("main")).to_contain_text("Стол 1")

    with live.app.app_context():
        meeting = db.session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()
        meeting_id, first_start = meeting.id, meeting.starts_at
    feeds = [people["ru"]["feed"], people["by"]["feed"]]
    before = [feed_events(url) for url in feeds]
    for events in before:
        assert len(events) == 1
        assert events[0]["uid"].startswith(f"meeting-{meeting_id}@")
        assert events[0]["start"] == first_start
        assert events[0]["status"] == "CONFIRMED"
        assert "Стол 1" in events[0]["location"]
    assert before[0][0]["uid"] == before[1][0]["uid"]
    # Each side sees the other's contacts once accepted.
    assert (
        "b2b-by@example.com" in before[0][0]["description"]
        or people["by"]["name"] in (before[0][0]["description"])
    )

    # The organizer moves it to another time and table.
    log_in(org, live.url, demo_account("staff"))
    org.goto(f"{live.url}/organizer/fairs/{slug}/meetings/{meeting_id}")
    org.locator('select[name="slot"]').select_option(index=3)
    org.locator('select[name="table"]').select_option(label="Стол 2, Павильон 2")
    org.locator('form[action$="/move"] button[type=submit]').click()
    org.wait_for_load_state()
    with live.app.app_context():
        moved_start = db.session.get(Meeting, meeting_id).starts_at
    assert moved_start != first_start
    for url in feeds:
        (event,) = feed_events(url)
        assert event["start"] == moved_start
        assert event["sequence"] > before[0][0]["sequence"]
        assert "Стол 2" in event["location"]

    # ... then cancels it, after the confirmation step.
    org.locator('[name="reason"]').fill("Компания не сможет приехать")
    org.locator('form[action$="/cancel"] button[type=submit]').click()
    org.locator(".confirm button[type=submit]").click()
    org.wait_for_load_state()
    for url in feeds:
        (event,) = feed_events(url)
        assert event["status"] == "CANCELLED"
        assert event["sequence"] >= before[0][0]["sequence"] + 2
    for ctx in (ru_ctx, by_ctx, org_ctx):
        ctx.close()
