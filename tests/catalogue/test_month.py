"""The month view: grid layout, navigation and filters."""

from __future__ import annotations

import re
from datetime import date

import pytest

from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.catalogue.month import layout_week


def bars(html: str) -> list[tuple[str, str]]:
    """(classes, slug) for each bar drawn in the grid."""
    return re.findall(r'<a class="bar ([^"]+)" href="/fairs/([\w-]+)"', html)


def test_fair_is_drawn_across_its_days_and_weeks(client, make_fair):
    # 2027-05-27 is a Thursday: the fair runs Thu–Sun, then Mon–Tue of the next week.
    make_fair(slug="long", starts_on=date(2027, 5, 27), days=6)
    html = client.get("/calendar/2027/5").get_data(as_text=True)
    drawn = bars(html)
    assert ("c4 s4 r1 cont-after", "long") in drawn
    assert ("c1 s2 r1 cont-before", "long") in drawn
    assert "long" in re.findall(r'class="month-list".*', html, re.S)[0]


def test_overlapping_fairs_get_separate_lanes(client, make_fair):
    make_fair(slug="a", starts_on=date(2027, 3, 2), days=3)
    make_fair(slug="b", starts_on=date(2027, 3, 3), days=2)
    make_fair(slug="c", starts_on=date(2027, 3, 5), days=1)  # fits after a in lane 1
    drawn = dict((slug, classes) for classes, slug in bars(client.get("/calendar/2027/3").text))
    assert drawn == {"a": "c2 s3 r1", "b": "c3 s2 r2", "c": "c5 s1 r1"}


def test_layout_hides_what_does_not_fit():
    days = [date(2027, 3, 1 + i) for i in range(7)]
    fairs = [Fair(slug=f"f{i}", starts_on=days[0], ends_on=days[6]) for i in range(10)]
    week = layout_week(days, fairs)
    assert [bar.lane for bar in week.bars] == list(range(1, 9))
    assert week.hidden == 2


def test_navigation_and_month_name(client, make_fair):
    html = client.get("/calendar/2027/1", headers={"Accept-Language": "en"}).text
    assert "January 2027" in html
    assert 'href="/calendar/2026/12"' in html
    assert 'href="/calendar/2027/2"' in html
    html = client.get("/calendar/2027/12").text
    assert "Декабрь 2027" in html or "декабрь 2027" in html.lower()
    assert 'href="/calendar/2028/1"' in html


def test_filters_apply_and_are_kept_in_navigation(client, make_fair):
    make_fair(slug="food", starts_on=date(2027, 4, 5), sectors=["food"])
    make_fair(slug="wood", starts_on=date(2027, 4, 6), sectors=["forestry"])
    html = client.get("/calendar/2027/4?sector=forestry").text
    assert [slug for _, slug in bars(html)] == ["wood"]
    assert 'href="/calendar/2027/5?sector=forestry"' in html


def test_past_months_show_past_fairs(client, make_fair):
    make_fair(slug="old", starts_on=date(2020, 2, 10))
    assert [slug for _, slug in bars(client.get("/calendar/2020/2").text)] == ["old"]


def test_calendar_redirects_to_the_current_month_with_filters(client):
    response = client.get("/calendar?sector=food")
    assert response.status_code == 302
    assert re.search(r"/calendar/\d{4}/\d{1,2}\?sector=food$", response.headers["Location"])


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/2027/13",
        "/calendar/2027/0",
        "/calendar/99999/1",
        "/calendar/1/1",
        "/calendar/abc/1",
    ],
)
def test_impossible_months_are_404(client, path):
    assert client.get(path).status_code == 404


def test_month_statement_count_does_not_grow(client, make_fair, count_queries):
    make_fair(slug="one", starts_on=date(2027, 4, 5))
    with count_queries() as one:
        client.get("/calendar/2027/4")
    for i in range(10):
        make_fair(slug=f"m{i}", starts_on=date(2027, 4, 1 + i), city=f"c{i}", organizer=f"o{i}")
    with count_queries() as many:
        client.get("/calendar/2027/4")
    assert one.count == many.count


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("ru", ["В этом месяце выставок нет.", "Ближайшая после него:", "Календарь на май 2027"]),
        ("en", ["No fairs in this month.", "The next one:", "Calendar for May 2027"]),
    ],
)
def test_an_empty_month_says_when_the_next_fair_is(client, make_fair, lang, texts):
    make_fair(slug="gone", starts_on=date(2027, 4, 20), status=FairStatus.CANCELLED)
    make_fair(slug="next", name_en="Belagro", starts_on=date(2027, 5, 11))
    make_fair(slug="later", starts_on=date(2027, 8, 1))
    html = client.get("/calendar/2027/2", headers={"Accept-Language": lang}).text
    for text in texts:
        assert text in html
    assert 'href="/fairs/next"' in html
    assert 'href="/calendar/2027/5"' in html
    assert 'href="/fairs/gone"' not in html  # a cancelled fair is not worth a trip


def test_the_next_fair_keeps_the_filters(client, make_fair):
    make_fair(slug="food", starts_on=date(2027, 3, 10), sectors=["food"])
    make_fair(slug="wood", starts_on=date(2027, 6, 10), sectors=["forestry"])
    html = client.get("/calendar/2027/2?sector=forestry").text
    assert 'href="/fairs/wood"' in html
    assert 'href="/calendar/2027/6?sector=forestry"' in html
    assert 'href="/fairs/food"' not in html


@pytest.mark.parametrize(
    ("query", "text", "link"),
    [
        ("", "После этого месяца выставок пока не запланировано.", 'href="/"'),
        (
            "?sector=forestry",
            "После этого месяца выставок с такими условиями пока не запланировано.",
            'href="/?sector=forestry"',
        ),
    ],
)
def test_with_no_fair_ahead_the_empty_month_says_so(client, make_fair, query, text, link):
    make_fair(slug="past", starts_on=date(2027, 1, 10))
    html = client.get(f"/calendar/2099/2{query}").text
    assert text in html
    assert link in html
    assert "Ближайшая после него:" not in html


def test_a_month_with_fairs_does_not_look_further(client, make_fair):
    make_fair(slug="here", starts_on=date(2027, 3, 10))
    make_fair(slug="there", starts_on=date(2027, 5, 10))
    html = client.get("/calendar/2027/3").text
    assert "Ближайшая после него:" not in html
    assert 'href="/fairs/there"' not in html


def test_a_month_of_cancelled_fairs_points_to_the_next_held_one(client, make_fair):
    make_fair(slug="off", starts_on=date(2027, 3, 10), status=FairStatus.CANCELLED)
    make_fair(slug="on", starts_on=date(2027, 6, 1))
    html = client.get("/calendar/2027/3").text
    assert 'href="/fairs/off"' in html  # still listed, marked cancelled
    assert "Единственная выставка этого месяца отменена." in html
    assert 'href="/calendar/2027/6"' in html
