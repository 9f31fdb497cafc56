"""The Follow and Unfollow routes: who may post, which fairs, where they lead back to."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import Role
from fairplanner.catalogue.models import FairStatus
from fairplanner.following.models import Follow


@pytest.fixture
def fair(make_fair: Any) -> Any:
    return make_fair(name_ru="Белагро", name_en="Belagro", slug="belagro")


def follows(db: Any) -> list[tuple[int, int]]:
    return list(db.session.execute(select(Follow.company_id, Follow.fair_id)).tuples())


def flashes(client: Any) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def test_follow_then_follow_again_then_unfollow(client, db, member, fair):
    company = member.company
    response = client.post("/fairs/belagro/follow", data={"next": "/?sector=food"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/?sector=food"
    assert follows(db) == [(company.id, fair.id)]
    assert flashes(client) == [
        "Вы следите за выставкой «Белагро»: она в разделе «Мои выставки» → «Отслеживаемые»."
    ]
    db.session.refresh(company)
    assert company.follows_version == 1
    assert client.post("/fairs/belagro/follow").status_code == 302  # a second click: no error
    assert follows(db) == [(company.id, fair.id)]
    db.session.refresh(company)
    assert company.follows_version == 1  # nothing changed, no stored block is dropped

    response = client.post("/fairs/belagro/unfollow", headers={"Accept-Language": "en"})
    assert response.headers["Location"] == "/fairs/belagro"
    assert follows(db) == []
    db.session.refresh(company)
    assert company.follows_version == 2


def test_the_flash_is_in_the_readers_language(client, member, fair):
    client.set_cookie("lang", "en")
    client.post("/fairs/belagro/follow")
    assert flashes(client) == ["You are following Belagro: it is listed in My fairs → Followed."]
    client.post("/fairs/belagro/unfollow")
    assert flashes(client)[-1] == "You no longer follow Belagro."


@pytest.mark.parametrize("action", ["follow", "unfollow"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, db, fair, action):
    response = client.post(f"/fairs/belagro/{action}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert follows(db) == []


@pytest.mark.parametrize("action", ["follow", "unfollow"])
def test_staff_without_a_company_are_refused(client, db, make_user, login_as, fair, action):
    login_as(make_user(role=Role.STAFF, organizer_id=fair.organizer_id))
    assert client.post(f"/fairs/belagro/{action}").status_code == 403
    assert follows(db) == []


@pytest.mark.parametrize("action", ["follow", "unfollow"])
@pytest.mark.parametrize("slug", ["draft", "no-such-fair"])
def test_a_hidden_or_unknown_fair_is_not_found(client, db, member, make_fair, slug, action):
    make_fair(slug="draft", status=FairStatus.DRAFT)
    assert client.post(f"/fairs/{slug}/{action}").status_code == 404
    assert follows(db) == []


def test_a_cancelled_fair_cannot_be_followed_but_can_be_unfollowed(client, db, member, fair):
    client.post("/fairs/belagro/follow")
    fair.status = FairStatus.CANCELLED
    db.session.commit()
    client.set_cookie("lang", "en")
    client.post("/fairs/belagro/unfollow")
    assert follows(db) == []
    response = client.post("/fairs/belagro/follow", data={"next": "/my/fairs?tab=followed"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/fairs?tab=followed"
    assert flashes(client)[-1] == "This fair has been cancelled: it can no longer be followed."
    assert follows(db) == []


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "evil.example",
        "/ok\r\nSet-Cookie: x=1",
    ],
)
def test_next_never_leads_off_the_site(client, member, fair, target):
    response = client.post("/fairs/belagro/follow", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/fairs/belagro"


def test_next_keeps_a_page_of_the_site_with_its_filters_and_anchor(client, member, fair):
    target = f"/calendar/{fair.starts_on.year}/{fair.starts_on.month}?sector=food#fair-{fair.id}"
    response = client.post("/fairs/belagro/follow", data={"next": target})
    assert response.headers["Location"] == target


class TestTheCompanyComesFromTheSession:
    """There is no company in the URL or the form: a member acts only for their own."""

    def test_unfollowing_touches_only_the_readers_company(
        self, client, db, factories, member, fair
    ):
        other = factories.user()
        from fairplanner.following import services

        services.follow(other.company, fair, by=other)
        db.session.commit()
        client.post("/fairs/belagro/follow")
        client.post("/fairs/belagro/unfollow", data={"company_id": str(other.company.id)})
        assert follows(db) == [(other.company.id, fair.id)]

    def test_a_company_id_in_the_form_is_ignored(self, client, db, factories, member, fair):
        other = factories.user()
        client.post("/fairs/belagro/follow", data={"company_id": str(other.company.id)})
        assert follows(db) == [(member.company.id, fair.id)]


class TestCsrf:
    @pytest.mark.parametrize("action", ["follow", "unfollow"])
    def test_a_forged_post_is_refused(self, app, client, db, member, fair, monkeypatch, action):
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        response = client.post(f"/fairs/belagro/{action}", headers={"Accept-Language": "en"})
        assert response.status_code == 400
        assert follows(db) == []

    @pytest.mark.usefixtures("caching")
    def test_the_button_on_a_stored_page_posts_the_readers_token(
        self, app, client, db, member, fair, monkeypatch
    ):
        """The button's markup is stored for the company; the token comes from base.html."""
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        client.get("/")
        page = client.get("/").get_data(as_text=True)  # from stored blocks
        form = re.search(r'<form id="reader-actions" method="post" hidden>(.*?)</form>', page)
        assert form is not None
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(1)).group(1)
        assert 'form="reader-actions" formaction="/fairs/belagro/follow"' in page
        content = page[form.end() : page.index("</main>")]
        assert 'formaction="/fairs/belagro/follow"' in content
        assert token not in content
        response = client.post("/fairs/belagro/follow", data={"csrf_token": token, "next": "/"})
        assert response.status_code == 302
        assert follows(db) == [(member.company.id, fair.id)]
