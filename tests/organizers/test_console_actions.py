"""Filters of names, confirmations before anything destructive, admin pages in words, markup."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import FairStatus, ProgrammeEvent
from fairplanner.notifications.models import OutboxMessage, OutboxStatus
from fairplanner.registrations.models import RegistrationStatus
from tests.organizers.conftest import SLUG
from tests.organizers.visible import visible_text

LIST = f"/organizer/fairs/{SLUG}/registrations"


def options(html: str, name: str) -> list[tuple[str | None, str, str]]:
    """(optgroup, value, label) of the select `name`."""
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    found, group = [], None
    for m in re.finditer(
        r'<optgroup label="([^"]*)">|</optgroup>|<option[^>]*value="([^"]*)"[^>]*>([^<]*)<',
        select_html,
    ):
        if m.group(0).startswith("<optgroup"):
            group = m.group(1)
        elif m.group(0) == "</optgroup>":
            group = None
        else:
            found.append((group, m.group(2), m.group(3)))
    return found


def test_region_and_sector_filters_are_lists_of_names(client, console):
    html = client.get(LIST).get_data(as_text=True)
    regions = options(html, "region")
    assert regions[0] == (None, "", "Все")
    assert ("Беларусь", "minsk-city", "г. Минск") in regions
    assert ("Россия", "43", "Кировская область") in regions
    groups = [g for g, _v, _l in regions[1:]]
    assert groups == sorted(groups, key=["Беларусь", "Россия"].index)
    belarus = [label for g, _v, label in regions if g == "Беларусь"]
    assert belarus == sorted(belarus, key=str.casefold)
    sectors = [label for _g, _v, label in options(html, "sector")][1:]
    assert sectors == ["Лёгкая промышленность", "Лесная промышленность", "Пищевая промышленность"]


def test_the_region_list_follows_the_chosen_country(client, console):
    regions = options(client.get(f"{LIST}?country=BY").get_data(as_text=True), "region")
    assert {g for g, _v, _l in regions[1:]} == {"Беларусь"}


@pytest.mark.parametrize(
    ("query", "shown", "ignored"),
    [
        ("region=minsk-city", {"ОАО «Минскдрев»"}, None),
        ("country=RU&region=43", {"ООО «Вятка»"}, None),
        ("sector=forestry", {"ОАО «Минскдрев»"}, None),
        ("region=mars", {"ОАО «Минскдрев»", "ООО «Вятка»"}, "Регион"),
        ("country=RU&region=minsk-city", {"ООО «Вятка»"}, "Регион"),
        ("sector=%3Cscript%3E", {"ОАО «Минскдрев»", "ООО «Вятка»"}, "Отрасль"),
        ("status=nonsense&sort=drop", {"ОАО «Минскдрев»", "ООО «Вятка»"}, "Статус, Сортировка"),
    ],
)
def test_filters_apply_and_bad_values_become_a_notice(client, console, query, shown, ignored):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    text = visible_text(response.get_data(as_text=True))
    assert {n for n in ("ОАО «Минскдрев»", "ООО «Вятка»") if n in text} == shown
    notice = "Эти фильтры не распознаны и не применены"
    if ignored:
        assert f"{notice}: {ignored}." in text
    else:
        assert notice not in text


def test_an_empty_filtered_list_offers_the_way_back(client, console):
    text = visible_text(client.get(f"{LIST}?status=withdrawn").get_data(as_text=True))
    assert "Нет заявок, подходящих под эти фильтры." in text
    assert "Показать все заявки" in text


# --- confirmations ---------------------------------------------------------------------------


def test_deleting_a_programme_item_asks_first(client, db, console):
    fair = console["fair"]
    event = fair.programme[0]
    url = f"/organizer/fairs/{SLUG}/programme/{event.id}/delete"
    response = client.post(url)
    assert response.status_code == 200
    text = visible_text(response.get_data(as_text=True))
    assert "Удалить «Пленарное заседание»?" in text
    assert "Писем об этом никто не получит." in text
    db.session.expire_all()
    assert db.session.get(ProgrammeEvent, event.id) is not None
    assert client.post(url, data={"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ProgrammeEvent, event.id) is None


def test_cancelling_a_fair_asks_first_and_says_who_is_told(client, db, console):
    url = f"/organizer/fairs/{SLUG}/cancel"
    data = {"reason_ru": "Площадка на ремонте", "reason_en": "Venue closed"}
    response = client.post(url, data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = visible_text(html)
    assert "Отменить «Белагро»?" in text
    assert "2 компании с действующими заявками получат письмо." in text
    assert "«Площадка на ремонте»" in text
    # The reasons ride along to the confirmed post.
    assert 'name="reason_ru" value="Площадка на ремонте"' in html
    assert 'name="reason_en" value="Venue closed"' in html
    db.session.refresh(console["fair"])
    assert console["fair"].status == FairStatus.PUBLISHED
    told = select(OutboxMessage.id).where(OutboxMessage.kind == "fair_changed")
    assert db.session.scalar(told) is None
    assert client.post(url, data={**data, "confirmed": "1"}).status_code == 302
    db.session.refresh(console["fair"])
    assert console["fair"].status == FairStatus.CANCELLED
    assert console["fair"].cancel_reason_en == "Venue closed"
    assert len(db.session.scalars(told).all()) == 2


def test_bulk_reject_lists_the_companies_first(client, db, console):
    visitor = console["visitor"]
    data = {
        "action": "reject",
        "reason": "Не по профилю",
        "ids": [str(visitor.id)],
        f"v-{visitor.id}": str(visitor.version),
    }
    response = client.post(f"{LIST}/decide", data=data)
    assert response.status_code == 200
    text = visible_text(response.get_data(as_text=True))
    assert "Отклонить 1 заявку?" in text
    assert "ООО «Вятка» — Посетитель / делегация" in text
    assert "«Не по профилю»" in text
    db.session.refresh(visitor)
    assert visitor.status == RegistrationStatus.SUBMITTED
    assert client.post(f"{LIST}/decide", data={**data, "confirmed": "1"}).status_code == 302
    db.session.refresh(visitor)
    assert visitor.status == RegistrationStatus.REJECTED
    assert visitor.reject_reason == "Не по профилю"


def test_bulk_reject_without_a_reason_asks_for_one(client, db, console):
    visitor = console["visitor"]
    response = client.post(
        f"{LIST}/decide",
        data={"action": "reject", "ids": [str(visitor.id)], f"v-{visitor.id}": "1"},
        follow_redirects=True,
    )
    assert "Укажите компаниям причину отказа." in response.get_data(as_text=True)
    db.session.refresh(visitor)
    assert visitor.status == RegistrationStatus.SUBMITTED


def test_bulk_waiting_list_needs_no_confirmation(client, db, console):
    visitor = console["visitor"]
    response = client.post(
        f"{LIST}/decide",
        data={"action": "waitlist", "ids": [str(visitor.id)], f"v-{visitor.id}": "1"},
    )
    assert response.status_code == 302
    db.session.refresh(visitor)
    assert visitor.status == RegistrationStatus.WAITLISTED


# --- admin pages ------------------------------------------------------------------------------


def test_admin_pages_show_names_and_words(client, db, console, make_user, login_as):
    login_as(make_user(role=Role.ADMIN))
    db.session.add(
        OutboxMessage(
            kind="x",
            to_email="a@b.by",
            lang="ru",
            subject="Тема",
            body_text="",
            body_html="",
            message_id="<x@test>",
            status=OutboxStatus.PARKED,
        )
    )
    db.session.commit()
    admin = visible_text(client.get("/organizer/admin").get_data(as_text=True))
    assert "Белэкспо Адрес (slug): belexpo" in admin
    assert "(belexpo)" not in admin
    assert "staff@belexpo.by — Белэкспо" in admin
    outbox = visible_text(client.get("/organizer/admin/outbox").get_data(as_text=True))
    assert "Отложены после ошибок 1" in outbox
    for code in ("pending", "sending", "parked"):
        assert code not in outbox


# --- markup -----------------------------------------------------------------------------------


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.stack: list[str] = []
        self.form_in_p = False
        self.unlabelled: list[str] = []
        self.labels: set[str] = set()
        self.controls: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if "id" in a:
            self.ids[a["id"]] += 1
        if tag == "form" and "p" in self.stack:
            self.form_in_p = True
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append((tag, a))
        if tag not in ("input", "br", "meta", "link", "img", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


MARKUP_PAGES = [
    "/organizer/",
    LIST,
    f"/organizer/fairs/{SLUG}/edit",
    f"/organizer/fairs/{SLUG}/programme",
    f"/organizer/fairs/{SLUG}/log",
    "/organizer/registrations/{exhibitor}",
    "/organizer/fairs/new",
]


@pytest.mark.parametrize("path", MARKUP_PAGES)
def test_console_markup_has_unique_ids_labels_and_no_form_in_p(
    app, client, console, monkeypatch, path
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # the tokens are on the page
    html = client.get(path.format(exhibitor=console["exhibitor"].id)).get_data(as_text=True)
    page = _Markup()
    page.feed(html)
    assert [i for i, n in page.ids.items() if n > 1] == []
    assert not page.form_in_p
    for _tag, a in page.controls:
        assert a.get("id") in page.labels or a.get("aria-label"), a


def test_the_required_kind_select_starts_with_a_placeholder(client, console):
    html = client.get("/organizer/fairs/new").get_data(as_text=True)
    kinds = options(html, "kind")
    assert kinds[0] == (None, "", "Выберите…")
    assert re.search(r'<select[^>]*name="kind"[^>]*required', html)


def test_only_the_decisions_the_workflow_allows_are_offered(client, db, console):
    """An approved application offers no approve/reject buttons (the service refuses them)."""
    approved = client.get(f"/organizer/registrations/{console['exhibitor'].id}")
    html = approved.get_data(as_text=True)
    assert 'value="reject"' not in html
    assert 'value="approve"' not in html
    assert "Только компания может отозвать её" in visible_text(html)
    visitor = client.get(f"/organizer/registrations/{console['visitor'].id}")
    assert console["visitor"].status == RegistrationStatus.SUBMITTED
    html = visitor.get_data(as_text=True)
    assert 'value="approve"' in html
    assert 'value="reject"' in html
    client.post(
        f"/organizer/registrations/{console['visitor'].id}/decide",
        data={"action": "reject", "version": console["visitor"].version, "reason": "Нет мест"},
    )
    html = client.get(f"/organizer/registrations/{console['visitor'].id}").get_data(as_text=True)
    assert 'value="waitlist"' not in html
    assert "Решение окончательное: заявка отклонена." in visible_text(html)
