"""Follow state on the catalogue's three pages (stored blocks per company and follows_version)
and the "Followed" tab of "My fairs"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import FairStatus
from fairplanner.following import services
from fairplanner.i18n import minsk_today
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus

PAGES = ["list", "fair", "month"]
FOLLOW = 'formaction="/fairs/belagro/follow"'
UNFOLLOW = 'formaction="/fairs/belagro/unfollow"'


@pytest.fixture
def fair(make_fair: Any) -> Any:
    return make_fair(name_ru="Белагро", name_en="Belagro", slug="belagro")


@pytest.fixture
def paths(fair: Any) -> dict[str, str]:
    return {
        "list": "/",
        "fair": "/fairs/belagro",
        "month": f"/calendar/{fair.starts_on.year}/{fair.starts_on.month}",
    }


def text(response: Any) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def signed_in(app: Any, user: Any) -> Any:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    return client


@pytest.mark.usefixtures("caching")
class TestCatalogueState:
    @pytest.mark.parametrize("page", PAGES)
    def test_follow_and_unfollow_show_at_once(self, client, member, paths, page):
        assert FOLLOW in text(client.get(paths[page]))
        assert FOLLOW in text(client.get(paths[page]))  # from stored blocks
        client.post("/fairs/belagro/follow")
        now = text(client.get(paths[page]))
        assert UNFOLLOW in now
        assert FOLLOW not in now
        assert "Вы следите" in now
        client.post("/fairs/belagro/unfollow")
        assert FOLLOW in text(client.get(paths[page]))

    @pytest.mark.parametrize("page", PAGES)
    def test_a_stored_page_of_a_following_company_runs_no_statement(
        self, app, client, db, member, fair, paths, page, count_queries, monkeypatch
    ):
        """The blocks are stored and the login (with the company's follows_version) is kept by
        the process; the generations are read again only after CACHE_GENERATION_SECONDS."""
        monkeypatch.setitem(app.config, "CACHE_GENERATION_SECONDS", 3600.0)
        services.follow(member.company, fair, by=member)
        db.session.commit()
        assert UNFOLLOW in text(client.get(paths[page]))
        with count_queries() as counter:
            assert UNFOLLOW in text(client.get(paths[page]))
        assert counter.count == 0, counter.statements

    @pytest.mark.parametrize("page", PAGES)
    def test_another_company_never_sees_the_first_ones_state(
        self, app, db, make_user, fair, paths, page
    ):
        first, second = make_user(), make_user()
        colleague = make_user(company=first.company)
        services.follow(first.company, fair, by=first)
        db.session.commit()
        first_client, second_client = signed_in(app, first), signed_in(app, second)
        for _ in range(2):  # rendered, then from stored blocks
            assert UNFOLLOW in text(first_client.get(paths[page]))
            theirs = text(second_client.get(paths[page]))
            assert FOLLOW in theirs
            assert UNFOLLOW not in theirs
        # a colleague of the first company sees its follow: it is the company's
        assert UNFOLLOW in text(signed_in(app, colleague).get(paths[page]))

    @pytest.mark.parametrize("page", PAGES)
    def test_anonymous_readers_and_staff_get_no_button(
        self, app, client, db, make_user, fair, paths, page
    ):
        staff = make_user(role=Role.STAFF, organizer_id=fair.organizer_id, company=None)
        for reader in (client, signed_in(app, staff)):
            page_text = text(reader.get(paths[page]))
            assert "/fairs/belagro/follow" not in page_text
            assert 'id="reader-actions"' not in page_text

    def test_an_anonymous_reader_is_offered_to_log_in_on_the_fair_page(self, client, paths):
        page = text(client.get(paths["fair"]))
        assert "Войдите, чтобы следить за выставкой" in page
        assert 'href="/login?next=/fairs/belagro"' in page

    def test_a_cancelled_fair_offers_no_follow_but_keeps_unfollow(
        self, client, db, member, fair, make_fair, paths
    ):
        cancelled = make_fair(slug="gone", status=FairStatus.CANCELLED, starts_on=fair.starts_on)
        page = text(client.get(paths["list"]))
        assert "/fairs/gone/follow" not in page
        services.follow(member.company, fair, by=member)
        db.session.commit()
        fair.status = FairStatus.CANCELLED
        db.session.commit()
        page = text(client.get(paths["list"]))
        assert UNFOLLOW in page
        assert f'id="fair-{cancelled.id}"' in page

    def test_the_button_leads_back_to_the_page_with_its_filters(self, client, member, fair):
        page = text(client.get("/?sector=food&utm_source=x"))
        assert f'name="next" value="/?sector=food#fair-{fair.id}"' in page


def followed_tab(client: Any, lang: str = "en") -> str:
    client.set_cookie("lang", lang)
    return text(client.get("/my/fairs?tab=followed"))


class TestFollowedTab:
    def test_lists_followed_fairs_soonest_first_with_what_matters(
        self, client, db, factories, member, make_fair
    ):
        today = minsk_today()
        later = make_fair(
            name_en="Later fair",
            starts_on=today + timedelta(days=90),
            registration_deadline=today + timedelta(days=60),
        )
        soon = make_fair(
            name_en="Soon fair",
            starts_on=today + timedelta(days=20),
            registration_deadline=today - timedelta(days=1),
        )
        cancelled = make_fair(name_en="Called off", starts_on=today + timedelta(days=40))
        past = make_fair(name_en="Last year", starts_on=today - timedelta(days=300))
        not_followed = make_fair(name_en="Someone else's")
        other = factories.user()
        services.follow(other.company, not_followed, by=other)
        for fair in (later, soon, cancelled, past):
            services.follow(member.company, fair, by=member)
        cancelled.status = FairStatus.CANCELLED  # after it was followed
        factories.registration(
            later,
            member.company,
            role=RegistrationRole.VISITOR,
            status=RegistrationStatus.SUBMITTED,
        )
        db.session.commit()

        page = followed_tab(client)
        assert page.index("Soon fair") < page.index("Called off") < page.index("Later fair")
        assert page.index("Later fair") < page.index("Past fairs") < page.index("Last year")
        assert "Someone else" not in page
        assert "Registration closed" in page
        assert f"Registration closes {later.registration_deadline:%-d %B %Y}" in page
        assert "Cancelled" in page
        assert 'href="/my/registrations/' in page  # the application to "Later fair"
        assert 'aria-current="page">Followed <span class="count">4</span>' in page
        assert '>Applications <span class="count">1</span>' in page
        assert page.count('action="/fairs/') == 4  # an Unfollow button each

    def test_says_the_deadline_in_russian(self, client, db, member, make_fair):
        fair = make_fair(registration_deadline=minsk_today() + timedelta(days=10))
        services.follow(member.company, fair, by=member)
        db.session.commit()
        page = followed_tab(client, "ru")
        assert 'aria-current="page">Отслеживаемые' in page
        assert "Регистрация до " in page
        assert "Подать заявку" in page

    def test_unfollow_from_the_tab_comes_back_to_it(self, client, db, member, make_fair):
        fair = make_fair(name_en="Gone soon", slug="gone-soon")
        services.follow(member.company, fair, by=member)
        db.session.commit()
        page = followed_tab(client)
        assert 'name="next" value="/my/fairs?tab=followed"' in page
        response = client.post("/fairs/gone-soon/unfollow", data={"next": "/my/fairs?tab=followed"})
        assert response.headers["Location"] == "/my/fairs?tab=followed"
        assert "Gone soon</a>" not in followed_tab(client)

    def test_empty_tab_says_what_to_do(self, client, member):
        page = followed_tab(client)
        assert "does not follow any fair yet" in page
        assert 'class="button" href="/"' in page

    def test_a_hidden_fair_is_left_out(self, client, db, member, make_fair):
        fair = make_fair(name_en="Back to draft")
        services.follow(member.company, fair, by=member)
        fair.status = FairStatus.DRAFT
        db.session.commit()
        assert "Back to draft" not in followed_tab(client)

    def test_the_applications_tab_is_the_default(self, client, member):
        client.set_cookie("lang", "en")
        page = text(client.get("/my/fairs?tab=nonsense"))
        assert 'aria-current="page">Applications' in page

    def test_statements_do_not_grow_with_the_list(
        self, client, db, member, make_fair, count_queries
    ):
        services.follow(member.company, make_fair(), by=member)
        db.session.commit()
        followed_tab(client)
        with count_queries() as one:
            followed_tab(client)
        for _ in range(4):
            services.follow(member.company, make_fair(), by=member)
        db.session.commit()
        with count_queries() as many:
            followed_tab(client)
        assert many.count == one.count, many.statements
