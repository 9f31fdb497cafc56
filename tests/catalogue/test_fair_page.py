"""The fair page: facts, programme by day in Minsk time, registration state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import StatementError

from fairplanner.catalogue.models import (
    EventKind,
    Fair,
    FairStatus,
    ProgrammeEvent,
    RegistrationState,
)
from fairplanner.i18n import minsk_today


def test_shows_the_facts_of_a_fair(client, factories, make_fair):
    venue = factories.venue(
        "miec", name_ru="Минский международный выставочный центр", address_ru="Северный берег"
    )
    fair = make_fair(
        slug="prodexpo-2027",
        name_ru="Продэкспо",
        name_en="PRODEXPO",
        venue=venue,
        sectors=["food", "crops"],
        website="https://belexpo.by",
        starts_on=date(2027, 5, 12),
        days=4,
        description_ru="Оптовая ярмарка.",
    )
    html = client.get(f"/fairs/{fair.slug}").get_data(as_text=True)
    assert "Продэкспо" in html
    assert "12–15 мая 2027\u202fг." in html  # Babel puts a narrow no-break space before "г."
    assert "Минский международный выставочный центр, Северный берег" in html
    assert "Организатор belexpo" in html
    assert "Отрасль crops" in html
    assert "Отрасль food" in html
    assert 'href="https://belexpo.by"' in html
    assert "Оптовая ярмарка." in html


def test_english_page_with_fallback_to_russian(client, make_fair):
    fair = make_fair(
        slug="x", name_ru="Только по-русски", name_en=None, starts_on=date(2027, 5, 12), days=4
    )
    html = client.get("/fairs/x", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Только по-русски" in html  # no English name: the Russian one stands in
    assert "12–15 May 2027" in html
    assert fair.slug == "x"


def test_programme_is_grouped_by_day_in_minsk_time(client, db, make_fair):
    fair = make_fair(slug="prog", starts_on=date(2027, 6, 1), days=2)
    fair.programme = [
        # 07:00 UTC is 10:00 in Minsk; 21:30 UTC on 1 June is 00:30 on 2 June in Minsk.
        ProgrammeEvent(
            title_ru="Открытие",
            kind=EventKind.OPENING,
            starts_at=datetime(2027, 6, 1, 7, tzinfo=UTC),
            ends_at=datetime(2027, 6, 1, 8, tzinfo=UTC),
            hall_ru="Зал 1",
        ),
        ProgrammeEvent(
            title_ru="Ночная сессия B2B",
            kind=EventKind.B2B,
            starts_at=datetime(2027, 6, 1, 21, 30, tzinfo=UTC),
            ends_at=datetime(2027, 6, 1, 22, 30, tzinfo=UTC),
        ),
    ]
    db.session.flush()
    html = client.get("/fairs/prog", headers={"Accept-Language": "en"}).get_data(as_text=True)
    html = html[html.index("<body") :]  # the head's structured data has the times too
    first, second = html.index("Tuesday, 1 June 2027"), html.index("Wednesday, 2 June 2027")
    assert first < html.index("10:00") < html.index("Открытие") < second
    assert second < html.index("00:30") < html.index("Ночная сессия B2B")
    assert "Зал 1" in html


def test_programme_times_are_stored_aware(db, make_fair):
    fair = make_fair(programme=2)
    db.session.expire_all()
    loaded = db.session.get(Fair, fair.id)
    assert all(e.starts_at.tzinfo is not None for e in loaded.programme)
    loaded.programme[0].starts_at = datetime(2027, 1, 1)  # noqa: DTZ001
    with pytest.raises(StatementError, match="naive"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("opens", "deadline", "status", "taken", "expected"),
    [
        (5, 20, FairStatus.PUBLISHED, 0, RegistrationState.NOT_OPEN),
        (-5, 20, FairStatus.PUBLISHED, 0, RegistrationState.OPEN),
        (-5, 0, FairStatus.PUBLISHED, 0, RegistrationState.OPEN),  # the deadline day counts
        (-30, -1, FairStatus.PUBLISHED, 0, RegistrationState.CLOSED),
        (-5, 20, FairStatus.PUBLISHED, 100, RegistrationState.FULL),
        (-5, 20, FairStatus.CANCELLED, 0, RegistrationState.CANCELLED),
    ],
)
def test_registration_state(opens, deadline, status, taken, expected):
    today = date(2027, 3, 1)
    fair = Fair(
        status=status,
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=33),
        capacity=100,
        registration_opens_on=today + timedelta(days=opens),
        registration_deadline=today + timedelta(days=deadline),
    )
    assert fair.registration_state(today, taken=taken) is expected


@pytest.mark.parametrize(
    ("opens", "deadline", "status", "text"),
    [
        (10, 20, FairStatus.PUBLISHED, "Registration opens on"),
        (-10, 20, FairStatus.PUBLISHED, "Registration is open until"),
        (-30, -2, FairStatus.PUBLISHED, "Registration is closed"),
        (-10, 20, FairStatus.CANCELLED, "This fair has been cancelled"),
    ],
)
def test_registration_state_on_the_page(client, make_fair, opens, deadline, status, text):
    today = minsk_today()
    make_fair(
        slug="state",
        status=status,
        starts_on=today + timedelta(days=25),
        registration_opens_on=today + timedelta(days=opens),
        registration_deadline=today + timedelta(days=deadline),
        cancel_reason_en="The venue is being rebuilt",
    )
    html = client.get("/fairs/state", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert text in html
    if status is FairStatus.CANCELLED:
        assert "Reason: The venue is being rebuilt" in html


@pytest.mark.parametrize("language", ["ru", "en"])
def test_unknown_and_draft_fairs_are_404_in_the_users_language(client, make_fair, language):
    make_fair(slug="secret", status=FairStatus.DRAFT)
    for path in ("/fairs/no-such-fair", "/fairs/secret", "/fairs/%D0%BC%D0%B8%D0%BD%D1%81%D0%BA"):
        response = client.get(path, headers={"Accept-Language": language})
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert ("Страница не найдена" if language == "ru" else "Page not found") in html
        assert f'<html lang="{language}">' in html


def test_fair_page_statement_count_does_not_grow_with_programme(client, make_fair, count_queries):
    make_fair(slug="small", programme=1, sectors=["a"])
    make_fair(slug="big", programme=12, sectors=["a", "b", "c", "d"])
    with count_queries() as small:
        client.get("/fairs/small")
    with count_queries() as big:
        client.get("/fairs/big")
    assert small.count == big.count, big.statements
