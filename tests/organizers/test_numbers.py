"""The numbers pages: a fair's dashboard and the organizer's season."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from babel.dates import format_date

from fairplanner.accounts.models import Country, Role
from fairplanner.i18n import minsk_today
from fairplanner.organizers import charts, stats
from fairplanner.registrations import services
from fairplanner.registrations.models import (
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)
from fairplanner.registrations.services import ExhibitorRequest, VisitRequest

S = RegistrationStatus
R = RegistrationRole


@pytest.fixture
def dashboard(factories, make_fair, make_user):
    """A fair of 10 stands with applications in every status, made through the services."""
    ours = factories.organizer("belexpo")
    theirs = factories.organizer("minskexpo")
    food = factories.sector("food", name_ru="Пищевая промышленность", name_en="Food industry")
    machinery = factories.sector("machinery", name_ru="Машиностроение", name_en="Machinery")
    fair = make_fair(slug="prodexpo", organizer=ours, capacity=10, name_ru="Продэкспо")
    other = make_fair(slug="woodworking", organizer=theirs)
    staff = make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=ours.id)
    places = [
        (Country.RUSSIA, "43", [food]),
        (Country.BELARUS, "minsk-city", [food, machinery]),
        (Country.BELARUS, "minsk-city", [machinery]),
        (Country.BELARUS, "gomel", []),
        (Country.BELARUS, "gomel", [food]),
    ]
    companies = []
    for i, (country, region, sectors) in enumerate(places):
        kw = {"tax_id": f"19080{i}803"} if country == Country.BELARUS else {}
        company = factories.company(country=country, region=region, **kw)
        company.sectors = sectors
        companies.append(company)
    factories.session.commit()
    member = make_user(company=companies[0])
    today = minsk_today()

    def apply(company, area=None):
        if area is None:
            request = VisitRequest(
                delegates=[{"name": "Петров"}, {"name": "Сидоров"}], aims=["sales"]
            )
            role = R.VISITOR
        else:
            request = ExhibitorRequest(stand_type="indoor", area=Decimal(area))
            role = R.EXHIBITOR
        return services.submit_registration(
            company, fair, role=role, request=request, actor=member, today=today
        )

    approved = apply(companies[0], 12)
    pending = apply(companies[1], 18)
    rejected = apply(companies[2], 9)
    withdrawn = apply(companies[3], 6)
    visitor = apply(companies[4])
    services.decide_registration(approved, status=S.APPROVED, actor=staff)
    services.decide_registration(rejected, status=S.REJECTED, actor=staff, reason="Нет места")
    services.withdraw_registration(withdrawn, actor=member)
    factories.session.commit()
    return {
        "fair": fair,
        "other": other,
        "staff": staff,
        "member": member,
        "companies": companies,
        "regs": [approved, pending, rejected, withdrawn, visitor],
    }


def rows_of(html: str) -> list[list[str]]:
    """The rows of every table on the page, as cell texts."""
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
    ]


def kpis(html: str) -> dict[str, str]:
    pairs = re.findall(
        r'<span class="kpi-value">([^<]*)</span><span class="kpi-label">([^<]*)</span>', html
    )
    return {name: value for value, name in pairs}


def test_the_fair_numbers_speak_russian_with_the_right_values(client, dashboard, login_as):
    login_as(dashboard["staff"])
    html = client.get("/organizer/fairs/prodexpo/numbers").text
    assert kpis(html) == {
        "Заявок получено": "5",
        "Одобрены": "1",
        "Ждут решения": "2",
        "В листе ожидания": "0",
        "Стендов одобрено": "1",
        "Делегаты": "2",
    }
    rows = rows_of(html)
    # Active applications only: the rejected and the withdrawn company do not count.
    assert ["Пищевая промышленность", "2", "1", "3"] in rows
    assert ["Машиностроение", "1", "0", "1"] in rows
    assert ["Беларусь", "1", "1", "2"] in rows
    assert ["Беларусь · г. Минск", "1", "0", "1"] in rows
    assert ["Беларусь · Гомельская область", "0", "1", "1"] in rows
    assert ["Россия · Кировская область", "1", "0", "1"] in rows
    # Stands and area (exhibitors): approved, awaiting, waiting; the capacity in stands.
    assert ["Одобрены", "1", "12"] in rows
    assert ["Ждут решения", "1", "18"] in rows
    assert ["Вместимость", "10", "—"] in rows
    assert "одобрено 1 из 10 стендов" in html
    assert "30 м², 2 стенда" in html
    # By status and role, and today's row of the timeline.
    assert ["Отклонены", "1", "0", "1"] in rows
    assert ["Всего", "4", "1", "5"] in rows
    today = format_date(minsk_today(), "long", locale="ru")
    assert [today, "5", "2", "1", "0", "1", "1"] in rows
    text = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])
    for code in ("minsk-city", "gomel", "machinery", "food", "submitted", "waitlisted", "sqm"):
        assert code not in text, code
    assert 'role="img"' in html
    assert "Таблица данных" in html


def test_the_timeline_can_show_one_role_with_the_capacity(client, dashboard, login_as):
    login_as(dashboard["staff"])
    everyone = client.get("/organizer/fairs/prodexpo/numbers").text
    assert 'class="reference"' not in everyone
    assert "Вместимость отмечена на графике экспонентов." in everyone
    exhibitors = client.get("/organizer/fairs/prodexpo/numbers?role=exhibitor").text
    assert 'class="reference"' in exhibitors  # 10 stands
    assert "Всего получено 4" in exhibitors
    visitors = client.get("/organizer/fairs/prodexpo/numbers?role=visitor").text
    assert "Всего получено 1" in visitors
    nonsense = client.get("/organizer/fairs/prodexpo/numbers?role=robot")
    assert nonsense.status_code == 200
    assert "Всего получено 5" in nonsense.text


def test_the_numbers_speak_english_too(client, dashboard, login_as):
    login_as(dashboard["staff"])
    html = client.get("/organizer/fairs/prodexpo/numbers", headers={"Accept-Language": "en"}).text
    assert kpis(html)["Applications received"] == "5"
    assert ["Food industry", "2", "1", "3"] in rows_of(html)
    assert ["Russia · Kirov Region", "1", "0", "1"] in rows_of(html) or "Russia ·" in html
    assert "30 m²" in html


@pytest.mark.parametrize("path", ["/organizer/fairs/prodexpo/numbers", "/organizer/numbers"])
def test_anonymous_users_go_to_login(client, dashboard, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/organizer/fairs/prodexpo/numbers", "/organizer/numbers"])
def test_company_members_get_403(client, dashboard, login_as, path):
    login_as(dashboard["member"])
    assert client.get(path).status_code == 403


def test_another_organizers_staff_get_404_and_see_only_their_season(
    client, dashboard, login_as, make_user
):
    theirs = make_user(role=Role.STAFF, organizer_id=dashboard["other"].organizer_id)
    login_as(theirs)
    assert client.get("/organizer/fairs/prodexpo/numbers").status_code == 404
    season = client.get("/organizer/numbers").text
    assert dashboard["other"].name_ru in season
    assert "Продэкспо" not in season


def test_admins_see_every_organizers_season(client, dashboard, login_as, make_user):
    login_as(make_user(role=Role.ADMIN))
    season = client.get("/organizer/numbers").text
    assert "Продэкспо" in season
    assert dashboard["other"].name_ru in season


def test_the_season_adds_up_every_fair(client, dashboard, login_as, make_fair, factories):
    ours = factories.organizer("belexpo")
    make_fair(slug="textile", organizer=ours, name_ru="Текстиль", capacity=200, capacity_unit="sqm")
    make_fair(
        slug="long-ago",
        organizer=ours,
        name_ru="Прошлогодняя",
        starts_on=minsk_today().replace(month=1, day=1) - timedelta(days=30),
    )
    login_as(dashboard["staff"])
    html = client.get("/organizer/numbers").text
    assert "<h1>Цифры сезона</h1>" in html
    rows = rows_of(html)
    produce = next(r for r in rows if r[0].startswith("Продэкспо"))
    assert produce[1:7] == ["2", "1", "0", "1", "1", "5"]
    assert "1 из 10 стендов" in produce[7]
    textile = next(r for r in rows if r[0].startswith("Текстиль"))
    assert textile[1:7] == ["0", "0", "0", "0", "0", "0"]
    assert "0 из 200 м²" in textile[7]
    assert not any(r[0].startswith("Прошлогодняя") for r in rows)  # ended before this season
    assert ["Итого за сезон", "2", "1", "0", "1", "1", "5", "12 м²"] in rows
    assert ["Пищевая промышленность", "2", "1", "3"] in rows
    assert ["Беларусь · Гомельская область", "0", "1", "1"] in rows


def test_an_empty_season_says_what_to_do(client, login_as, make_user, factories):
    staff = make_user(role=Role.STAFF, organizer_id=factories.organizer("newcomer").id)
    login_as(staff)
    html = client.get("/organizer/numbers").text
    assert "В этом сезоне пока нет выставок." in html
    assert 'href="/organizer/fairs/new"' in html


@pytest.mark.parametrize(
    ("overrides", "advice"),
    [
        ({}, "Компании подают заявки на публичной странице выставки"),
        ({"status": "draft"}, "опубликуйте её"),
        (
            {"registration_opens_on": date(2099, 1, 1), "registration_deadline": date(2099, 2, 1)},
            "Регистрация откроется 1 января 2099 г.: сообщите",
        ),
        ({"capacity": None}, "Укажите вместимость"),
    ],
)
def test_an_empty_fair_says_what_to_do_next(
    client, login_as, make_user, make_fair, factories, overrides, advice
):
    ours = factories.organizer("belexpo")
    if "registration_opens_on" in overrides:
        overrides["starts_on"] = date(2099, 3, 1)
    make_fair(slug="quiet", organizer=ours, **overrides)
    login_as(make_user(role=Role.STAFF, organizer_id=ours.id))
    html = client.get("/organizer/fairs/quiet/numbers").text.replace("\u202f", " ")
    assert "Заявок пока нет" in html
    assert advice in html
    assert "svg-chart" not in html


def _applications(factories, fair, n: int) -> None:
    """`n` applications with a history, from companies with sectors."""
    for _ in range(n):
        company = factories.company()
        company.sectors = [factories.sector("food")]
        registration = Registration(
            fair_id=fair.id, company_id=company.id, role="exhibitor", status=S.APPROVED, area=9
        )
        registration.history = [
            RegistrationChange(action="submitted", status_to="submitted"),
            RegistrationChange(action="approved", status_from="submitted", status_to="approved"),
        ]
        factories._save(registration)


@pytest.mark.parametrize("path", ["/organizer/fairs/{slug}/numbers", "/organizer/numbers"])
def test_statement_count_does_not_grow_with_applications(
    client, db, factories, make_fair, make_user, login_as, count_queries, path
):
    ours = factories.organizer("belexpo")
    fair = make_fair(organizer=ours)
    login_as(make_user(role=Role.STAFF, organizer_id=ours.id))
    url = path.format(slug=fair.slug)
    _applications(factories, fair, 1)
    db.session.expire_all()
    with count_queries() as one:
        assert client.get(url).status_code == 200
    _applications(factories, fair, 12)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert one.count == many.count


def test_the_history_places_each_move_on_its_minsk_day(db, factories, make_fair):
    fair = make_fair(registration_opens_on=date(2026, 1, 1), starts_on=date(2026, 3, 1))
    company = factories.company()
    registration = Registration(
        fair_id=fair.id, company_id=company.id, role="exhibitor", status=S.APPROVED, area=9
    )
    registration.history = [
        # 22:30 UTC is 01:30 the next day in Minsk.
        RegistrationChange(
            action="submitted", status_to="submitted", at=datetime(2026, 1, 10, 22, 30, tzinfo=UTC)
        ),
        RegistrationChange(
            action="edited",
            status_from="submitted",
            status_to="submitted",
            at=datetime(2026, 1, 12, 9, tzinfo=UTC),
        ),
        RegistrationChange(
            action="approved",
            status_from="submitted",
            status_to="approved",
            at=datetime(2026, 1, 14, 9, tzinfo=UTC),
        ),
    ]
    factories._save(registration)
    # And one loaded without a history: it counts on the day it was made, as it is now.
    factories._save(
        Registration(
            fair_id=fair.id,
            company_id=factories.company().id,
            role="visitor",
            status=S.WAITLISTED,
            created_at=datetime(2026, 1, 12, 12, tzinfo=UTC),
        )
    )
    rows = db.session.execute(stats.status_moves(fair.id)).all()
    moves = sorted((stats.as_date(day), before, after, n) for day, before, after, n in rows)
    assert moves == [
        (date(2026, 1, 11), None, "submitted", 1),
        (date(2026, 1, 12), None, "waitlisted", 1),
        (date(2026, 1, 14), "submitted", "approved", 1),
    ]
    line = stats.timeline(
        rows, start=date(2026, 1, 10), end=date(2026, 1, 15), today=date(2026, 1, 20)
    )
    assert line.received == [0, 1, 2, 2, 2, 2]
    assert line.by_status[S.SUBMITTED] == [0, 1, 1, 1, 0, 0]
    assert line.by_status[S.APPROVED] == [0, 0, 0, 0, 1, 1]
    assert line.by_status[S.WAITLISTED] == [0, 0, 1, 1, 1, 1]


@pytest.mark.parametrize(
    ("rows", "received", "approved"),
    [
        ([], [0, 0, 0], [0, 0, 0]),
        ([(date(2026, 5, 2), None, "submitted", 3)], [0, 3, 3], [0, 0, 0]),
        (
            [
                ("2026-05-01", None, "submitted", 2),
                ("2026-05-03", "submitted", "approved", 2),
            ],
            [2, 2, 2],
            [0, 0, 2],
        ),
    ],
)
def test_the_timeline_is_cumulative(rows, received, approved):
    line = stats.timeline(
        rows, start=date(2026, 5, 1), end=date(2026, 5, 3), today=date(2026, 6, 1)
    )
    assert line.days == [date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)]
    assert line.received == received
    assert line.by_status[S.APPROVED] == approved


def test_the_timeline_stretches_to_every_move_and_stops_today():
    rows = [(date(2026, 4, 28), None, "submitted", 1)]
    line = stats.timeline(
        rows, start=date(2026, 5, 1), end=date(2026, 5, 10), today=date(2026, 5, 4)
    )
    assert line.days[0] == date(2026, 4, 28)
    assert line.days[-1] == date(2026, 5, 10)
    assert line.last == date(2026, 5, 4)
    assert line.received_since(date(2026, 4, 27)) == 1
    assert line.changes == [0, 6]  # the first day, then today: nothing changed in between


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (5, [0, 1, 2, 3, 4, 5]),
        (7, [0, 2, 4, 6, 8]),
        (32, [0, 10, 20, 30, 40]),
        (100, [0, 20, 40, 60, 80, 100]),
        (1250, [0, 250, 500, 750, 1000, 1250]),
        (Decimal("36.5"), [0, 10, 20, 30, 40]),
    ],
)
def test_axis_ticks_are_round(maximum, ticks):
    assert charts.nice_ticks(maximum) == ticks


DAYS = [date(2026, 5, 1) + timedelta(days=i) for i in range(11)]


def test_the_highest_value_reaches_the_top_tick_and_zero_the_baseline():
    chart = charts.line_chart(
        DAYS, [charts.SeriesIn("received", "Всего", [0, 0, 1, 2, 3, 5, 5, 5, 5, 5, 5])]
    )
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2", "3", "4", "5"]
    first, *_, last = chart.lines[0].points.split()
    assert first == f"{chart.x0},{chart.y1}"
    assert last == f"{chart.x1},{chart.y0}"
    # The flat run from day 6 to the end needs only its two ends.
    assert len(chart.lines[0].points.split()) == 7


def test_a_chart_of_nothing_draws_on_the_baseline():
    chart = charts.line_chart(DAYS, [charts.SeriesIn("approved", "Одобрены", [0] * 11)])
    assert [t.label for t in chart.y_ticks] == ["0", "1"]
    assert {p.split(",")[1] for p in chart.lines[0].points.split()} == {str(chart.y1)}


def test_series_stop_today_and_the_capacity_sets_the_scale():
    chart = charts.line_chart(
        DAYS,
        [charts.SeriesIn("approved", "Одобрены", list(range(11)))],
        upto=4,
        reference=(40, "Вместимость"),
        markers=[
            charts.MarkerIn(DAYS[4], "Сегодня", "today"),
            charts.MarkerIn(date(2027, 1, 1), "x", "y"),
        ],
    )
    assert chart.lines[0].value == "4"
    assert chart.y_ticks[-1].label == "40"
    assert chart.reference == (chart.y0, "Вместимость")
    assert [m.label for m in chart.markers] == ["Сегодня"]  # a day off the axis is left out


def test_direct_labels_do_not_overlap():
    series = [charts.SeriesIn(k, k, [0, v]) for k, v in (("a", 10), ("b", 10), ("c", 9), ("d", 0))]
    chart = charts.line_chart(DAYS[:2], series)
    ys = sorted(line.label_y for line in chart.lines)
    assert all(b - a >= 15 for a, b in pairwise(ys))
    assert all(chart.y0 <= y <= chart.y1 + 4 for y in ys)


@pytest.mark.parametrize("most", [2, 4, 8])
def test_day_ticks_keep_to_the_limit(most):
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(200)]
    picked = charts.day_ticks(days, most=most)
    assert 0 < len(picked) <= most
    assert picked == sorted(picked)


def test_stacked_bars_and_the_capacity_marker():
    bar = charts.stacked(
        [("approved", "А", 12), ("submitted", "П", 18), ("waitlisted", "Л", 0)], marker=60
    )
    assert [(s.key, s.x, s.w) for s in bar.segments] == [("approved", 0, 20), ("submitted", 20, 30)]
    assert bar.marker == 100
    assert not bar.over
    over = charts.stacked([("approved", "А", 90)], marker=60)
    assert over.segments[0].w == 100
    assert over.marker == pytest.approx(66.67)
    assert over.over


def test_bar_lists_sum_the_rest_into_other():
    rows = [stats.Row(f"Отрасль {i}", exhibitors=10 - i, visitors=1) for i in range(10)]
    bars = charts.bar_list(rows, limit=3, other="Прочие", labels=("Экспоненты", "Посетители"))
    assert [b.name for b in bars] == ["Отрасль 0", "Отрасль 1", "Отрасль 2", "Прочие"]
    assert bars[-1].total == sum(r.total for r in rows[3:])
    # One scale for every row: the longest bar is the largest total.
    widest = max(bars, key=lambda b: b.total)
    assert sum(s.w for s in widest.bar.segments) == pytest.approx(100)


def test_console_home_shows_the_season(client, db, factories, make_user, login_as):
    """The organizer's season sits under the fair lists on the console home."""
    fair = factories.fair(organizer="belexpo", status="published")
    login_as(make_user(role=Role.STAFF, organizer_id=fair.organizer_id))
    html = client.get("/organizer/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert 'id="season-title"' in html
    assert "/organizer/numbers" in html
