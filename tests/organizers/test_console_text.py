"""What organizer staff read: sentences in the change log, names instead of codes everywhere,
everything the company asked for, and no raw formats on any console page or export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from babel.dates import format_date

from fairplanner.i18n import minsk_today
from tests.organizers.conftest import SECTORS, SLUG
from tests.organizers.visible import PATTERNS, codes_in, input_values, visible_text


def page_text(client, path: str, lang: str = "ru") -> str:
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == 200, path
    return visible_text(response.get_data(as_text=True))


def ru_date(day) -> str:
    return format_date(day, "d MMMM y", locale="ru")


def test_the_change_log_reads_as_sentences(client, console):
    text = page_text(client, f"/organizer/fairs/{SLUG}/log")
    deadline = console["deadline"]
    for sentence in (
        "Выставка создана",
        "Изменено",
        "Опубликована",
        "Программа: добавлено мероприятие «Открытие»",
        "Программа: изменено мероприятие «Открытие»",
        "Зал (по-русски): Зал 1 → Зал 2",
        "Программа: удалено мероприятие «Открытие»",
        "Программа: добавлено мероприятие «Пленарное заседание»",
        "Отрасли: Пищевая промышленность → Лёгкая промышленность, Пищевая промышленность",
        "Площадка: Футбольный манеж, Минск → МВЦ, Минск",
        "Тип: Выставка → Форум",
        "Наименьший стенд, м²: 6 м² → 6,5 м²",
        f"Срок регистрации: {ru_date(deadline + timedelta(days=2))} → {ru_date(deadline)}",
        "Описание (по-русски): Сельское хозяйство. → Сельское хозяйство и пищевая промышленность.",
        # which application each entry is about
        "ОАО «Минскдрев» — Экспонент: Одобрена",
        "Статус: Подана → Одобрена",
        "ООО «Вятка» — Посетитель / делегация: Заявка отправлена",
        "Стенд: Место на коллективном региональном стенде → Стенд в павильоне",
        "Площадь, м²: 9 м² → 12,5 м²",
        "Вода: нет → да",
    ):
        assert sentence in text, sentence
    assert codes_in(text, extra=set(SECTORS)) == []


def test_the_change_log_speaks_english_too(client, console):
    text = page_text(client, f"/organizer/fairs/{SLUG}/log", "en")
    assert "Programme: item “Opening” added" not in text  # titles are shown as entered
    for sentence in (
        "Fair created",
        "Programme: item “Открытие” added",
        "Sectors: Food industry → Food industry, Light industry",
        "Smallest stand, m²: 6 m² → 6.5 m²",
        "Water: no → yes",
        "ОАО «Минскдрев» — Exhibitor: Approved",
    ):
        assert sentence in text, sentence


def test_old_entries_with_unknown_fields_still_read(client, db, console):
    from fairplanner.organizers.services import log_change

    log_change(
        console["fair"],
        "edited",
        actor=None,
        changes={"retired_field": [["a", "b"], None], "capacity": [100, 120]},
    )
    db.session.commit()
    text = page_text(client, f"/organizer/fairs/{SLUG}/log")
    assert "retired field: a, b → —" in text
    assert "Объём экспозиции: 100 → 120" in text


def test_the_application_page_shows_everything_the_company_entered(client, console):
    exhibitor = page_text(client, f"/organizer/registrations/{console['exhibitor'].id}")
    for fact in (
        "Страна и регион Беларусь · г. Минск",
        "Отрасли Лесная промышленность, Пищевая промышленность",
        "Телефон +375 17 123-45-67",
        "Стенд Стенд в павильоне",
        "Площадь 12,5 м²",
        "Электричество да",
        "Вода да",
        "Интернет нет",
        "Экспонируемая продукция Мебель из массива",
        "Комментарий для организатора Нужен угловой стенд",
        # its history, rendered as the log renders it
        "Площадь, м²: 9 м² → 12,5 м²",
        "Статус: Подана → Одобрена",
    ):
        assert fact in exhibitor, fact
    visitor = page_text(client, f"/organizer/registrations/{console['visitor'].id}")
    for fact in (
        "Россия · Кировская область",
        "Петров Иван, директор",
        "Сидорова Анна",
        "Цели визита Продажи, Поиск партнёров",
    ):
        assert fact in visitor, fact


CONSOLE_PAGES = [
    "/organizer/",
    f"/organizer/fairs/{SLUG}/registrations",
    f"/organizer/fairs/{SLUG}/registrations?sort=company&dir=desc",
    f"/organizer/fairs/{SLUG}/registrations/print",
    f"/organizer/fairs/{SLUG}/log",
    f"/organizer/fairs/{SLUG}/programme",
    f"/organizer/fairs/{SLUG}/edit",
    "/organizer/registrations/{exhibitor}",
    "/organizer/registrations/{visitor}",
]


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_no_codes_on_console_pages(client, console, path):
    url = path.format(exhibitor=console["exhibitor"].id, visitor=console["visitor"].id)
    html = client.get(url).get_data(as_text=True)
    text = visible_text(html)
    assert codes_in(text, extra=set(SECTORS)) == [], text
    assert not PATTERNS["x.0 decimal"].search(input_values(html)), input_values(html)


def test_no_codes_in_the_csv_for_excel(client, console):
    data = client.get(f"/organizer/fairs/{SLUG}/registrations.csv").data.decode("utf-8-sig")
    cells = [c.strip() for row in csv.reader(io.StringIO(data), delimiter=";") for c in row]
    assert codes_in(" | ".join(cells), extra=set(SECTORS)) == []


def test_the_print_view_carries_what_stand_builders_need(client, console):
    text = page_text(client, f"/organizer/fairs/{SLUG}/registrations/print")
    for fact in (
        "ОАО «Минскдрев»",
        "Беларусь · г. Минск",
        "Стенд в павильоне, 12,5 м²",
        "Электричество: да · Вода: да · Интернет: нет",
        "Мебель из массива",
        "Комментарий для организатора: Нужен угловой стенд",
        "Ковалёв Андрей",
        "+375 17 123-45-67",
        "Состав делегации: Петров Иван, директор; Сидорова Анна",
        "Цели визита: Продажи, Поиск партнёров",
    ):
        assert fact in text, fact


def test_the_attendee_list_shows_names(client, console):
    text = page_text(client, f"/organizer/fairs/{SLUG}/registrations")
    for fact in (
        "Беларусь · г. Минск",
        "Россия · Кировская область",
        "Стенд в павильоне, 12,5 м²",
        "2 участника делегации",
    ):
        assert fact in text, fact


def test_console_home_lists_coming_fairs_soonest_first_then_past(client, console, make_fair):
    organizer = console["fair"].organizer
    today = minsk_today()
    make_fair(
        slug="later",
        name_ru="Позже",
        organizer=organizer,
        starts_on=today.replace(year=today.year + 1),
    )
    make_fair(
        slug="running", name_ru="Сейчас", organizer=organizer, starts_on=today - timedelta(days=1)
    )
    make_fair(
        slug="long-ago", name_ru="Давно", organizer=organizer, starts_on=today - timedelta(days=400)
    )
    make_fair(
        slug="lately", name_ru="Недавно", organizer=organizer, starts_on=today - timedelta(days=30)
    )
    text = page_text(client, "/organizer/")
    order = [text.index(n) for n in ("Сейчас", "Белагро", "Позже", "Прошедшие", "Недавно", "Давно")]
    assert order == sorted(order)
    for header in ("Подано", "Одобрено", "В листе ожидания"):
        assert header in text


def test_sectors_are_sorted_by_name_in_the_fair_form(client, console):
    html = client.get(f"/organizer/fairs/{SLUG}/edit").get_data(as_text=True)
    positions = [html.index(f'value="{code}"') for code in ("light-industry", "forestry", "food")]
    assert positions == sorted(positions)  # Лёгкая, Лесная, Пищевая


@pytest.mark.parametrize(
    ("old", "new", "shown_old", "shown_new"),
    [
        (
            "a" * 300 + " конец.",
            "a" * 300 + " финал.",
            "…" + "a" * 39 + " конец.",
            "…" + "a" * 39 + " финал.",
        ),
        (
            "Начало. " + "b" * 300,
            "Старт. " + "b" * 300,
            "Начало. " + "b" * 38 + "…",
            "Старт. " + "b" * 38 + "…",
        ),
        ("коротко", "кратко", "коротко", "кратко"),
    ],
)
def test_long_texts_in_the_log_show_the_part_that_changed(app, old, new, shown_old, shown_new):
    from fairplanner.organizers.changelog import Names, _details

    with app.test_request_context():
        [detail] = _details({"description_ru": [old, new]}, {}, Names())
    assert (detail.old, detail.new) == (shown_old, shown_new)
