"""Signed-in catalogue pages: the list, the month and the fair page keep their own blocks in the
shared cache (fairplanner.pagecache.render_page), stored once for every reader and replaced
with the data they show; the header around them is each reader's own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jinja2 import ChoiceLoader, DictLoader

from fairplanner.accounts.models import Role
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus

PAGES = ["list", "fair", "month"]
CSRF = re.compile(r'name="csrf_token" value="[^"]+"')


@pytest.fixture
def fair(make_fair: Any) -> Any:
    return make_fair(name_ru="Белагро", name_en="Belagro", programme=2)


@pytest.fixture
def paths(fair: Any) -> dict[str, str]:
    return {
        "list": "/",
        "fair": f"/fairs/{fair.slug}",
        "month": f"/calendar/{fair.starts_on.year}/{fair.starts_on.month}",
    }


@pytest.fixture
def staff(make_user: Any, login_as: Any, fair: Any) -> Any:
    return login_as(make_user(role=Role.STAFF, organizer_id=fair.organizer_id))


def text(response: Any) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.usefixtures("caching")
class TestQueries:
    """Once a page's blocks are stored and the reader's login is kept by the process
    (fairplanner.accounts.sessions), a signed-in page runs no statement at all. Before the page
    blocks: 4 to 8 (the demo data: member 6, 8, 5; staff 5, 6, 4 for the list, the fair page and
    the month); before the kept login: 1."""

    @pytest.fixture(autouse=True)
    def _generations_kept(self, app, monkeypatch):
        # The generations are read again after CACHE_GENERATION_SECONDS: not within a test.
        monkeypatch.setitem(app.config, "CACHE_GENERATION_SECONDS", 3600.0)

    @pytest.mark.parametrize("page", PAGES)
    def test_a_member_page_runs_no_statement(self, client, member, paths, page, count_queries):
        text(client.get(paths[page]))
        with count_queries() as counter:
            assert member.email in text(client.get(paths[page]))
        assert counter.count == 0, counter.statements

    @pytest.mark.parametrize("page", PAGES)
    def test_a_staff_page_runs_no_statement(self, client, staff, paths, page, count_queries):
        text(client.get(paths[page]))
        with count_queries() as counter:
            assert staff.email in text(client.get(paths[page]))
        assert counter.count == 0, counter.statements

    @pytest.mark.parametrize("page", PAGES)
    def test_the_first_view_is_not_dearer_for_more_fairs(
        self, app, client, member, make_fair, paths, page, count_queries
    ):
        """The blocks are rendered with the page's eager loading: 1 fair or 6, same count."""
        with count_queries() as one:
            text(client.get(paths[page]))
        for _ in range(5):
            make_fair(starts_on=make_fair().starts_on)
        app.extensions["cache"].clear()
        with count_queries() as many:
            text(client.get(paths[page]))
        assert many.count == one.count, many.statements


@pytest.mark.usefixtures("caching")
class TestSameAsRendered:
    @pytest.mark.parametrize("page", PAGES)
    @pytest.mark.parametrize("lang", ["ru", "en"])
    def test_a_page_from_stored_blocks_is_the_page_rendered_afresh(
        self, app, client, member, paths, page, lang
    ):
        client.set_cookie("lang", lang)
        rendered = CSRF.sub("", text(client.get(paths[page])))
        stored = CSRF.sub("", text(client.get(paths[page])))
        assert stored == rendered
        app.config["PAGE_CACHE"] = False
        assert CSRF.sub("", text(client.get(paths[page]))) == rendered

    def test_the_header_marks_the_page_of_the_stored_blocks(self, client, member, paths):
        client.get(paths["month"])
        assert 'aria-current="page">Календарь' in text(client.get(paths["month"]))


