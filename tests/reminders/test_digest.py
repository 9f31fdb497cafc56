"""The weekly digest: asked for per member, new fairs in the company's sectors (and Belarusian
region), followed fairs that changed, once per ISO week, never empty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fairplanner.accounts.models import Country
from fairplanner.following.services import follow
from fairplanner.i18n import minsk_today
from fairplanner.reminders import services
from fairplanner.reminders.models import ReminderKind
from tests.reminders.conftest import outbox

LONG_AGO = datetime.now(UTC) - timedelta(days=40)


@pytest.fixture
def today(app, monkeypatch):
    """The digest's weekday is today's, so that fairs created now count as this week's."""
    day = minsk_today()
    monkeypatch.setitem(app.config, "REMINDER_DIGEST_WEEKDAY", day.weekday())
    return day


@pytest.fixture
def subscriber(db, factories, company, members):
    company.sectors = [factories.sector("wood"), factories.sector("food")]
    db.session.commit()
    services.set_choice(members[0], ReminderKind.DIGEST, True)
    db.session.commit()
    return members[0]


def old_fair(factories, **kw):
    return factories.fair(created_at=LONG_AGO, updated_at=LONG_AGO, **kw)


def test_new_fairs_in_the_sectors_and_changed_followed_fairs(
    db, factories, company, subscriber, today
):
    factories.fair(name_ru="Деревообработка", sectors=("wood",))
    factories.fair(name_ru="Медицина", sectors=("medicine",))  # not the company's sector
    old_fair(factories, name_ru="Старая выставка", sectors=("wood",))  # not new
    changed = old_fair(factories, name_ru="Продэкспо", sectors=("medicine",))
    quiet = old_fair(factories, name_ru="Тихая", sectors=("medicine",))
    for fair in (changed, quiet):
        follow(company, fair)
    db.session.commit()
    changed.name_en = "Prodexpo"  # the organizer edits it: updated_at moves
    db.session.commit()

    summary = services.run(today)
    assert summary.digest == 1
    (message,) = outbox(db, "digest")
    assert message.to_email == subscriber.email  # the colleague did not ask for it
    text = message.body_text
    new_part, changed_part = text.split("Изменения в выставках, которые вы отслеживаете:")
    assert "Новые выставки в отраслях вашей компании:" in new_part
    assert "Деревообработка" in new_part
    assert "Продэкспо" in changed_part
    for absent in ("Медицина", "Старая выставка", "Тихая"):
        assert absent not in text
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Деревообработка" in message.body_html


def test_once_per_week_and_only_on_the_configured_day(db, factories, subscriber, today):
    factories.fair(sectors=("wood",))
    assert services.run(today).digest == 1
    again = services.run(today)
    assert (again.digest, again.already) == (0, 1)
    assert services.run(today + timedelta(days=1)).digest == 0  # not the digest's weekday
    assert len(outbox(db, "digest")) == 1


def test_an_empty_digest_is_not_sent(db, factories, subscriber, today):
    factories.fair(sectors=("medicine",))
    assert services.run(today).digest == 0
    assert outbox(db) == []


def test_no_digest_without_asking(db, factories, company, members, today):
    factories.fair(sectors=("food",))
    assert services.run(today).digest == 0


def test_a_belarusian_company_gets_the_fairs_of_its_region(
    db, factories, company, subscriber, today
):
    company.country, company.region = Country.BELARUS, "brest"
    db.session.commit()
    brest = factories.city("brest", oblast="brest")
    factories.fair(name_ru="Брестская", sectors=("wood",), city=brest)
    factories.fair(name_ru="Минская", sectors=("wood",))
    services.run(today)
    (message,) = outbox(db)
    assert "Брестская" in message.body_text
    assert "Минская" not in message.body_text


def test_the_digest_is_in_english_for_an_english_company(db, factories, company, subscriber, today):
    company.language = "en"
    db.session.commit()
    factories.fair(name_en="Woodex", sectors=("wood",))
    services.run(today)
    (message,) = outbox(db)
    assert message.subject == "Fairs this week: new in your sectors and changes to followed fairs"
    assert "New fairs in your company's sectors:\n- Woodex" in message.body_text


def test_a_long_digest_lists_the_soonest_and_points_to_the_catalogue(
    db, factories, subscriber, today, monkeypatch
):
    monkeypatch.setattr(services, "DIGEST_NEW_FAIRS", 2)
    for n in range(3):
        factories.fair(name_ru=f"Новая {n}", starts_on=today + timedelta(days=30 + n))
    services.run(today)
    (message,) = outbox(db)
    assert "Новая 0" in message.body_text
    assert "Новая 1" in message.body_text
    assert "Новая 2" not in message.body_text
    assert "И ещё 1 новая выставка в каталоге: http://127.0.0.1:5000/" in message.body_text
