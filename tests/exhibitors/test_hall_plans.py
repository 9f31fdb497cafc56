"""Hall plans: the organizer uploads a plan per hall, marks the stands on it; the public hall
page shows a marker per placed stand, and the exhibitor catalogue links a stand to it."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from sqlalchemy import func, select

from fairplanner.accounts.models import Role
from fairplanner.exhibitors import plans
from fairplanner.exhibitors.models import HallPlan, StandPosition
from fairplanner.extensions import db
from fairplanner.media.models import Image
from fairplanner.media.services import store_image
from fairplanner.organizers.models import FairChange
from fairplanner.registrations.models import RegistrationStatus
from tests.media import images
from tests.media.test_pages import upload

EN = {"Accept-Language": "en"}
HALL = "Павильон 1"


@pytest.fixture
def fair(make_fair):
    return make_fair(slug="belagro", organizer="belexpo")


@pytest.fixture
def staff(factories, make_user, login_as, fair):
    organizer = factories.organizer("belexpo")
    return login_as(make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=organizer.id))


def exhibit(factories, fair, name, stand, hall=HALL, **kw):
    return factories.registration(
        fair, factories.company(legal_name=name), hall=hall, stand=stand, **kw
    )


def put_plan(client, hall=HALL, data=None):
    return upload(
        client,
        "/organizer/fairs/belagro/halls",
        data or images.png(size=(400, 200)),
        "plan.png",
        field="image",
        fields={"hall": hall},
    )


def the_plan(hall=HALL) -> HallPlan:
    db.session.expire_all()
    return db.session.scalars(select(HallPlan).where(HallPlan.hall == hall)).one()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_halls_page_lists_the_halls_of_the_assigned_stands(client, factories, fair, staff):
    exhibit(factories, fair, "ООО «Альфа»", "А-1")
    exhibit(factories, fair, "ООО «Бета»", "Б-2", hall="Павильон 2")
    exhibit(factories, fair, "ООО «Ждёт»", None, hall=None, status=RegistrationStatus.SUBMITTED)
    html = client.get("/organizer/fairs/belagro/halls", headers=EN).get_data(as_text=True)
    assert "Павильон 1" in html
    assert "Павильон 2" in html
    assert html.count("No plan uploaded yet.") == 2
    assert "A plan for another hall" in html


def test_upload_mark_replace_and_remove_a_plan_with_audit(client, factories, fair, staff):
    exhibit(factories, fair, "ООО «Альфа»", "А-1")
    exhibit(factories, fair, "ООО «Бета»", "А-2")
    response = put_plan(client)
    plan = the_plan()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organizer/fairs/belagro/halls/{plan.id}")
    assert (plan.image.width, plan.image.height) == (400, 200)

    url = f"/organizer/fairs/belagro/halls/{plan.id}"
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert 'name="stand-0" value="А-1"' in page
    assert 'name="stand-1" value="А-2"' in page
    assert 'type="module" src="/static/js/plan-marking.js"' in page
    form = {"stand-0": "А-1", "x-0": "25", "y-0": "50", "stand-1": "А-2", "x-1": "", "y-1": ""}
    assert client.post(url, data=form, headers=EN).status_code == 302
    assert [(p.stand, p.x, p.y) for p in the_plan().positions] == [("А-1", 0.25, 0.5)]
    # A comma as the decimal separator, as Russian users type it; moving and adding.
    form.update({"x-0": "12,5", "x-1": "100", "y-1": "0"})
    assert client.post(url, data=form, headers=EN).status_code == 302
    assert [(p.stand, p.x, p.y) for p in the_plan().positions] == [
        ("А-1", 0.125, 0.5),
        ("А-2", 1.0, 0.0),
    ]
    # Replacing the image keeps the positions; the old image, now unused, is gone.
    old_image = the_plan().image_id
    assert put_plan(client, data=images.webp(size=(300, 300))).status_code == 302
    assert the_plan().image_id != old_image
    assert db.session.get(Image, old_image) is None
    assert len(the_plan().positions) == 2

    remove = f"/organizer/fairs/belagro/halls/{plan.id}/remove"
    ask = client.post(remove, headers=EN)
    assert ask.status_code == 200
    assert "Remove the plan of Павильон 1?" in ask.get_data(as_text=True)
    assert count(HallPlan) == 1
    assert client.post(remove, data={"confirmed": "1"}, headers=EN).status_code == 302
    assert (count(HallPlan), count(StandPosition), count(Image)) == (0, 0, 0)

    log = client.get("/organizer/fairs/belagro/log", headers=EN).get_data(as_text=True)
    for line in (
        "Plan of Павильон 1 uploaded",
        "Stands marked on the plan of Павильон 1: А-1",
        "Stands marked on the plan of Павильон 1: А-1, А-2",
        "Plan of Павильон 1 replaced",
        "Plan of Павильон 1 removed",
    ):
        assert line in log
    actions = db.session.scalars(select(FairChange.action).where(FairChange.fair_id == fair.id))
    assert sorted(actions) == ["hall plan"] * 3 + ["stands placed"] * 2


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ("101", "5", "a position is from 0 to 100 %"),
        ("-1", "5", "a position is from 0 to 100 %"),
        ("abc", "5", "give both positions as numbers from 0 to 100"),
        ("5", "", "give both positions as numbers from 0 to 100"),
        ("nan", "5", "give both positions as numbers from 0 to 100"),
        ("inf", "5", "give both positions as numbers from 0 to 100"),
    ],
)
def test_a_bad_position_is_refused_and_nothing_is_saved(
    client, factories, fair, staff, x, y, message
):
    exhibit(factories, fair, "ООО «Альфа»", "А-1")
    exhibit(factories, fair, "ООО «Бета»", "А-2")
    put_plan(client)
    plan = the_plan()
    url = f"/organizer/fairs/belagro/halls/{plan.id}"
    form = {"stand-0": "А-1", "x-0": "10", "y-0": "10", "stand-1": "А-2", "x-1": x, "y-1": y}
    response = client.post(url, data=form, headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"Stand А-2: {message}" in html
    assert f'value="{x}"' in html  # what was typed stays in the form
    assert count(StandPosition) == 0


def test_a_stand_of_another_hall_cannot_be_placed(client, factories, fair, staff):
    exhibit(factories, fair, "ООО «Альфа»", "А-1")
    exhibit(factories, fair, "ООО «Бета»", "Б-1", hall="Павильон 2")
    put_plan(client)
    url = f"/organizer/fairs/belagro/halls/{the_plan().id}"
    response = client.post(url, data={"stand-0": "Б-1", "x-0": "5", "y-0": "5"}, headers=EN)
    assert response.status_code == 422
    assert "Stand Б-1 is not in Павильон 1." in response.get_data(as_text=True)
    assert count(StandPosition) == 0


def test_the_service_takes_only_numbers_from_0_to_1(factories, fair, app):
    exhibit(factories, fair, "ООО «Альфа»", "А-1")
    plan, _old = plans.put_plan(fair.id, HALL, store_image(BytesIO(images.png())))
    for bad in [(1.5, 0.5), (0.5, -0.01), ("0.5", 0.5), (True, 0.5), (float("nan"), 0.5)]:
        with pytest.raises(plans.PlanError):
            plans.place_stands(plan, {"А-1": bad})
    assert plans.place_stands(plan, {"А-1": (0, 1)}) == {"А-1": [None, (0.0, 1.0)]}


def test_a_hostile_plan_upload_is_refused_and_stores_nothing(client, factories, fair, staff):
    response = put_plan(client, data=images.HTML)
    assert response.status_code == 422
    assert "This file is not a PNG, JPEG or WebP image." in response.get_data(as_text=True)
    assert (count(HallPlan), count(Image)) == (0, 0)


def test_a_plan_needs_a_hall_name(client, factories, fair, staff):
    response = put_plan(client, hall="   ")
    assert response.status_code == 422
    assert "Give the name of the hall" in response.get_data(as_text=True)
    assert (count(HallPlan), count(Image)) == (0, 0)


def test_a_free_text_hall_gets_a_plan_and_shows_in_russian(client, factories, fair, staff):
    assert put_plan(client, hall="  Открытая   площадка ").status_code == 302
    assert the_plan("Открытая площадка").hall == "Открытая площадка"
    html = client.get("/organizer/fairs/belagro/halls").get_data(as_text=True)
    assert "Открытая площадка" in html
    assert "Заменить план" in html


def test_another_organizers_fair_and_plan_are_404(
    client, factories, fair, make_fair, make_user, login_as
):
    exhibit(factories, fair, "ООО «Альфа»", "А-1")
    plan, _old = plans.put_plan(fair.id, HALL, store_image(BytesIO(images.png())))
    db.session.commit()
    theirs = factories.organizer("minskexpo")
    make_fair(slug="minsk", organizer="minskexpo")
    login_as(make_user("x@minskexpo.by", role=Role.STAFF, organizer_id=theirs.id))
    assert client.get("/organizer/fairs/belagro/halls").status_code == 404
    assert client.get(f"/organizer/fairs/belagro/halls/{plan.id}").status_code == 404
    assert client.get(f"/organizer/fairs/minsk/halls/{plan.id}").status_code == 404  # not theirs
    assert client.post(f"/organizer/fairs/minsk/halls/{plan.id}/remove").status_code == 404
    assert count(HallPlan) == 1


def test_the_public_page_marks_the_placed_stands_and_the_catalogue_links_to_them(
    client, factories, fair, staff
):
    exhibit(factories, fair, "ООО «Альфа»", "А-1")
    exhibit(factories, fair, "ООО «Бета»", "А 2")
    exhibit(factories, fair, "ООО «Скрытая»", "А-3", listed=False)
    exhibit(factories, fair, "ООО «Гамма»", "Б-1", hall="Павильон 2")
    put_plan(client)
    plan = the_plan()
    form = {"stand-0": "А-1", "x-0": "25", "y-0": "50", "stand-1": "А 2", "x-1": "", "y-1": ""}
    form.update({"stand-2": "А-3", "x-2": "75", "y-2": "10"})
    client.post(f"/organizer/fairs/belagro/halls/{plan.id}", data=form)

    public = client.get("/fairs/belagro/halls/Павильон 1", headers=EN)
    assert public.status_code == 200
    html = public.get_data(as_text=True)
    markers = re.findall(
        r'<g class="plan-marker" id="([^"]+)" transform="translate\(([^)]+)\)"', html
    )
    assert markers == [("stand-А-1", "100.0 100.0"), ("stand-А-3", "300.0 20.0")]
    assert 'viewBox="0 0 400 200"' in html
    assert (
        "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    )  # the markers need no script
    assert "ООО «Альфа»" in html
    assert "ООО «Скрытая»" not in html  # not listed: its stand without its name
    assert "Stand А-3" in html
    assert "Stand А 2" in html
    assert "Б-1" not in html

    catalogue = client.get("/fairs/belagro/exhibitors", headers=EN).get_data(as_text=True)
    links = re.findall(r'href="(/fairs/belagro/halls/[^"]+)"', catalogue)
    assert (
        "/fairs/belagro/halls/%D0%9F%D0%B0%D0%B2%D0%B8%D0%BB%D1%8C%D0%BE%D0%BD%201#stand-А-1"
        in links
    )
    assert any(link.endswith("#stand-А_2") for link in links)
    assert len(links) == 2  # hall 2 has no plan: no link; the unlisted one is not in the list
    assert client.get("/fairs/belagro/halls/Павильон 2").status_code == 404
    assert client.get("/fairs/belagro/halls/Нет такого").status_code == 404


def test_the_public_page_in_russian_and_its_queries(client, factories, fair, staff, count_queries):
    for n in range(3):
        exhibit(factories, fair, f"ООО «Компания {n}»", f"А-{n}")
    put_plan(client)
    url = "/fairs/belagro/halls/Павильон 1"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(3, 30):
        exhibit(factories, fair, f"ООО «Компания {n}»", f"А-{n}")
    client.get(url)
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert many.count == few.count
    assert "<h1>План: Павильон 1</h1>" in html
    assert html.index("Стенд А-2 ") < html.index("Стенд А-10 ")  # stand numbers in natural order


def test_the_halls_page_reads_a_fixed_number_of_statements(
    client, factories, fair, staff, count_queries
):
    def add_hall(n):
        exhibit(factories, fair, f"ООО «Компания {n}»", f"А-{n}", hall=f"Павильон {n}")
        plan, _old = plans.put_plan(fair.id, f"Павильон {n}", store_image(BytesIO(images.png())))
        plans.place_stands(plan, {f"А-{n}": (0.5, 0.5)})
        db.session.commit()

    add_hall(1)
    with count_queries() as few:
        assert client.get("/organizer/fairs/belagro/halls").status_code == 200
    for n in range(2, 12):
        add_hall(n)
    with count_queries() as many:
        html = client.get("/organizer/fairs/belagro/halls").get_data(as_text=True)
    assert many.count == few.count
    assert html.count("Отмечен 1 стенд.") == 11


def test_the_sitemap_lists_the_hall_plans_of_visible_fairs(app, client, factories, fair, staff):
    from urllib.parse import quote

    exhibit(factories, fair, "ООО «Альфа»", "А-1")
    assert put_plan(client).status_code == 302
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"/fairs/belagro/halls/{quote(HALL)}</loc>" in sitemap
