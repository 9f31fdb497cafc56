"""Security headers: HSTS in production, no caching of what a signed-in user sees, feeds aside."""

from __future__ import annotations

import re

import pytest

import config
from fairplanner import create_app
from fairplanner.accounts.models import Role

NO_STORE = "private, no-store"


def test_production_sends_hsts():
    app = create_app(
        config.ProductionConfig, SECRET_KEY="s" * 40, SQLALCHEMY_DATABASE_URI="sqlite://"
    )
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("config_class", [config.DevelopmentConfig, config.TestingConfig])
def test_no_hsts_where_the_site_may_be_plain_http(config_class):
    app = create_app(config_class, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz").headers


@pytest.mark.parametrize(
    "path", ["/", "/my/fairs", "/company", "/company/members", "/account/password"]
)
def test_signed_in_pages_are_not_stored(client, member, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == NO_STORE


@pytest.mark.parametrize("path", ["/", "/login", "/signup"])
def test_anonymous_pages_may_be_cached(client, db, path):
    assert "no-store" not in client.get(path).headers.get("Cache-Control", "")


def test_the_login_response_itself_is_not_stored(client, make_user):
    from tests.factories import PASSWORD

    make_user("buyer@example.com")
    response = client.post("/login", data={"email": "buyer@example.com", "password": PASSWORD})
    assert response.headers["Cache-Control"] == NO_STORE


@pytest.mark.parametrize(
    "suffix",
    ["registrations.csv", "registrations-comma.csv", "registrations.xlsx", "registrations/print"],
)
def test_exports_are_not_stored(client, factories, make_fair, make_user, login_as, suffix):
    organizer = factories.organizer("belexpo")
    make_fair(slug="prodexpo", organizer=organizer)
    login_as(make_user(role=Role.STAFF, company=None, organizer_id=organizer.id))
    response = client.get(f"/organizer/fairs/prodexpo/{suffix}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == NO_STORE


def test_static_files_keep_their_caching_when_signed_in(client, member):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_feeds_keep_their_caching_and_304s_when_signed_in(client, member, make_fair):
    make_fair()
    html = client.get("/my/fairs").get_data(as_text=True)
    private = re.search(r'value="http://127\.0\.0\.1:5000(/calendar/[^"]+\.ics)', html).group(1)
    for path, caching in (
        (private, "private, max-age=300"),
        ("/calendar.ics", "public, max-age=300"),
    ):
        first = client.get(path)
        assert first.status_code == 200
        assert first.headers["Cache-Control"] == caching
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        assert again.headers["Cache-Control"] == caching
