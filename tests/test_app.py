"""The application shell: configuration, health check, security headers, error pages, CSRF."""

from __future__ import annotations

import re

import pytest
from flask import Flask

import config
from fairplanner import create_app


def fresh_app(**overrides) -> Flask:
    """An app of its own, for tests that add routes or change settings."""
    return create_app(config.TestingConfig, **{"SQLALCHEMY_DATABASE_URI": "sqlite://", **overrides})


@pytest.mark.parametrize("key", [None, "", config.DEV_SECRET_KEY, "short"])
def test_production_refuses_a_missing_or_default_secret_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config.ProductionConfig, SECRET_KEY=key, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_starts_with_a_real_key_and_secure_cookies():
    app = create_app(
        config.ProductionConfig, SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://"
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, f"sqlite:///{config.INSTANCE / 'fairplanner.sqlite3'}"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_defaults_to_sqlite_under_instance(given, expected):
    assert config.database_url(given) == expected


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": True}


def test_healthz_is_503_when_the_database_is_down():
    app = fresh_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] is False


def test_security_headers_forbid_inline_code(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # scripts only from files
    assert " style=" not in html
    assert "<style" not in html
    # Nothing is loaded from another host.
    assert not re.search(r'(src|href)="(https?:)?//', html.replace('href="https://belexpo.by"', ""))


@pytest.mark.parametrize(
    ("method", "path", "status", "text"),
    [
        ("get", "/no/such/page", 404, "Page not found"),
        ("put", "/", 405, "Method not allowed"),
        ("post", "/language", 400, "Bad request"),
    ],
)
def test_error_pages(client, method, path, status, text):
    response = getattr(client, method)(path, headers={"Accept-Language": "en"})
    assert response.status_code == status
    assert text in response.get_data(as_text=True)


def test_oversized_body_is_413(client):
    response = client.post(
        "/language",
        data={"lang": "en", "pad": "x" * (2 * 1024 * 1024)},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 413
    assert "Request too large" in response.get_data(as_text=True)


def test_unexpected_errors_are_a_500_page_in_russian(caplog):
    app = fresh_app()

    @app.get("/boom")
    def boom():
        raise ZeroDivisionError

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Что-то пошло не так" in response.get_data(as_text=True)
    assert "ZeroDivisionError" not in response.get_data(as_text=True)
    assert "unhandled error" in caplog.text


def test_api_errors_are_json():
    app = fresh_app()
    response = app.test_client().get("/api/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"  # RFC 9457 problem details
    assert response.json["status"] == 404


class TestCsrf:
    """CSRF is off in TestingConfig; here it is on, as in production."""

    @pytest.fixture
    def csrf_client(self):
        return fresh_app(WTF_CSRF_ENABLED=True).test_client()

    def test_forged_post_is_rejected(self, csrf_client):
        response = csrf_client.post("/login", data={"email": "a@b.c", "password": "secret"})
        assert response.status_code == 400
        assert "session=" not in response.headers.get("Set-Cookie", "")

    def test_post_with_the_pages_token_is_accepted(self, app, client, monkeypatch):
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login", data={"email": "a@b.c", "password": "secret", "csrf_token": token}
        )
        assert response.status_code == 422  # the form with its error: past the CSRF check (400)

    def test_language_switch_needs_no_token(self, csrf_client):
        """Its only effect is the language; a token would give every visitor a session."""
        page = csrf_client.get("/")
        assert "Set-Cookie" not in page.headers
        assert b"csrf_token" not in page.data
        response = csrf_client.post("/language", data={"lang": "en", "next": "/"})
        assert response.status_code == 302
        assert "lang=en" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/?q=a%00b", None),
        ("get", "/?sector=%00", None),
        ("get", "/fairs/a%00b", None),
        ("get", "/calendar/2027/5?q=%00", None),
        ("post", "/login", {"email": "a@b.c", "password": "pass\x00word"}),
        ("post", "/signup", {"email": "a@b.c", "company_name": "ООО\x00"}),
    ],
)
def test_nul_characters_are_a_400_not_a_500(client, method, path, data):
    """PostgreSQL cannot store or compare U+0000; such input is refused up front."""
    response = getattr(client, method)(path, data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/?endpoint=x",
        "/calendar?year=1",
        "/calendar/2027/5?year=1&month=2",
        "/?_method=POST",
        "/?_external=1&_anchor=x",
    ],
)
def test_unknown_query_keys_never_reach_url_building(client, path):
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/?sector' not in html  # sanity: no filters were invented
    assert not re.search(r'href="[^"]*#x"', html)
    assert 'href="http://localhost/' not in html


def test_uploads_and_odd_field_names_are_refused(client):
    from io import BytesIO

    upload = client.post(
        "/login",
        data={"email": (BytesIO(b"x"), "x.txt"), "password": "x"},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 400
    odd = client.post("/signup", data={"delegates-²-name": "x", "email": "a@b.c"})
    assert odd.status_code == 400


def test_big_ids_in_urls_are_404(client):
    for path in ("/my/registrations/2147483648", "/my/registrations/99999999999999999999/edit"):
        assert client.get(path).status_code == 404


def test_development_key_is_made_per_installation(tmp_path, monkeypatch):
    monkeypatch.setattr("fairplanner.ROOT", tmp_path)
    app = create_app(config.DevelopmentConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SECRET_KEY"] != config.DEV_SECRET_KEY
    assert len(app.config["SECRET_KEY"]) >= 32
    again = create_app(config.DevelopmentConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for():
    app = fresh_app(PROXY_COUNT=1)

    @app.get("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr or ""

    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.get_data(as_text=True) == "203.0.113.7"


def test_a_stale_write_is_a_409_page():
    from sqlalchemy.orm.exc import StaleDataError

    app = fresh_app()

    @app.post("/stale")
    def stale():
        raise StaleDataError("UPDATE statement on table 'registrations' expected 1 row")

    response = app.test_client().post("/stale")
    assert response.status_code == 409
    assert "Кто-то изменил эти данные в тот же момент" in response.get_data(as_text=True)


def test_favicon_ico_answers_with_an_icon(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        body = response.get_data()
    # An ICONDIR: reserved 0, type 1 (icon), then the number of images.
    assert body[:4] == b"\x00\x00\x01\x00"
    assert int.from_bytes(body[4:6], "little") >= 1
    assert "max-age" in response.headers["Cache-Control"]