@pytest.mark.usefixtures("caching")
class TestInvalidation:
    @pytest.mark.parametrize("page", PAGES)
    def test_a_renamed_fair_shows_at_once(self, client, db, member, fair, paths, page):
        assert "Белагро" in text(client.get(paths[page]))
        fair.name_ru = "Белагро-2027"
        db.session.commit()
        assert "Белагро-2027" in text(client.get(paths[page]))

    @pytest.mark.parametrize("page", ["list", "fair"])
    def test_a_renamed_sector_shows_at_once(self, client, db, member, fair, paths, page):
        assert "Деревообработка" not in text(client.get(paths[page]))
        fair.sectors[0].name_ru = "Деревообработка"
        db.session.commit()
        assert "Деревообработка" in text(client.get(paths[page]))

    @pytest.mark.parametrize("page", PAGES)
    def test_each_language_has_its_own_blocks(self, client, member, paths, page):
        assert "Белагро" in text(client.get(paths[page]))
        client.set_cookie("lang", "en")
        english = text(client.get(paths[page]))
        assert "Belagro" in english
        assert "Белагро" not in english

    def test_filters_have_their_own_blocks(self, client, member, fair, make_fair):
        make_fair(name_ru="Продэкспо", sectors=["machinery"])
        assert "Продэкспо" in text(client.get("/"))
        filtered = text(client.get("/?sector=food"))
        assert "Белагро" in filtered
        assert "Продэкспо" not in filtered

    def test_the_readers_new_application_shows_at_once(
        self, client, db, factories, member, fair, paths
    ):
        assert "Your exhibitor application" not in english(client, paths["fair"])
        factories.registration(fair, member.company, status=RegistrationStatus.SUBMITTED)
        db.session.commit()
        assert "Your exhibitor application" in english(client, paths["fair"])

    def test_a_user_who_joins_a_company_is_offered_registration(
        self, client, db, factories, staff, paths
    ):
        assert "Register as an exhibitor" not in english(client, paths["fair"])
        staff.company = factories.company()
        db.session.commit()
        assert "Register as an exhibitor" in english(client, paths["fair"])


def english(client: Any, path: str) -> str:
    client.set_cookie("lang", "en")
    return text(client.get(path))


@pytest.mark.usefixtures("caching")
class TestNoLeaks:
    def test_each_company_sees_its_own_applications(
        self, app, db, factories, make_user, fair, paths
    ):
        readers = []
        for _ in range(2):
            user = make_user()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
            readers.append((user, client))
        (first, first_client), (second, second_client) = readers
        factories.registration(fair, first.company, role=RegistrationRole.EXHIBITOR)
        db.session.commit()
        mine = english(first_client, paths["fair"])
        assert "Your exhibitor application" in mine
        theirs = english(second_client, paths["fair"])
        assert "Your exhibitor application" not in theirs
        assert "Register as an exhibitor" in theirs
        assert second.email in theirs
        assert first.email not in theirs
        # and the other way round, once both pages are stored
        assert "Your exhibitor application" in english(first_client, paths["fair"])
        assert "Your exhibitor application" not in english(second_client, paths["fair"])

    @pytest.mark.parametrize("page", PAGES)
    def test_the_header_is_each_readers_own(self, app, make_user, paths, page):
        users = [make_user(), make_user(role=Role.STAFF)]
        for user in users * 2:
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
            page_text = text(client.get(paths[page]))
            assert user.email in page_text
            assert all(other.email not in page_text for other in users if other is not user)

    def test_an_anonymous_visitor_gets_no_reader_blocks(self, app, client, member, fair, paths):
        assert "Register as an exhibitor" in english(client, paths["fair"])
        anonymous = app.test_client()
        anonymous.set_cookie("lang", "en")
        page = text(anonymous.get(paths["fair"]))
        assert "Log in to register" in page
        assert "Register as an exhibitor" not in page
        assert member.email not in page


@pytest.mark.usefixtures("caching")
def test_blocks_holding_the_readers_csrf_token_are_not_stored(app, client, member, paths):
    """Should a form ever join a page's content, its token stays the reader's own."""
    page = (
        '{% extends "base.html" %}{% block content %}<form method="post">'
        '<input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>{% endblock %}'
    )
    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({"catalogue/month.html": page}), loader])
    app.jinja_env.cache.clear()
    try:
        text(client.get(paths["month"]))
        stored = [key for key in app.extensions["cache"].items if key.startswith("blocks:")]
    finally:
        app.jinja_env.loader = loader
        app.jinja_env.cache.clear()
    assert stored == []


@pytest.mark.usefixtures("caching")
class TestTheReaderIsLoadedOnEveryRequest:
    """Nothing of the reader is kept between requests: a login ended elsewhere (another
    server's logout, written straight to the database here) fails on the very next page."""

    @pytest.mark.parametrize("page", PAGES)
    def test_a_login_revoked_elsewhere_fails_on_the_next_request(
        self, db, client, member, paths, page
    ):
        from fairplanner.accounts import sessions

        assert member.email in text(client.get(paths[page]))
        assert member.email in text(client.get(paths[page]))  # from stored blocks
        loaded = sessions.load(member.get_id())
        assert loaded is not None
        sessions.revoke(loaded)
        db.session.commit()
        page_text = text(client.get(paths[page]))
        assert member.email not in page_text
        assert 'href="/signup"' in page_text

    def test_a_company_left_elsewhere_leaves_the_header_at_once(self, db, client, member, paths):
        assert 'href="/company"' in text(client.get(paths["list"]))
        member.company = None
        db.session.commit()
        db.session.expire_all()
        page_text = text(client.get(paths["list"]))
        assert member.email in page_text
        assert 'href="/company"' not in page_text
