"""Personal API tokens: how the API reads them, refuses bad ones, and counts calls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fairplanner.accounts import apitokens
from fairplanner.accounts.models import ApiToken, Role, TokenScope, User
from fairplanner.db import utcnow
from fairplanner.erasure import services as erasure
from fairplanner.extensions import db as _db
from tests.accounts.apps import limited_app


def test_a_token_is_stored_as_a_digest_and_shown_once(db, make_user):
    user = make_user()
    token, secret = apitokens.create_token(
        user, name="  CRM   sync ", scope=TokenScope.READ, lifetime_days=30
    )
    assert secret.startswith("fp_")
    assert len(secret) == 46
    assert token.name == "CRM sync"
    assert token.token_hash == apitokens.digest(secret)
    assert secret not in token.token_hash
    assert token.prefix == secret[:10]
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)


def test_an_unknown_revoked_or_expired_token_is_a_401_problem(client, db, make_user, make_token):
    user = make_user()
    for header in (
        {"Authorization": "Bearer fp_nonsense"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ):
        response = client.get("/api/v1/sectors", headers=header)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="FairPlanner API"')
        assert response.json["status"] == 401
        assert response.json["detail"]
    header = make_token(user)
    assert client.get("/api/v1/sectors", headers=header).status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/sectors", headers=header).status_code == 401
    token.expires_at = None
    token.revoked_at = utcnow()
    db.session.commit()
    assert client.get("/api/v1/sectors", headers=header).status_code == 401
    token.revoked_at = None
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/sectors", headers=header).status_code == 401


def test_use_is_noted_at_most_once_a_minute(client, db, make_user, make_token):
    user = make_user()
    header = make_token(user)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.last_used_at is None
    client.get("/api/v1/sectors", headers=header)
    db.session.refresh(token)
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/sectors", headers=header)
    db.session.refresh(token)
    assert token.last_used_at == first


def test_the_tokens_page_creates_shows_once_and_revokes(client, db, make_user, login_as):
    user = make_user()
    login_as(user)
    page = client.get("/account/api-tokens")
    assert page.status_code == 200
    assert "Токенов пока нет" in page.text
    response = client.post(
        "/account/api-tokens", data={"name": "CRM", "scope": "write", "lifetime": "30"}
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    secret = response.text.split('<code class="secret">', 1)[1].split("</code>", 1)[0]
    assert apitokens.digest(secret) == token.token_hash
    assert token.scope == TokenScope.WRITE
    assert secret not in client.get("/account/api-tokens").text  # once only
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json[
        "token"
    ] == {"name": "CRM", "scope": "write", "expires_at": token.expires_at.isoformat()}
    # Revoking asks first; nothing changes until confirmed.
    path = f"/account/api-tokens/{token.id}/revoke"
    asked = client.post(path)
    assert asked.status_code == 200
    assert "Отозвать токен?" in asked.text
    db.session.refresh(token)
    assert token.revoked_at is None
    assert client.post(path, data={"confirmed": "1"}).status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_the_tokens_page_refuses_bad_input_and_others_tokens(client, db, make_user, login_as):
    owner = make_user()
    other_token, _secret = apitokens.create_token(
        owner, name="theirs", scope=TokenScope.WRITE, lifetime_days=None
    )
    db.session.commit()
    login_as(make_user())
    response = client.post(
        "/account/api-tokens", data={"name": "  ", "scope": "admin", "lifetime": "7"}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(ApiToken.id))) == 1
    response = client.post(f"/account/api-tokens/{other_token.id}/revoke", data={"confirmed": "1"})
    assert response.status_code == 404
    db.session.refresh(other_token)
    assert other_token.revoked_at is None


def test_at_most_twenty_valid_tokens(db, make_user):
    user = make_user()
    for n in range(apitokens.MAX_ACTIVE):
        apitokens.create_token(user, name=f"t{n}", scope=TokenScope.READ, lifetime_days=30)
    with pytest.raises(apitokens.TokenError):
        apitokens.create_token(user, name="one more", scope=TokenScope.READ, lifetime_days=30)


def test_an_erased_members_tokens_stop_working(client, db, make_user, make_token):
    user = make_user()
    make_user(company=user.company)  # not the last member: the company stays
    header = make_token(user)
    assert client.get("/api/v1/me", headers=header).status_code == 200
    erasure.delete_member(user, actor=user)
    db.session.commit()
    assert client.get("/api/v1/me", headers=header).status_code == 401


@pytest.mark.sqlite_only
def test_calls_are_counted_per_token_with_ratelimit_headers():
    app = limited_app(API_TOKEN_RATE_LIMIT="3 per minute", API_ANONYMOUS_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        user = User(email="counted@example.com", role=Role.STAFF)
        _db.session.add(user)
        _db.session.flush()
        _token, secret = apitokens.create_token(
            user, name="n", scope=TokenScope.READ, lifetime_days=30
        )
        _db.session.commit()
    header = {"Authorization": f"Bearer {secret}"}
    seen = [client.get("/api/v1/sectors", headers=header) for _ in range(4)]
    assert [r.status_code for r in seen] == [200, 200, 200, 429]
    assert seen[0].headers["RateLimit-Limit"] == "3"
    assert seen[0].headers["RateLimit-Remaining"] == "2"
    assert seen[0].headers["RateLimit-Policy"] == "3;w=60"
    assert 0 < int(seen[0].headers["RateLimit-Reset"]) <= 60
    refused = seen[3]
    assert refused.mimetype == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Remaining"] == "0"
    # Without a token the address has its own count, and the token's does not touch it.
    anonymous = [client.get("/api/v1/sectors") for _ in range(3)]
    assert [r.status_code for r in anonymous] == [200, 200, 429]
    assert anonymous[0].headers["RateLimit-Limit"] == "2"


def test_the_document_says_which_operations_need_a_token(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":  # the path's own, not an operation
                continue
            private = path.startswith(("/api/v1/me", "/api/v1/company", "/api/v1/organizer/"))
            assert ("security" in operation) == private, (method, path)
            if private:
                assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)
